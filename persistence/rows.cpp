#include "persistence/rows.hpp"

#include <soci/soci.h>

#include <stdexcept>

namespace sb::persistence {

namespace {

std::size_t index_of(const soci::row& r, const std::string& col) {
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.get_properties(i).get_name() == col) return i;
  }
  throw std::logic_error("no column " + col);
}

}  // namespace

std::optional<std::string> row_reader::opt_str(const std::string& col) const {
  auto i = index_of(row_, col);
  if (row_.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row_.get_properties(i).get_data_type()) {
    case soci::dt_string:
      return row_.get<std::string>(i);
    case soci::dt_integer:
      return std::to_string(row_.get<int>(i));
    case soci::dt_long_long:
      return std::to_string(row_.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return std::to_string(row_.get<unsigned long long>(i));
    default:
      throw std::logic_error("column " + col + " is not text");
  }
}

std::string row_reader::str(const std::string& col) const {
  return opt_str(col).value_or("");
}

std::optional<int64_t> row_reader::opt_i64(const std::string& col) const {
  auto i = index_of(row_, col);
  if (row_.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row_.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row_.get<int>(i);
    case soci::dt_long_long:
      return row_.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<int64_t>(row_.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<int64_t>(row_.get<double>(i));
    case soci::dt_string:
      return std::stoll(row_.get<std::string>(i));
    default:
      throw std::logic_error("column " + col + " is not an integer");
  }
}

int64_t row_reader::i64(const std::string& col) const {
  return opt_i64(col).value_or(0);
}

nullable_text::nullable_text(const std::optional<std::string>& v)
    : value(v.value_or("")), indicator(v ? soci::i_ok : soci::i_null) {}

}  // namespace sb::persistence
