#include "persistence/identity/tokens.hpp"

#include <soci/soci.h>

#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

std::string new_token() {
  return crypto::base64url_encode(crypto::random_bytes(32));
}

/// A single-use token row, claimed.
struct claimed_token {
  std::string user_id;
  std::string detail;  ///< the value of the column the caller asked for
};

/// Marks the unused, unexpired row of `table` with this token used and returns its user and
/// `detail_column`; nullopt when the token is unknown, used or expired, or another request
/// claimed it first (the UPDATE is conditional).
std::optional<claimed_token> claim_token(soci::session& sql, std::string_view table,
                                         std::string_view detail_column,
                                         const std::string& raw_token) {
  std::string hash = crypto::sha256_hex(raw_token);
  long long now = now_us();
  std::string id;
  claimed_token out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, user_id, " << detail_column << " AS detail FROM " << table
                   << " WHERE token_hash = :h AND used_at_us IS NULL AND expires_at_us > :n",
       soci::use(hash), soci::use(now));
  for (const auto& r : rows) {
    row_reader in(r);
    id = in.str("id");
    out.user_id = in.str("user_id");
    out.detail = in.str("detail");
  }
  if (id.empty()) return std::nullopt;
  soci::statement mark = (sql.prepare << "UPDATE " << table
                                      << " SET used_at_us = :n "
                                         "WHERE id = :id AND used_at_us IS NULL",
                          soci::use(now), soci::use(id));
  mark.execute(true);
  if (mark.get_affected_rows() != 1) return std::nullopt;
  return out;
}

}  // namespace

std::string issue_refresh_token(soci::session& sql, const user_record& user,
                                const std::string& family_id, int64_t ttl_us) {
  std::string token = new_token();
  std::string id = crypto::random_uuid();
  std::string family = family_id.empty() ? crypto::random_uuid() : family_id;
  std::string hash = crypto::sha256_hex(token);
  long long now = now_us();
  long long expires = now + ttl_us;
  sql << "INSERT INTO refresh_tokens (id, user_id, tenant_id, family_id, token_hash, "
         "issued_at_us, expires_at_us) VALUES (:id, :u, :t, :f, :h, :i, :e)",
      soci::use(id), soci::use(user.id), soci::use(user.tenant_id), soci::use(family),
      soci::use(hash), soci::use(now), soci::use(expires);
  return token;
}

refresh_result rotate_refresh_token(soci::session& sql, const std::string& raw_token,
                                    int64_t ttl_us) {
  refresh_result out;
  std::string hash = crypto::sha256_hex(raw_token);
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, user_id, family_id, expires_at_us, used_at_us, revoked_at_us "
                      "FROM refresh_tokens WHERE token_hash = :h",
       soci::use(hash));
  std::string id, user_id, family;
  int64_t expires = 0;
  bool used = false, revoked = false;
  for (const auto& r : rows) {
    row_reader in(r);
    id = in.str("id");
    user_id = in.str("user_id");
    family = in.str("family_id");
    expires = in.i64("expires_at_us");
    used = in.opt_i64("used_at_us").has_value();
    revoked = in.opt_i64("revoked_at_us").has_value();
  }
  if (id.empty()) return out;
  long long now = now_us();
  if (used && !revoked) {
    // Presented twice: someone holds a copy. Revoke every token descended from the login.
    sql << "UPDATE refresh_tokens SET revoked_at_us = :n WHERE family_id = :f "
           "AND revoked_at_us IS NULL",
        soci::use(now), soci::use(family);
    out.result = refresh_result::outcome::reused;
    return out;
  }
  if (used || revoked || expires <= now) return out;
  auto user = find_user_any_tenant(sql, user_id);
  if (!user || user->status != "active") return out;
  // Conditional, so that of two concurrent refreshes with one token only one rotates.
  soci::statement mark = (sql.prepare << "UPDATE refresh_tokens SET used_at_us = :n "
                                         "WHERE id = :id AND used_at_us IS NULL",
                          soci::use(now), soci::use(id));
  mark.execute(true);
  if (mark.get_affected_rows() != 1) return out;
  out.result = refresh_result::outcome::rotated;
  out.token = issue_refresh_token(sql, *user, family, ttl_us);
  out.user = std::move(user);
  return out;
}

void revoke_refresh_family(soci::session& sql, const std::string& raw_token) {
  std::string hash = crypto::sha256_hex(raw_token);
  long long now = now_us();
  sql << "UPDATE refresh_tokens SET revoked_at_us = :n WHERE revoked_at_us IS NULL AND "
         "family_id IN (SELECT family_id FROM refresh_tokens WHERE token_hash = :h)",
      soci::use(now), soci::use(hash);
}

std::string create_password_reset(soci::session& sql, const user_record& user, int64_t ttl_us) {
  std::string token = new_token();
  std::string id = crypto::random_uuid();
  std::string hash = crypto::sha256_hex(token);
  long long now = now_us();
  long long expires = now + ttl_us;
  sql << "INSERT INTO password_resets (id, user_id, token_hash, expires_at_us, created_at_us) "
         "VALUES (:id, :u, :h, :e, :c)",
      soci::use(id), soci::use(user.id), soci::use(hash), soci::use(expires), soci::use(now);
  return token;
}

std::optional<user_record> consume_password_reset(soci::session& sql,
                                                  const std::string& raw_token) {
  auto claimed = claim_token(sql, "password_resets", "user_id", raw_token);
  if (!claimed) return std::nullopt;
  return find_user_any_tenant(sql, claimed->user_id);
}

std::string create_email_change(soci::session& sql, const user_record& user,
                                const std::string& new_email, const std::string& requested_by,
                                int64_t ttl_us) {
  std::string token = new_token();
  std::string id = crypto::random_uuid();
  std::string hash = crypto::sha256_hex(token);
  long long now = now_us();
  long long expires = now + ttl_us;
  sql << "UPDATE email_changes SET used_at_us = :n WHERE user_id = :u AND used_at_us IS NULL",
      soci::use(now), soci::use(user.id);
  sql << "INSERT INTO email_changes (id, user_id, new_email, token_hash, requested_by, "
         "expires_at_us, created_at_us) VALUES (:id, :u, :e, :h, :by, :x, :c)",
      soci::use(id), soci::use(user.id), soci::use(new_email), soci::use(hash),
      soci::use(requested_by), soci::use(expires), soci::use(now);
  return token;
}

std::optional<user_record> confirm_email_change(soci::session& sql, const std::string& raw_token) {
  auto claimed = claim_token(sql, "email_changes", "new_email", raw_token);
  if (!claimed) return std::nullopt;
  auto user = find_user_any_tenant(sql, claimed->user_id);
  if (!user) return std::nullopt;
  return change_email(sql, tenant_scope(user->tenant_id), user->id, claimed->detail);
}

issued_invite create_invite(soci::session& sql, const tenant_scope& scope,
                            const std::optional<std::string>& email, const std::string& role,
                            int64_t ttl_us, int64_t max_uses, const std::string& created_by) {
  issued_invite out;
  out.token = new_token();
  auto& inv = out.invite;
  inv.id = crypto::random_uuid();
  inv.tenant_id = scope.tenant_id();
  inv.email = email;
  inv.role = role;
  inv.created_at_us = now_us();
  inv.expires_at_us = inv.created_at_us + ttl_us;
  inv.max_uses = max_uses;
  std::string hash = crypto::sha256_hex(out.token);
  nullable_text mail(email);
  long long expires = inv.expires_at_us, created = inv.created_at_us, uses = max_uses;
  sql << "INSERT INTO invites (id, tenant_id, token_hash, email, role, expires_at_us, max_uses, "
         "used_count, created_by, created_at_us) VALUES (:id, :t, :h, :e, :r, :x, :m, 0, :by, :c)",
      soci::use(inv.id), soci::use(inv.tenant_id), soci::use(hash),
      soci::use(mail.value, mail.indicator), soci::use(inv.role), soci::use(expires),
      soci::use(uses), soci::use(created_by), soci::use(created);
  return out;
}

std::optional<invite_record> use_invite(soci::session& sql, const std::string& raw_token,
                                        const std::string& email) {
  std::string hash = crypto::sha256_hex(raw_token);
  long long now = now_us();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, tenant_id, email, role, expires_at_us, max_uses, used_count, "
                      "created_at_us FROM invites WHERE token_hash = :h AND expires_at_us > :n",
       soci::use(hash), soci::use(now));
  std::optional<invite_record> inv;
  for (const auto& r : rows) {
    row_reader in(r);
    inv = invite_record{in.str("id"),         in.str("tenant_id"),     in.opt_str("email"),
                        in.str("role"),       in.i64("expires_at_us"), in.i64("max_uses"),
                        in.i64("used_count"), in.i64("created_at_us")};
  }
  if (!inv) return std::nullopt;
  if (inv->email && *inv->email != email) return std::nullopt;
  // Conditional, so that concurrent accepts cannot exceed max_uses.
  soci::statement use =
      (sql.prepare << "UPDATE invites SET used_count = used_count + 1 "
                      "WHERE id = :id AND (max_uses = 0 OR used_count < max_uses)",
       soci::use(inv->id));
  use.execute(true);
  if (use.get_affected_rows() != 1) return std::nullopt;
  ++inv->used_count;
  return inv;
}

}  // namespace sb::persistence
