#include "persistence/filtered_query.hpp"

namespace sb::persistence {

filtered_query& filtered_query::where(std::string_view condition,
                                      std::initializer_list<value> values) {
  from_where_ += conditions_++ == 0 ? " WHERE (" : " AND (";
  auto next = values.begin();
  for (char c : condition) {
    if (c != '?' || values.size() == 0) {
      from_where_ += c;
      continue;
    }
    from_where_ += ":p" + std::to_string(values_.size());
    values_.push_back(*next);
    if (next + 1 != values.end()) ++next;
  }
  from_where_ += ')';
  return *this;
}

filtered_query& filtered_query::where_set(std::string_view condition, const std::string& v) {
  return v.empty() ? *this : where(condition, {v});
}

filtered_query& filtered_query::where_set(std::string_view condition, int64_t v) {
  return v == 0 ? *this : where(condition, {static_cast<long long>(v)});
}

filtered_query& filtered_query::where_set(std::string_view condition,
                                          const std::optional<std::string>& v) {
  return v ? where(condition, {*v}) : *this;
}

filtered_query& filtered_query::where_set(std::string_view condition,
                                          const std::optional<int64_t>& v) {
  return v ? where(condition, {static_cast<long long>(*v)}) : *this;
}

void filtered_query::bind(soci::details::prepare_temp_type& statement) const {
  for (const auto& v : values_) std::visit([&](const auto& x) { statement, soci::use(x); }, v);
}

int64_t filtered_query::count(soci::session& sql) const {
  long long total = 0;
  auto prepared = (sql.prepare << "SELECT COUNT(*) " << from_where_);
  bind(prepared);
  prepared, soci::into(total);
  soci::statement(prepared).execute(true);
  return total;
}

soci::rowset<soci::row> filtered_query::page(soci::session& sql, std::string_view columns,
                                             std::string_view order, int64_t limit,
                                             int64_t offset) {
  limit_ = limit;
  offset_ = offset;
  auto prepared = (sql.prepare << "SELECT " << columns << ' ' << from_where_ << " ORDER BY "
                               << order << " LIMIT :lim OFFSET :off");
  bind(prepared);
  prepared, soci::use(limit_), soci::use(offset_);
  return soci::rowset<soci::row>(prepared);
}

}  // namespace sb::persistence
