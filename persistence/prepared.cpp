#include "persistence/prepared.hpp"

namespace sb::persistence {

namespace {
thread_local statement_cache* current = nullptr;
}

statement_scope::statement_scope(statement_cache& cache) : previous_(current) {
  current = &cache;
}

statement_scope::~statement_scope() {
  current = previous_;
}

statement_cache* statements_of(soci::session& sql) noexcept {
  return current && &current->session() == &sql ? current : nullptr;
}

}  // namespace sb::persistence
