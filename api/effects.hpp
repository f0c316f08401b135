#pragma once

#include <boost/json/object.hpp>
#include <caf/message.hpp>

#include <chrono>
#include <string>

#include "api/context.hpp"
#include "config/domain/identity/principal.hpp"
#include "persistence/audit.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "protocols/http/message.hpp"

namespace sb::api {

// What a committed identity change must do on the node, right after the commit: forget what
// the auth cache knew, and close the WebSockets that the change took the right to exist from
// (close code 4401).

void revoke_user_sessions(context& ctx, const std::string& user_id, const std::string& reason);
void revoke_app_sessions(context& ctx, const std::string& app_id, const std::string& reason);
void revoke_tenant_sessions(context& ctx, const std::string& tenant_id, const std::string& reason);
/// Closes the sessions opened with one API key, now or after a grace period.
void revoke_key_sessions(context& ctx, const std::string& key_hash, std::chrono::seconds after,
                         const std::string& reason);

/// Sends `msg` to the actor of a logical id ("group:…", "webhooks:…"), activating it first
/// when `activate`, else only if it is live. Fire and forget.
void tell_entity(context& ctx, const std::string& id, caf::message msg, bool activate);

/// After a committed change of a user's channels: the groups the user left drop their
/// connections, the user's sessions join the groups they now hear (dispatcher flag too), and
/// the channels' conversations read their members again.
void channels_changed(context& ctx, const std::string& tenant_id, const std::string& user_id,
                      const persistence::channel_change& change);

/// Tells the mailer that mail is waiting (no-op when SMTP is off).
void nudge_mailer(context& ctx);

/// Who asks for a change, and from where: what its audit row records of the request.
struct requester {
  principal who;
  std::string address;  ///< the client's address, "" when unknown
};
requester requester_of(const principal& who, const http::request& req);

/// An audit row for a change asked by `by`. `summary` must hold no secrets.
persistence::audit_entry audit_of(const requester& by, std::string action, std::string target_kind,
                                  std::string target_id, boost::json::object summary = {});

/// The directory tag of the sessions opened with an API key.
std::string key_tag(const std::string& key_hash);

}  // namespace sb::api
