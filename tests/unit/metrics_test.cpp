#include <catch2/catch.hpp>

#include "config/ground/metrics.hpp"

using namespace sb::metrics;

TEST_CASE("the registry renders Prometheus text exposition", "[metrics]") {
  registry r;
  r.get_counter("t_requests_total", "Requests", {{"code", "a\"b"}}).inc(3);
  r.get_gauge("t_open", "Open things").set(-2);
  auto& h = r.get_histogram("t_latency_seconds", "Latency", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  auto text = r.render();
  CHECK(text.find("# TYPE t_requests_total counter\nt_requests_total{code=\"a\\\"b\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("# TYPE t_open gauge\nt_open -2\n") != std::string::npos);
  CHECK(text.find("t_latency_seconds_bucket{le=\"0.1\"} 1\n"
                  "t_latency_seconds_bucket{le=\"1\"} 2\n"
                  "t_latency_seconds_bucket{le=\"+Inf\"} 3\n"
                  "t_latency_seconds_sum 5.55\n"
                  "t_latency_seconds_count 3\n") != std::string::npos);
}

TEST_CASE("instruments are found again by name and labels", "[metrics]") {
  registry r;
  auto& a = r.get_counter("t_x_total", "X", {{"k", "1"}});
  auto& b = r.get_counter("t_x_total", "X", {{"k", "1"}});
  auto& c = r.get_counter("t_x_total", "X", {{"k", "2"}});
  CHECK(&a == &b);
  CHECK(&a != &c);
  CHECK_THROWS(r.get_gauge("t_x_total", "X"));
}
