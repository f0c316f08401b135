#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace sb::persistence {

/// A list query built from the conditions a caller sets: an unset filter adds none, so the
/// database plans each query for the filters it has. A condition writes `?` where a value
/// goes; the query names them (:p0, :p1, …) because SQLite gives repeated names one slot and
/// PostgreSQL one each. Its values live here: read a page before the query goes away.
class filtered_query {
 public:
  using value = std::variant<std::string, long long>;

  /// `from` is "FROM <table>" (and joins).
  explicit filtered_query(std::string from) : from_where_(std::move(from)) {}

  /// Adds `condition`; its `?`s take `values` in turn, the last value taking any beyond.
  filtered_query& where(std::string_view condition, std::initializer_list<value> values = {});
  /// Adds `condition` when the filter is set (a text not empty, a number not zero).
  filtered_query& where_set(std::string_view condition, const std::string& v);
  filtered_query& where_set(std::string_view condition, int64_t v);
  filtered_query& where_set(std::string_view condition, const std::optional<std::string>& v);
  filtered_query& where_set(std::string_view condition, const std::optional<int64_t>& v);

  /// COUNT(*) of the rows that pass.
  int64_t count(soci::session& sql) const;
  /// `columns` of one page of them in `order` ("created_at_us DESC, id DESC").
  soci::rowset<soci::row> page(soci::session& sql, std::string_view columns, std::string_view order,
                               int64_t limit, int64_t offset);

 private:
  void bind(soci::details::prepare_temp_type& statement) const;

  std::string from_where_;
  int conditions_ = 0;
  // soci keeps pointers to bound values: a deque never moves what it holds.
  std::deque<value> values_;
  long long limit_ = 0;
  long long offset_ = 0;
};

}  // namespace sb::persistence
