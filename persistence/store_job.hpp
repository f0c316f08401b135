#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

namespace soci {
class session;
}

namespace sb::persistence {

/// A unit of database work, run by a store worker inside a group-commit transaction. The
/// requester is answered only after the transaction commits; what the job produced it keeps
/// itself (result_job).
///
/// A job may run more than once: if another job of the same batch fails, the transaction is
/// rolled back and the rest re-run. So `execute` must not have effects outside the database.
/// To fail on purpose, throw store_error (persistence/connection.hpp).
class job_batcher;

class store_job {
 public:
  virtual ~store_job() = default;
  virtual void execute(soci::session& sql) = 0;
  /// Short name for logs and metrics, e.g. "insert_note".
  virtual std::string_view name() const = 0;
  /// What may run this job together with its neighbours of the same kind; nullptr: alone.
  virtual const job_batcher* batcher() const { return nullptr; }
};

/// Runs several jobs of one kind at once: consecutive jobs of a batch that name the same
/// batcher are handed to it together, so that a networked database sees one statement for
/// all of them rather than a round trip each. It must leave every job as its own execute
/// would, in the order given; when it throws, the worker runs each of them alone instead (so
/// the one at fault fails by itself).
class job_batcher {
 public:
  virtual ~job_batcher() = default;
  virtual void execute_all(soci::session& sql, std::span<store_job* const> jobs) const = 0;
};

using store_job_ptr = std::shared_ptr<store_job>;

/// A job and the slot of its typed result, inside the job (one allocation): the worker
/// answers after the commit, and the requester reads `value`. The mailbox hand-off orders the
/// worker's write before the requester's read. If the batch re-runs the job, the last run, the
/// committed one, wins. Callers use store_client (store_client.hpp), which makes these.
template <class T>
struct result_job {
  store_job_ptr job;        ///< keeps `value` alive
  std::optional<T>* value;  ///< inside *job
};

/// Wraps a callable `T(soci::session&)` as a result_job<T>.
template <class F>
auto make_result_job(std::string_view name, F fn)
    -> result_job<std::decay_t<std::invoke_result_t<F&, soci::session&>>> {
  using T = std::decay_t<std::invoke_result_t<F&, soci::session&>>;
  struct impl final : store_job {
    impl(std::string_view n, F f) : name_(n), fn_(std::move(f)) {}
    void execute(soci::session& sql) override { value.emplace(fn_(sql)); }
    std::string_view name() const override { return name_; }
    std::string_view name_;
    F fn_;
    std::optional<T> value;
  };
  auto job = std::make_shared<impl>(name, std::move(fn));
  auto* value = &job->value;
  return {std::move(job), value};
}

}  // namespace sb::persistence

// Jobs never leave the process: each node has its own store workers.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::persistence::store_job_ptr)
