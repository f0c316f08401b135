// What the API reads out of a request before any use case runs: the router (api/router) and
// the field validators (api/input), over a JSON body and over a query string.
// Input: the request's path, a newline, then the bytes used both as body and as query string.
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "api/input.hpp"
#include "api/router.hpp"
#include "config/ground/clock.hpp"
#include "protocols/ws/frame.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

namespace json = boost::json;
using sb::api::fields;

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

/// Every accepted value keeps its rule; the problem of a refusal is a 400 naming each field.
void check_fields(fields in) {
  if (auto name = in.text("name", {.required = true, .max_len = 20, .min_len = 2})) {
    SB_FUZZ_CHECK(name->size() >= 2 && name->size() <= 20 && !has_control(*name));
    SB_FUZZ_CHECK(!std::isspace(static_cast<unsigned char>(name->front())) &&
                  !std::isspace(static_cast<unsigned char>(name->back())));
    SB_FUZZ_CHECK(sb::is_valid_utf8(*name));  // it is stored, and served back as JSON
  }
  if (auto note = in.nullable_text("note", {.max_len = 30}); note && *note) {
    SB_FUZZ_CHECK(!(*note)->empty() && (*note)->size() <= 30 && sb::is_valid_utf8(**note));
  }
  if (auto kind = in.choice("kind", {"audio", "video"}, false)) {
    SB_FUZZ_CHECK(*kind == "audio" || *kind == "video");
  }
  if (auto email = in.email("email", false)) {
    SB_FUZZ_CHECK(sb::api::is_email(*email) && email->size() <= 254);
    SB_FUZZ_CHECK(
        std::none_of(email->begin(), email->end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
  }
  if (auto password = in.new_password("password", false)) {
    SB_FUZZ_CHECK(sb::api::password_weakness(*password).empty() && password->size() <= 256);
  }
  if (auto n = in.integer("count", -5, 100, false)) SB_FUZZ_CHECK(*n >= -5 && *n <= 100);
  (void)in.boolean("flag", false);
  if (auto at = in.timestamp("at", false)) {
    SB_FUZZ_CHECK(*at >= 0);
    // What was accepted is a time iso_time can print and read back to the millisecond.
    SB_FUZZ_CHECK(sb::parse_iso_time(sb::iso_time(*at)) == *at / 1000 * 1000);
  }
  if (auto meta = in.object_text("meta", 64, false)) {
    SB_FUZZ_CHECK(meta->size() <= 64 && json::parse(*meta).is_object());
  }
  if (auto sdp = in.raw_text("sdp", 64, false)) SB_FUZZ_CHECK(!sdp->empty() && sdp->size() <= 64);
  if (auto tags = in.text_list("tags", 3, 8, false)) {
    SB_FUZZ_CHECK(!tags->empty() && tags->size() <= 3);
    for (const auto& t : *tags) SB_FUZZ_CHECK(!t.empty() && t.size() <= 8);
  }
  if (auto ext = in.extension("ext"); ext && *ext) {
    const auto& digits = **ext;
    SB_FUZZ_CHECK(!digits.empty() && digits.size() <= 10);
    SB_FUZZ_CHECK(
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }));
  }
  in.reject_unknown({"name", "note", "kind", "email", "password", "count", "flag", "at", "meta",
                     "sdp", "tags", "ext"});
  if (in.ok()) return;
  auto problem = in.problem("/fuzz");
  SB_FUZZ_CHECK(problem.status == 400);
  auto body = json::parse(problem.body);  // throws (a crash) when the problem is not JSON
  SB_FUZZ_CHECK(body.at("errors").as_array().size() == in.errors().size());
}

/// A path reaches at most one handler, with its captures non-empty, or is answered 404/405.
void check_routing(std::string_view method, std::string_view path) {
  sb::api::router routes;
  std::string captured;
  auto capture = [&](sb::http::request, sb::api::path_params params, sb::http::responder done) {
    captured = std::string(params.get("id"));
    SB_FUZZ_CHECK(!captured.empty());
    done(sb::http::response::json(200, "{}"));
  };
  routes.add("GET", "/health",
             [](sb::http::request, sb::api::path_params params, sb::http::responder done) {
               SB_FUZZ_CHECK(params.get("id").empty());
               done(sb::http::response::json(200, "{}"));
             });
  routes.add("GET", "/api/calls/:id", capture);
  routes.add("POST", "/api/calls/:id/answer", capture);
  sb::http::request req;
  req.method = method;
  req.path = path;
  int answers = 0;
  uint16_t status = 0;
  routes.dispatch(std::move(req), [&](sb::http::response res) {
    ++answers;
    status = res.status;
    if (status == 405) {
      SB_FUZZ_CHECK(std::any_of(res.headers.begin(), res.headers.end(),
                                [](const auto& h) { return h.first == "Allow"; }));
    }
  });
  SB_FUZZ_CHECK(answers == 1 && (status == 200 || status == 404 || status == 405));
}

}  // namespace

SB_FUZZ_TARGET(api_input) {
  auto text = sb::fuzz::as_text(data, size);
  auto newline = text.find('\n');
  if (newline == std::string_view::npos) return;
  auto path = text.substr(0, newline);
  auto rest = text.substr(newline + 1);
  check_routing(path.size() % 2 ? "GET" : "POST", path);

  sb::http::request req;
  req.path = "/fuzz";
  req.body = std::string(rest);
  req.query = std::string(rest);
  auto body = fields::from_body(req);
  if (auto* in = std::get_if<fields>(&body)) check_fields(std::move(*in));
  check_fields(fields::from_query(req));
}
