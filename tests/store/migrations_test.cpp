#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <thread>

#include "persistence/migrations.hpp"
#include "tests/support/test_database.hpp"

using namespace sb;
using namespace sb::persistence;

namespace {

int count_rows(soci::session& sql, const std::string& table) {
  int n = 0;
  sql << "SELECT COUNT(*) FROM " << table, soci::into(n);
  return n;
}

}  // namespace

TEST_CASE("migrations apply once and record their versions", "[migrations]") {
  test::test_database db;
  auto sql = db.connect();
  const auto& list = migrations_for(db.dialect());
  REQUIRE_FALSE(list.empty());

  auto first = migrate(*sql, db.dialect());
  CHECK(first.from_version == 0);
  CHECK(first.to_version == list.back().version);
  CHECK(first.applied.size() == list.size());

  auto second = migrate(*sql, db.dialect());
  CHECK(second.applied.empty());
  CHECK(second.from_version == list.back().version);
  CHECK(count_rows(*sql, "schema_migrations") == static_cast<int>(list.size()));
  CHECK(schema_version(*sql) == list.back().version);
  CHECK(count_rows(*sql, "notes") == 0);
}

TEST_CASE("both dialects define the same migration versions", "[migrations]") {
  const auto& lite = sqlite_migrations();
  const auto& pg = postgresql_migrations();
  REQUIRE(lite.size() == pg.size());
  for (size_t i = 0; i < lite.size(); ++i) {
    CHECK(lite[i].version == pg[i].version);
    CHECK(lite[i].name == pg[i].name);
  }
}

TEST_CASE("a database newer than the binary is refused", "[migrations]") {
  test::test_database db;
  auto sql = db.connect();
  migrate(*sql, db.dialect());
  *sql << "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (9999, 'x', 0)";
  CHECK_THROWS_WITH(migrate(*sql, db.dialect()),
                    Catch::Contains("schema version 9999 is newer than this binary knows"));
}

TEST_CASE("a failing migration leaves no trace", "[migrations]") {
  test::test_database db;
  auto sql = db.connect();
  std::vector<migration> broken{
      {1, "0001_ok", "CREATE TABLE m_one (id INTEGER PRIMARY KEY);"},
      {2, "0002_broken",
       "CREATE TABLE m_two (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);"}};
  CHECK_THROWS(migrate(*sql, db.dialect(), broken));
  CHECK(schema_version(*sql) == 1);
  CHECK(count_rows(*sql, "m_one") == 0);
  // m_two was created inside the failed transaction, so it must not exist.
  CHECK_THROWS(count_rows(*sql, "m_two"));
}

TEST_CASE("concurrent migrations apply every version exactly once", "[migrations]") {
  test::test_database db;
  const auto& list = migrations_for(db.dialect());
  std::vector<std::thread> threads;
  std::vector<migration_report> reports(4);
  std::vector<std::string> errors(4);
  for (size_t i = 0; i < reports.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        auto sql = db.connect();
        reports[i] = migrate(*sql, db.dialect());
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  size_t applied = 0;
  for (size_t i = 0; i < reports.size(); ++i) {
    CHECK(errors[i].empty());
    CHECK(reports[i].to_version == list.back().version);
    applied += reports[i].applied.size();
  }
  CHECK(applied == list.size());
  auto sql = db.connect();
  CHECK(count_rows(*sql, "schema_migrations") == static_cast<int>(list.size()));
}

TEST_CASE("migration files split at top-level semicolons only", "[migrations]") {
  auto parts = split_statements(
      "-- a comment; with a semicolon\nCREATE TABLE a (x TEXT DEFAULT 'a;b');\n\n"
      "INSERT INTO a VALUES ('it''s');  \n");
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].find("CREATE TABLE a (x TEXT DEFAULT 'a;b')") != std::string::npos);
  CHECK(parts[1] == "INSERT INTO a VALUES ('it''s')");
}
