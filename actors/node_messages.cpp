#include "actors/node_messages.hpp"

#include "actors/calls/call_messages.hpp"
#include "actors/chat/chat_messages.hpp"
#include "actors/cluster/member.hpp"
#include "actors/cti/webhook_stream.hpp"
#include "actors/ptt/fanout.hpp"
#include "actors/ptt/ptt_messages.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/shared_bytes.hpp"

namespace sb {

void add_node_messages(caf::actor_system_config& cfg) {
  // The names are the wire's: changing one breaks mixed-version clusters.
  cfg.add_message_type<shared_bytes>("sb.shared_bytes");
  cfg.add_message_type<floor_request>("sb.floor_request");
  cfg.add_message_type<ptt::talk_event>("sb.talk_event");
  cfg.add_message_type<relay_frames>("sb.relay_frames");
  cfg.add_message_type<std::vector<shared_bytes>>("sb.shared_bytes_list");
  cfg.add_message_type<call_setup>("sb.call_setup");
  cfg.add_message_type<call_command>("sb.call_command");
  cfg.add_message_type<calls::call_row>("sb.call_row");
  cfg.add_message_type<chat_send>("sb.chat_send");
  cfg.add_message_type<chat_change>("sb.chat_change");
  cfg.add_message_type<chat_pointer>("sb.chat_pointer");
  cfg.add_message_type<chat_delivery>("sb.chat_delivery");
  cfg.add_message_type<chat_typing>("sb.chat_typing");
  cfg.add_message_type<chat::message>("sb.chat_message");
  cfg.add_message_type<chat::member>("sb.chat_member");
  cfg.add_message_type<chat::conversation>("sb.chat_conversation");
  cfg.add_message_type<persistence::app_event>("sb.app_event");
  cfg.add_message_type<std::vector<persistence::app_event>>("sb.app_event_list");
  cfg.add_message_type<member_info>("sb.member_info");
  cfg.add_message_type<std::vector<member_info>>("sb.member_list");
}

}  // namespace sb
