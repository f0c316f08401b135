#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config/domain/chat/chat_model.hpp"
#include "config/ground/errc.hpp"

namespace sb::chat::sio {

// The chat events of the UCaaS web client (seed 004) over Socket.IO (docs/protocol.md,
// "Socket.IO"). A conversation is named by `conversationId`, or by the other user with
// `toUserId` / `contactId` / `userId` (the direct conversation).

struct register_request {
  std::optional<std::string> user_id;  ///< must be the authenticated user when given
};
struct send_request {
  std::string to;
  std::string content;
  std::optional<std::string> client_msg_id;
  std::vector<std::string> attachment_ids;
};
struct read_request {
  std::string to;
  std::optional<int64_t> up_to_seq;  ///< none: everything so far
};
using load_request = history_query;
struct change_request {
  std::string message_id;
  std::optional<std::string> content;  ///< none: delete
};
struct typing_request {
  std::string to;
  bool typing = true;
};
/// user:status from the client: {"status":"away"|"online"}.
struct status_request {
  bool away = false;
};
/// chat:sync {"since":{"<conversation id>":<version seen>,…}}: a resume.
struct sync_request {
  std::vector<std::pair<std::string, int64_t>> since;
};

using request = std::variant<register_request, send_request, read_request, load_request,
                             change_request, typing_request, status_request, sync_request>;

struct failure {
  errc code = errc::bad_request;
  std::string message;
};

/// Decodes an event (`args`: its name, then its arguments). `unknown_type` for an event this
/// server does not serve, `bad_request` for missing or malformed fields.
std::variant<request, failure> decode(const boost::json::array& args);

/// The ack payloads: [{"ok":true, …fields}] and [{"ok":false,"error":{"code","message"}}].
boost::json::array ack_ok(boost::json::object fields = {});
boost::json::array ack_error(errc code, std::string_view message);

// Events, as complete Socket.IO EVENT packets on the main namespace (encoded once, sent to
// every recipient as they are).
std::string message_event(std::string_view name, const message& m, const conversation& c);
std::string receipt_event(const std::string& conversation_id, const member& m);
std::string typing_event(const std::string& conversation_id, const std::string& user_id,
                         bool typing);

/// user:status {userId, status, lastSeen}
std::string presence_event(const std::string& user_id, std::string_view status,
                           const std::optional<int64_t>& last_seen_us);

/// conversation:loaded's payload: {conversationId, contactId, messages, hasMore}.
boost::json::object loaded(const conversation& c, const std::string& user,
                           const std::vector<message>& messages, bool has_more);

}  // namespace sb::chat::sio
