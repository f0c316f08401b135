#include <catch2/catch.hpp>

#include "tests/integration/api_calls.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace sb::test;
namespace json = boost::json;

namespace {

json::object person(const std::string& email, const std::string& role,
                    const std::string& extension = "") {
  json::object o{{"email", email},
                 {"firstName", "First"},
                 {"lastName", email.substr(0, 3)},
                 {"role", role},
                 {"password", "a-long-enough-passphrase"}};
  if (!extension.empty()) o["extension"] = extension;
  return o;
}

}  // namespace

TEST_CASE("users are created, listed, changed and soft-deleted in Voxera's shapes", "[users]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto admin = admin_token(server);
  auto created = call(server.port(), "POST", "/api/v1/users", admin,
                      json::object{{"email", "Bob@Test.Local"},
                                   {"firstName", "Bob"},
                                   {"lastName", "Stone"},
                                   {"role", "customer_admin"},
                                   {"extension", "1001"},
                                   {"phone", "+15550100"},
                                   {"preferences", json::object{{"theme", "dark"}}}});
  REQUIRE(created.status == 201);
  auto bob = data_of(created);
  CHECK(bob.at("email") == "bob@test.local");
  CHECK(bob.at("role") == "customer_admin");  // the seed's name
  CHECK(bob.at("status") == "invited");       // no password yet
  CHECK(bob.at("extension") == "1001");
  CHECK(bob.at("preferences").at("theme") == "dark");
  CHECK(bob.at("customerId") == bob.at("tenantId"));
  std::string bob_id(bob.at("id").as_string());

  create_user(server.port(), admin, person("cat@test.local", "manager", "1002"));
  create_user(server.port(), admin, person("dan@test.local", "user", "1003"));

  auto dup_email =
      call(server.port(), "POST", "/api/v1/users", admin, person("bob@test.local", "user"));
  CHECK(dup_email.status == 409);
  CHECK(dup_email.json().at("detail") == "email: already used by another user");
  auto dup_ext =
      call(server.port(), "POST", "/api/v1/users", admin, person("eve@test.local", "user", "1001"));
  CHECK(dup_ext.status == 409);
  CHECK(dup_ext.json().at("detail") == "extension: already used by another user");

  auto list =
      call(server.port(), "GET", "/api/v1/users?limit=2&page=1&sort=email&order=asc", admin);
  REQUIRE(list.status == 200);
  auto body = list.json().as_object();
  CHECK(body.at("pagination").at("total") == 4);
  CHECK(body.at("pagination").at("totalPages") == 2);
  CHECK(body.at("data").as_array().size() == 2);
  CHECK(body.at("data").at(0).at("email") == "admin@test.local");
  auto managers = call(server.port(), "GET", "/api/v1/users?role=manager", admin).json();
  CHECK(managers.at("pagination").at("total") == 1);
  auto search = call(server.port(), "GET", "/api/v1/users?search=STONE", admin).json();
  CHECK(search.at("pagination").at("total") == 1);
  CHECK(search.at("data").at(0).at("id").as_string() == bob_id);
  // Bytes that are not UTF-8 are the client's error on both databases (PostgreSQL would
  // refuse them as a parameter).
  auto garbled = call(server.port(), "GET", "/api/v1/users?search=%FF%FE", admin);
  CHECK(garbled.status == 400);
  CHECK(garbled.json().at("code") == "bad_request");

  auto updated = call(server.port(), "PUT", "/api/v1/users/" + bob_id, admin,
                      json::object{{"displayName", "Bobby"}, {"phone", nullptr}});
  CHECK(updated.status == 200);
  CHECK(data_of(updated).at("displayName") == "Bobby");
  CHECK(data_of(updated).at("phone").is_null());

  auto status = call(server.port(), "PATCH", "/api/v1/users/" + bob_id + "/status", admin,
                     json::object{{"status", "inactive"}});
  CHECK(data_of(status).at("status") == "inactive");

  CHECK(call(server.port(), "DELETE", "/api/v1/users/" + bob_id, admin).status == 200);
  CHECK(call(server.port(), "GET", "/api/v1/users/" + bob_id, admin).status == 404);
  // Soft delete frees the address and the extension.
  create_user(server.port(), admin, person("bob@test.local", "user", "1001"));

  auto audit = call(server.port(), "GET", "/api/v1/audit-logs?targetId=" + bob_id, admin).json();
  std::vector<std::string> actions;
  for (const auto& e : audit.at("data").as_array())
    actions.emplace_back(e.at("action").as_string());
  CHECK(actions == std::vector<std::string>{"user.deleted", "user.status_changed", "user.updated",
                                            "user.created"});
  CHECK(audit.at("data").at(0).at("actorId").is_string());
}

TEST_CASE("bad user input is refused naming the field", "[users]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto admin = admin_token(server);
  auto detail = [&](json::object body) {
    return std::string(
        call(server.port(), "POST", "/api/v1/users", admin, body).json().at("detail").as_string());
  };
  CHECK(detail({{"firstName", "A"}, {"lastName", "B"}, {"role", "user"}}) == "email: is required");
  CHECK(detail({{"email", "x@y.zz"}, {"firstName", "A"}, {"lastName", "B"}, {"role", "king"}}) ==
        "role: must be one of admin (or customer_admin), manager, dispatcher, user");
  CHECK(detail({{"email", "x@y.zz"},
                {"firstName", std::string(101, 'a')},
                {"lastName", "B"},
                {"role", "user"}}) == "firstName: must be at most 100 bytes");
  CHECK(detail({{"email", "x@y.zz"},
                {"firstName", "A"},
                {"lastName", "B"},
                {"role", "user"},
                {"password", "short"}}) == "password: must be at least 12 characters");
  CHECK(detail({{"email", "x@y.zz"},
                {"firstName", "A"},
                {"lastName", "B"},
                {"role", "user"},
                {"extension", "12a"}}) == "extension: must be 1 to 10 digits");
  CHECK(detail({{"email", "x@y.zz"},
                {"firstName", "A"},
                {"lastName", "B"},
                {"role", "user"},
                {"superadmin", true},
                {"salary", 1}}) == "salary: is not a known field");
  auto bad_query = call(server.port(), "GET", "/api/v1/users?limit=1000", admin);
  CHECK(bad_query.status == 400);
  CHECK(bad_query.json().at("detail") == "limit: must be between 1 and 100");
  CHECK(call(server.port(), "GET", "/api/v1/users?sort=password", admin).status == 400);
  CHECK(call(server.port(), "GET", "/api/v1/users/not-a-uuid", admin).status == 404);
}

TEST_CASE("roles decide who may manage users", "[users]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto admin = admin_token(server);
  auto manager_id = create_user(server.port(), admin, person("man@test.local", "manager"));
  auto user_id = create_user(server.port(), admin, person("usr@test.local", "user"));
  auto manager = login(server.port(), "man@test.local", "a-long-enough-passphrase");
  auto user = login(server.port(), "usr@test.local", "a-long-enough-passphrase");

  CHECK(call(server.port(), "GET", "/api/v1/users", manager).status == 200);
  CHECK(call(server.port(), "POST", "/api/v1/users", manager, person("new@test.local", "user"))
            .status == 403);
  // A plain user reads the contact list: active users, without personal fields.
  auto contacts = call(server.port(), "GET", "/api/v1/users?limit=100", user);
  REQUIRE(contacts.status == 200);
  auto people = contacts.json().at("data").as_array();
  CHECK(people.size() >= 2);
  for (const auto& c : people) {
    CHECK(c.at("status") == "active");
    CHECK_FALSE(c.as_object().contains("phone"));
    CHECK_FALSE(c.as_object().contains("preferences"));
  }
  CHECK(call(server.port(), "GET", "/api/v1/users?status=suspended", user).status == 400);
  CHECK(call(server.port(), "GET", "/api/v1/users/" + user_id, user).status == 200);
  CHECK(call(server.port(), "GET", "/api/v1/users/" + manager_id, user).status == 403);
  auto self_edit = call(server.port(), "PUT", "/api/v1/users/" + user_id, user,
                        json::object{{"displayName", "Me"}});
  CHECK(self_edit.status == 200);
  auto promote =
      call(server.port(), "PUT", "/api/v1/users/" + user_id, user, json::object{{"role", "admin"}});
  CHECK(promote.status == 400);
  CHECK(promote.json().at("detail") == "role: is not a known field");
  CHECK(call(server.port(), "DELETE", "/api/v1/users/" + manager_id, user).status == 403);
  CHECK(call(server.port(), "GET", "/api/v1/audit-logs", manager).status == 403);
  CHECK(call(server.port(), "GET", "/api/v1/tenants", admin).status == 200);  // superadmin
  CHECK(call(server.port(), "GET", "/api/v1/tenants", manager).status == 403);
}

TEST_CASE("another tenant's data does not exist for a tenant's token", "[users][tenancy]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto op = admin_token(server);  // the bootstrap admin is an operator of tenant A
  auto tenant_a = std::string(
      data_of(call(server.port(), "GET", "/api/v1/auth/me", op)).at("tenantId").as_string());
  auto a_user = create_user(server.port(), op, person("alice@a.test", "user", "2001"));

  auto b = call(server.port(), "POST", "/api/v1/tenants", op, json::object{{"name", "Tenant B"}});
  REQUIRE(b.status == 201);
  auto tenant_b = std::string(data_of(b).at("id").as_string());
  create_user(server.port(), op, person("boss@b.test", "admin"), "?tenantId=" + tenant_b);
  auto b_admin = login(server.port(), "boss@b.test", "a-long-enough-passphrase");

  // Users: read, list, change, status, delete.
  CHECK(call(server.port(), "GET", "/api/v1/users/" + a_user, b_admin).status == 404);
  CHECK(call(server.port(), "PUT", "/api/v1/users/" + a_user, b_admin,
             json::object{{"displayName", "x"}})
            .status == 404);
  CHECK(call(server.port(), "PATCH", "/api/v1/users/" + a_user + "/status", b_admin,
             json::object{{"status", "suspended"}})
            .status == 404);
  CHECK(call(server.port(), "DELETE", "/api/v1/users/" + a_user, b_admin).status == 404);
  auto b_list = call(server.port(), "GET", "/api/v1/users", b_admin).json();
  CHECK(b_list.at("pagination").at("total") == 1);
  CHECK(call(server.port(), "GET", "/api/v1/users?tenantId=" + tenant_a, b_admin).status == 404);
  CHECK(call(server.port(), "POST", "/api/v1/users?tenantId=" + tenant_a, b_admin,
             person("x@x.xx", "user"))
            .status == 404);
  // Tenants.
  CHECK(call(server.port(), "GET", "/api/v1/tenants/" + tenant_a, b_admin).status == 404);
  CHECK(call(server.port(), "PATCH", "/api/v1/tenants/" + tenant_a, b_admin,
             json::object{{"name", "pwned"}})
            .status == 404);
  CHECK(call(server.port(), "GET", "/api/v1/tenants/" + tenant_b, b_admin).status == 200);
  // Audit logs.
  CHECK(call(server.port(), "GET", "/api/v1/audit-logs?tenantId=" + tenant_a, b_admin).status ==
        404);
  auto b_audit = call(server.port(), "GET", "/api/v1/audit-logs", b_admin).json();
  for (const auto& e : b_audit.at("data").as_array())
    CHECK(e.at("tenantId").as_string() == tenant_b);
  // The same extension is free in another tenant.
  create_user(server.port(), b_admin, person("carl@b.test", "user", "2001"));
  // And A's user is untouched.
  auto alice = call(server.port(), "GET", "/api/v1/users/" + a_user, op);
  CHECK(data_of(alice).at("status") == "active");
  CHECK(data_of(alice).at("displayName") == "First ali");
}

TEST_CASE("suspending a tenant locks its users out", "[users][tenancy]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto op = admin_token(server);
  auto b = data_of(call(server.port(), "POST", "/api/v1/tenants", op, json::object{{"name", "B"}}));
  std::string tenant_b(b.at("id").as_string());
  create_user(server.port(), op, person("boss@b.test", "admin"), "?tenantId=" + tenant_b);
  auto b_admin = login(server.port(), "boss@b.test", "a-long-enough-passphrase");
  CHECK(call(server.port(), "PATCH", "/api/v1/tenants/" + tenant_b, op,
             json::object{{"status", "suspended"}})
            .status == 200);
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", b_admin).status == 401);
  CHECK(call(server.port(), "POST", "/api/v1/auth/login", {},
             json::object{{"email", "boss@b.test"}, {"password", "a-long-enough-passphrase"}})
            .status == 403);
}

TEST_CASE("reactivated users and tenants get back in", "[users][tenancy]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto op = admin_token(server);
  auto b = data_of(call(server.port(), "POST", "/api/v1/tenants", op, json::object{{"name", "B"}}));
  std::string tenant_b(b.at("id").as_string());
  auto boss =
      create_user(server.port(), op, person("boss@b.test", "admin"), "?tenantId=" + tenant_b);
  auto b_admin = login(server.port(), "boss@b.test", "a-long-enough-passphrase");

  call(server.port(), "PATCH", "/api/v1/tenants/" + tenant_b, op,
       json::object{{"status", "suspended"}});
  // Refused while suspended; the node now remembers this user's tenant as suspended.
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", b_admin).status == 401);
  call(server.port(), "PATCH", "/api/v1/tenants/" + tenant_b, op,
       json::object{{"status", "active"}});
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", b_admin).status == 200);

  call(server.port(), "PATCH", "/api/v1/users/" + boss + "/status?tenantId=" + tenant_b, op,
       json::object{{"status", "suspended"}});
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", b_admin).status == 401);
  call(server.port(), "PATCH", "/api/v1/users/" + boss + "/status?tenantId=" + tenant_b, op,
       json::object{{"status", "active"}});
  auto again = login(server.port(), "boss@b.test", "a-long-enough-passphrase");
  CHECK(call(server.port(), "GET", "/api/v1/auth/me", again).status == 200);
}
