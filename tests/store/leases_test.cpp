// Entity leases on both dialects: one holder at a time, renewed without a new fence, taken
// over only once expired (the fence rises), and a job with an old fence refused.

#include <catch2/catch.hpp>

#include <soci/soci.h>

#include "persistence/cluster/leases.hpp"
#include "persistence/connection.hpp"
#include "persistence/migrations.hpp"
#include "tests/support/test_database.hpp"

using namespace sb;
using namespace sb::test;

TEST_CASE("a lease has one holder; a fence from before a takeover is refused", "[store]") {
  test_database db;
  auto sql = db.connect();
  persistence::migrate(*sql, config::parse_database_url(db.url()).kind);
  const std::string app = "webhooks:app-1";
  const int64_t ttl = 1'000'000;

  auto first = persistence::acquire_lease(*sql, app, "alpha/1", 0, ttl);
  REQUIRE(first.has_value());
  // Live: nobody else gets it; its holder renews it under the same fence.
  CHECK_FALSE(persistence::acquire_lease(*sql, app, "beta/1", ttl / 2, ttl).has_value());
  CHECK(persistence::acquire_lease(*sql, app, "alpha/1", ttl / 2, ttl) == first);
  CHECK_NOTHROW(persistence::check_fence(*sql, app, *first));

  // Expired (not renewed): another takes it, the fence rises, the old one is refused.
  auto second = persistence::acquire_lease(*sql, app, "beta/1", 2 * ttl, ttl);
  REQUIRE(second.has_value());
  CHECK(*second == *first + 1);
  CHECK_THROWS_AS(persistence::check_fence(*sql, app, *first), persistence::store_error);
  CHECK_NOTHROW(persistence::check_fence(*sql, app, *second));
  CHECK_FALSE(persistence::acquire_lease(*sql, app, "alpha/1", 2 * ttl, ttl).has_value());

  // Given up: the next holder takes it at once.
  persistence::release_lease(*sql, app, "beta/1");
  auto third = persistence::acquire_lease(*sql, app, "gamma/1", 2 * ttl + 1, ttl);
  REQUIRE(third.has_value());
  CHECK(*third == *second + 1);
  // Releasing someone else's lease does nothing.
  persistence::release_lease(*sql, app, "beta/1");
  CHECK_FALSE(persistence::acquire_lease(*sql, app, "beta/1", 2 * ttl + 2, ttl).has_value());
  // Unknown entities have no fence to hold.
  CHECK_THROWS_AS(persistence::check_fence(*sql, "webhooks:other", 1), persistence::store_error);
}
