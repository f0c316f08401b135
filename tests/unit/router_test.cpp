#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "api/router.hpp"

using namespace sb;

namespace {

http::response call(const api::router& r, std::string method, std::string path) {
  http::request req;
  req.method = std::move(method);
  req.path = path;
  req.target = path;
  http::response out;
  r.dispatch(std::move(req), [&](http::response res) { out = std::move(res); });
  return out;
}

std::string header(const http::response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

TEST_CASE("routes match literal and captured segments", "[api]") {
  api::router r;
  r.add("GET", "/api/calls/:id/status", [](http::request, api::path_params p, http::responder res) {
    res(http::response::json(200, std::string("\"") + std::string(p.get("id")) + "\""));
  });
  auto ok = call(r, "GET", "/api/calls/a%20b/status");
  CHECK(ok.status == 200);
  CHECK(ok.body == "\"a b\"");
}

TEST_CASE("unknown paths are 404 and wrong methods 405 with Allow", "[api]") {
  api::router r;
  auto noop = [](http::request, api::path_params, http::responder res) {
    res(http::response::json(200, "{}"));
  };
  r.add("GET", "/health", noop);
  r.add("DELETE", "/health", noop);
  auto missing = call(r, "GET", "/nope");
  CHECK(missing.status == 404);
  CHECK(header(missing, "Content-Type") == "application/problem+json");
  auto body = boost::json::parse(missing.body).as_object();
  CHECK(body.at("code") == "not_found");
  CHECK(body.at("status") == 404);
  CHECK(body.at("instance") == "/nope");

  auto wrong = call(r, "POST", "/health");
  CHECK(wrong.status == 405);
  CHECK(header(wrong, "Allow") == "DELETE, GET");
  CHECK(boost::json::parse(wrong.body).as_object().at("code") == "method_not_allowed");
}

TEST_CASE("a handler that throws answers 500 internal without details", "[api]") {
  api::router r;
  r.add("GET", "/boom", [](http::request, api::path_params, http::responder) {
    throw std::runtime_error("secret internals");
  });
  auto res = call(r, "GET", "/boom");
  CHECK(res.status == 500);
  CHECK(res.body.find("secret") == std::string::npos);
  CHECK(boost::json::parse(res.body).as_object().at("code") == "internal");
}
