#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace sb {

/// One node of the cluster as the others know it. Crosses nodes (registered as
/// "sb.member_info", a list of them as "sb.member_list").
struct member_info {
  std::string name;         ///< unique in the cluster (CLUSTER_NODE_NAME)
  std::string incarnation;  ///< random per start: tells a restarted node from its old life
  std::string host;         ///< where peers reach its cluster port
  uint16_t port = 0;
  std::string proof;  ///< hash of the cluster secret: a node of another cluster is refused
  bool operator==(const member_info&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("member_info"), x.name, x.incarnation, x.host, x.port, x.proof);
}

/// The live members as this node sees them (itself included, sorted by name), for /health,
/// /metrics and placement. Written by the membership actor; read from any thread.
class cluster_view {
 public:
  explicit cluster_view(member_info self) : self_(self), members_{std::move(self)} {}

  member_info self() const {
    std::lock_guard lock(mu_);
    return self_;
  }
  /// Once the cluster port is bound (its number may only be known then).
  void set_self(member_info self) {
    std::lock_guard lock(mu_);
    self_ = self;
    members_ = {std::move(self)};
  }
  std::vector<member_info> members() const {
    std::lock_guard lock(mu_);
    return members_;
  }
  void set(std::vector<member_info> members) {
    std::lock_guard lock(mu_);
    members_ = std::move(members);
  }

 private:
  mutable std::mutex mu_;
  member_info self_;
  std::vector<member_info> members_;
};

}  // namespace sb
