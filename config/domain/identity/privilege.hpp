#pragma once

#include <string_view>

#include "config/domain/identity/principal.hpp"

namespace sb {

/// How much an account may do, lowest first. Operators (superadmin) outrank every role of
/// every tenant.
enum class privilege { user, dispatcher, manager, admin, operator_ };

constexpr privilege privilege_of(std::string_view role, bool superadmin) {
  if (superadmin) return privilege::operator_;
  if (role == "admin") return privilege::admin;
  if (role == "manager") return privilege::manager;
  if (role == "dispatcher") return privilege::dispatcher;
  return privilege::user;
}

inline privilege privilege_of(const principal& p) {
  if (p.type == principal::kind::internal) return privilege::operator_;
  return privilege_of(p.role, p.superadmin);
}

/// A tenant administrator (or an operator).
inline bool is_admin(const principal& p) {
  return privilege_of(p) >= privilege::admin;
}

/// Managers and above: they see every user of their tenant and every user's records.
inline bool is_staff(const principal& p) {
  return privilege_of(p) >= privilege::manager;
}

/// The one rule for acting on another account (change, suspend, delete, give a role): nobody
/// may act on an account, or hand out a role, with more privilege than their own. Without it
/// a tenant admin could take over an operator who lives in the same tenant.
inline bool may_manage(const principal& actor, privilege target) {
  return target <= privilege_of(actor);
}

}  // namespace sb
