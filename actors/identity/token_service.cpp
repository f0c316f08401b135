#include "actors/identity/token_service.hpp"

#include <boost/json.hpp>

#include "protocols/auth/jwt.hpp"

namespace sb {

std::string token_service::issue(const persistence::user_record& user, int64_t now_s) const {
  boost::json::object claims{
      {"sub", user.id},        {"tenant", user.tenant_id},  {"role", user.role},
      {"sa", user.superadmin}, {"ver", user.token_version}, {"iat", now_s},
      {"exp", now_s + ttl_s_}};
  return jwt::sign_hs256(claims, key_);
}

std::optional<access_claims> token_service::verify(std::string_view token, int64_t now_s) const {
  // Claims are parsed into a stack arena: no heap allocation for the JSON on the hot path.
  unsigned char arena[2048];
  boost::json::monotonic_resource mr(arena, sizeof arena);
  auto result = jwt::verify_hs256(token, key_, {now_s, 30, true}, &mr);
  auto* claims = std::get_if<boost::json::object>(&result);
  if (!claims) return std::nullopt;
  auto str = [&](const char* name) -> const boost::json::string* {
    auto* v = claims->if_contains(name);
    return v ? v->if_string() : nullptr;
  };
  auto* sub = str("sub");
  auto* tenant = str("tenant");
  auto* role = str("role");
  auto* ver = claims->if_contains("ver");
  if (!sub || !tenant || !role || !ver || !ver->is_int64()) return std::nullopt;
  access_claims out;
  out.user_id = std::string(*sub);
  out.tenant_id = std::string(*tenant);
  out.role = std::string(*role);
  out.version = ver->as_int64();
  if (auto* sa = claims->if_contains("sa"); sa && sa->is_bool()) out.superadmin = sa->as_bool();
  if (auto* iat = claims->if_contains("iat"); iat && iat->is_int64())
    out.issued_at = iat->as_int64();
  out.expires_at = claims->at("exp").to_number<int64_t>();
  return out;
}

}  // namespace sb
