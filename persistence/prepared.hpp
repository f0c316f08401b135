#pragma once

#include <memory>
#include <typeindex>
#include <unordered_map>

namespace soci {
class session;
}

namespace sb::persistence {

/// Statements a connection keeps prepared for its hot paths. SQLite spends longer parsing a
/// small INSERT than running it, so a job that runs thousands of times a second reuses one
/// statement per connection instead of preparing its SQL every time.
///
/// A `Statement` is a struct that prepares itself from a session (a soci::statement bound to
/// values it holds as members); the cache makes it on first use and keeps it as long as the
/// connection. Statements are destroyed before the session they were prepared on.
class statement_cache {
 public:
  explicit statement_cache(soci::session& sql) : sql_(sql) {}

  soci::session& session() const noexcept { return sql_; }

  template <class Statement>
  Statement& get() {
    auto& slot = entries_[std::type_index(typeid(Statement))];
    if (!slot) slot = std::make_unique<holder<Statement>>(sql_);
    return static_cast<holder<Statement>&>(*slot).value;
  }

 private:
  struct entry {
    virtual ~entry() = default;
  };
  template <class Statement>
  struct holder final : entry {
    explicit holder(soci::session& sql) : value(sql) {}
    Statement value;
  };

  soci::session& sql_;
  std::unordered_map<std::type_index, std::unique_ptr<entry>> entries_;
};

/// Makes `cache` the one jobs on this thread find while it lives: a store worker opens one
/// around each batch. Jobs get the session only, and keep that signature.
class statement_scope {
 public:
  explicit statement_scope(statement_cache& cache);
  ~statement_scope();
  statement_scope(const statement_scope&) = delete;
  statement_scope& operator=(const statement_scope&) = delete;

 private:
  statement_cache* previous_;
};

/// The cache of `sql` when a store worker runs the job on this thread; nullptr elsewhere (a
/// test or a start-up step with a session of its own).
statement_cache* statements_of(soci::session& sql) noexcept;

/// Runs `use(Statement&)` with `sql`'s cached statement, or with one prepared for this call.
template <class Statement, class Use>
auto with_statement(soci::session& sql, Use use) {
  if (auto* cache = statements_of(sql)) return use(cache->get<Statement>());
  Statement once(sql);
  return use(once);
}

}  // namespace sb::persistence
