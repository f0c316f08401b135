#include "actors/calls/call_recovery.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "config/ground/clock.hpp"
#include "persistence/calls/calls.hpp"
#include "persistence/store_client.hpp"

namespace sb {

void recover_calls(caf::actor_system& sys, const persistence::store_client& store,
                   directory_actor directory, const std::string& member) {
  auto started_us = now_us();
  store.ask_until_committed(
      sys, directory, std::chrono::seconds(1), "fail_unfinished_calls",
      [started_us, member](soci::session& sql) {
        return persistence::fail_unfinished_calls(sql, member, started_us, now_us());
      },
      [](size_t failed) {
        if (failed)
          spdlog::warn("{} calls left unfinished by the previous run marked failed", failed);
      },
      "close calls left by the previous run");
}

}  // namespace sb
