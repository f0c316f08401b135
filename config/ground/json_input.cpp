#include "config/ground/json_input.hpp"

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>

#include <cmath>
#include <vector>

namespace sb {

namespace {

bool all_finite(const boost::json::value& root) {
  std::vector<const boost::json::value*> pending{&root};
  while (!pending.empty()) {
    const auto* v = pending.back();
    pending.pop_back();
    if (v->is_double() && !std::isfinite(v->get_double())) return false;
    if (const auto* a = v->if_array()) {
      for (const auto& x : *a) pending.push_back(&x);
    } else if (const auto* o = v->if_object()) {
      for (const auto& kv : *o) pending.push_back(&kv.value());
    }
  }
  return true;
}

}  // namespace

boost::json::value parse_json(std::string_view text, boost::system::error_code& ec) {
  auto v = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
  if (!ec && !all_finite(v)) {
    ec = boost::json::error::exponent_overflow;
    return nullptr;
  }
  return v;
}

}  // namespace sb
