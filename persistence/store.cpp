#include "persistence/store.hpp"

#include <caf/all.hpp>

#include <algorithm>

#include "actors/runtime/caf_errc.hpp"
#include "persistence/store_client.hpp"
#include "persistence/store_supervisor.hpp"

namespace sb::persistence {

store::store(config::database_target target, size_t workers)
    : target_(std::move(target)), workers_(workers) {}

store_route store::route(shard_key key) const {
  std::lock_guard guard{mutex_};
  const auto& worker = workers_[key.value() % workers_.size()];
  if (worker) return worker;
  return supervisor_;
}

size_t store::live_workers() const {
  std::lock_guard guard{mutex_};
  return static_cast<size_t>(
      std::count_if(workers_.begin(), workers_.end(), [](const auto& w) { return bool(w); }));
}

std::chrono::seconds store::retry_after() const {
  auto ms = retry_after_ms_.load(std::memory_order_relaxed);
  return std::chrono::seconds(std::max<int64_t>(1, (ms + 999) / 1000));
}

store_supervisor_actor store::supervisor() const {
  std::lock_guard guard{mutex_};
  return supervisor_;
}

void store::publish(size_t index, store_worker_actor worker) {
  std::lock_guard guard{mutex_};
  workers_.at(index) = std::move(worker);
}

void store::withdraw(size_t index) {
  std::lock_guard guard{mutex_};
  workers_.at(index) = nullptr;
}

void store::set_supervisor(store_supervisor_actor supervisor) {
  std::lock_guard guard{mutex_};
  supervisor_ = std::move(supervisor);
}

void store::set_retry_after(std::chrono::milliseconds delay) {
  retry_after_ms_.store(delay.count(), std::memory_order_relaxed);
}

store_ptr start_store(caf::actor_system& sys, const config::database_target& target,
                      const config::database_config& cfg) {
  size_t workers = cfg.workers;
  if (workers == 0) workers = target.kind == config::dialect::sqlite ? 1 : 2;
  auto s = std::make_shared<store>(target, workers);
  // Set before returning, so that route() never hands out an invalid handle.
  s->set_supervisor(sys.spawn(store_supervisor_impl, s, cfg));
  return s;
}

std::string store_error_message(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return {};
}

store_failure store_failure::of(const caf::error& err) {
  return {store_errc(err), store_error_message(err)};
}

caf::error store_failure::to_error() const {
  if (message.empty()) return caf::make_error(code);
  return caf::make_error(code, message);
}

std::string client_message(const caf::error& err, std::string_view fallback) {
  auto message = store_error_message(err);
  if (!message.empty()) return message;
  if (store_errc(err) == errc::db_unavailable) return "the database is unavailable, retry later";
  return std::string(fallback);
}

errc store_errc(const caf::error& err) {
  if (err == caf::sec::request_receiver_down) return errc::db_unavailable;
  return to_errc(err);
}

}  // namespace sb::persistence
