#include "protocols/http/problem.hpp"

#include <boost/json.hpp>

#include "config/ground/error_metrics.hpp"

namespace sb::http {

response problem(errc code, std::string_view detail, std::string_view instance) {
  return problem(code, detail, instance, boost::json::object{});
}

response problem(errc code, std::string_view detail, std::string_view instance,
                 const boost::json::object& extensions) {
  const auto& i = info(code);
  boost::json::object body;
  body["success"] = false;
  body["type"] = "https://switchboard.dev/problems/" + std::string(i.code);
  body["title"] = i.title;
  body["status"] = i.http_status;
  body["detail"] = detail;
  body["code"] = i.code;
  body["error"] = detail;  // the seeds' clients read {"success":false,"error":"…"}
  if (!instance.empty()) body["instance"] = instance;
  for (const auto& [k, v] : extensions) body[k] = v;
  count_error(code);
  auto r = response::text(i.http_status, boost::json::serialize(body), "application/problem+json");
  // The error table says which answers are worth retrying, and when (a caller that knows
  // better replaces it with set_header).
  if (i.retry_after_s > 0) r.with_header("Retry-After", std::to_string(i.retry_after_s));
  return r;
}

}  // namespace sb::http
