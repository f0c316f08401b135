#pragma once

#include <soci/soci-backend.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace soci {
class row;
}

namespace sb::persistence {

/// Reads columns of a soci::row by name, the same way on both backends: NULL becomes
/// nullopt (or ""/0), and integers are read whatever width the backend reports.
class row_reader {
 public:
  explicit row_reader(const soci::row& r) : row_(r) {}

  std::string str(const std::string& col) const;
  std::optional<std::string> opt_str(const std::string& col) const;
  int64_t i64(const std::string& col) const;
  std::optional<int64_t> opt_i64(const std::string& col) const;
  bool flag(const std::string& col) const { return i64(col) != 0; }

 private:
  const soci::row& row_;
};

/// Every row of `rows` made into a value by `make(const row_reader&)`.
template <class Rows, class Make>
auto read_rows(Rows& rows, Make make) {
  std::vector<std::invoke_result_t<Make, const row_reader&>> out;
  for (const auto& r : rows) out.push_back(make(row_reader(r)));
  return out;
}

/// A nullable value to bind: soci needs a value and an indicator that outlive the statement.
struct nullable_text {
  explicit nullable_text(const std::optional<std::string>& v);
  std::string value;
  soci::indicator indicator;
};

/// A nullable integer to bind, likewise.
struct nullable_i64 {
  explicit nullable_i64(const std::optional<int64_t>& v)
      : value(v.value_or(0)), indicator(v ? soci::i_ok : soci::i_null) {}
  int64_t value;
  soci::indicator indicator;
};

}  // namespace sb::persistence
