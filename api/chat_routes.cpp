#include "api/chat_routes.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include <limits>

#include "actors/chat/chat_client.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "config/ground/clock.hpp"
#include "persistence/chat/attachments.hpp"
#include "persistence/chat/chat.hpp"
#include "persistence/connection.hpp"
#include "protocols/chat/chat_json.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::tenant_scope;

namespace {

chat_failed answer_failure(context& ctx, http::responder respond, std::string path) {
  return [&ctx, respond, path](const caf::error& err) {
    respond(store_problem(ctx, persistence::store_failure::of(err), path));
  };
}

chat_message_ok answer_message(http::responder respond, uint16_t status) {
  return [respond, status](const chat::message& m, const chat::conversation& c) {
    respond(api_response(chat::message_json(m, c), status));
  };
}

void list_conversations(context& ctx, http::request req, path_params, principal who,
                        http::responder respond) {
  answer_from_store(
      ctx, req, who.id, "chat_conversations",
      [tenant = who.tenant_id, user = who.id](soci::session& sql) {
        return persistence::conversations_of(sql, tenant_scope(tenant), user);
      },
      respond,
      [user = who.id](std::vector<chat::summary>& found) {
        json::array items;
        for (const auto& s : found) items.push_back(chat::summary_json(s, user));
        return api_response(std::move(items));
      });
}

void create_group(context& ctx, http::request req, path_params, principal who,
                  http::responder respond) {
  struct group_input {
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> members;
  };
  auto in = parse_body(req, respond, {"name", "members"}, [](fields& f) {
    return group_input{f.text("name", {true, 128, 1}), f.text_list("members", 255, 64, true)};
  });
  if (!in) return;
  answer_from_store(
      ctx, req, who.id, "chat_create_group",
      [tenant = who.tenant_id, user = who.id, in = *in](soci::session& sql) {
        return persistence::create_group(sql, tenant_scope(tenant), user, *in.name, *in.members,
                                         now_us());
      },
      respond,
      [user = who.id](chat::conversation& c) {
        return api_response(chat::summary_json(chat::summary{c, std::nullopt, 0, 0}, user), 201);
      });
}

void history(context& ctx, http::request req, path_params p, principal who,
             http::responder respond) {
  auto q = fields::from_query(req);
  q.reject_unknown({"limit", "before", "after"});
  auto limit = q.integer("limit", 1, ctx.cfg.chat.history_limit, false).value_or(50);
  auto before = q.integer("before", 0, std::numeric_limits<int64_t>::max(), false);
  auto after = q.integer("after", 0, std::numeric_limits<int64_t>::max(), false);
  if (before && after) q.fail("after", "give before or after, not both");
  if (!q.ok()) return respond(q.problem(req.path));
  using page = std::pair<chat::conversation, persistence::message_page>;
  answer_from_store(
      ctx, req, who.id, "chat_history",
      [tenant = who.tenant_id, user = who.id, target = std::string(p.get("contactId")), before,
       after, limit](soci::session& sql) {
        tenant_scope scope(tenant);
        auto conv = persistence::resolve_conversation(sql, scope, user, target, false, now_us());
        persistence::message_page found;
        if (!conv.id.empty())
          found = persistence::history(sql, scope, conv.id, before, after, limit);
        return page{std::move(conv), std::move(found)};
      },
      respond,
      [](page& found) {
        json::array items;
        for (const auto& m : found.second.messages) {
          items.push_back(chat::message_json(m, found.first));
        }
        return api_response(json::object{{"conversationId", found.first.id},
                                         {"messages", std::move(items)},
                                         {"hasMore", found.second.has_more}});
      });
}

void send(context& ctx, http::request req, path_params p, principal who, http::responder respond) {
  struct send_input {
    std::optional<std::string> content;
    std::optional<std::string> client_msg_id;
    std::optional<std::vector<std::string>> attachment_ids;
  };
  auto in = parse_body(req, respond, {"content", "clientMsgId", "attachmentIds"}, [](fields& f) {
    auto files = f.text_list("attachmentIds", 100, 64, false);
    // A file may go alone: then the content may be left out.
    bool files_only = files && !files->empty() && !f.has("content");
    return send_input{
        files_only ? std::optional<std::string>("") : f.raw_text("content", SIZE_MAX, true),
        f.text("clientMsgId", {false, 128, 1}), std::move(files)};
  });
  if (!in) return;
  chat_send msg{who.id, std::move(*in->content), std::move(in->client_msg_id), caf::actor{},
                in->attachment_ids.value_or(std::vector<std::string>{})};
  send_chat(ctx.sys, *ctx.chat, who.tenant_id, std::string(p.get("contactId")), std::move(msg),
            answer_message(respond, 201), answer_failure(ctx, respond, req.path));
}

/// The request body is the file; `?name=` its file name, Content-Type its type.
void upload(context& ctx, http::request req, path_params p, principal who,
            http::responder respond) {
  auto q = fields::from_query(req);
  q.reject_unknown({"name"});
  auto name = q.text("name", {true, 1024, 1});
  if (req.body.empty()) q.fail("body", "the body is the file, and it is empty");
  if (!q.ok()) return respond(q.problem(req.path));
  if (req.body.size() > ctx.cfg.chat.max_attachment_bytes) {
    return respond(http::problem(errc::payload_too_large,
                                 fmt::format("the file is {} bytes; at most {} "
                                             "(chat.max_attachment_bytes)",
                                             req.body.size(), ctx.cfg.chat.max_attachment_bytes),
                                 req.path));
  }
  auto target = std::string(p.get("contactId"));
  answer_from_store(
      ctx, req, "chat:" + chat::direct_key(who.id, target), "chat_upload",
      [tenant = who.tenant_id, user = who.id, target, bytes = std::move(req.body),
       dir = ctx.cfg.chat.attachments_dir, file_name = chat::safe_file_name(*name),
       type = chat::safe_content_type(req.header("content-type"))](soci::session& sql) {
        tenant_scope scope(tenant);
        auto conv = persistence::resolve_conversation(sql, scope, user, target, true, now_us());
        auto a = persistence::create_attachment(sql, scope, conv.id, user, file_name, type,
                                                static_cast<int64_t>(bytes.size()), now_us());
        persistence::write_attachment_file(dir, scope, a.id, bytes);
        return a;
      },
      respond, [](chat::attachment& a) { return api_response(chat::attachment_json(a), 201); });
}

/// A file, to the members of its conversation (before it is sent: to its uploader only; a
/// file of a deleted message: to nobody).
void download(context& ctx, http::request req, path_params p, principal who,
              http::responder respond) {
  using found = std::pair<chat::attachment, std::string>;
  answer_from_store(
      ctx, req, who.id, "chat_download",
      [tenant = who.tenant_id, user = who.id, id = std::string(p.get("id")),
       dir = ctx.cfg.chat.attachments_dir](soci::session& sql) {
        tenant_scope scope(tenant);
        auto a = persistence::find_attachment(sql, scope, id);
        auto conv =
            a ? persistence::find_conversation(sql, scope, a->conversation_id) : std::nullopt;
        bool visible = conv && conv->find(user);
        if (visible && a->message_id) {
          auto m = persistence::find_message(sql, scope, *a->message_id);
          visible = m && !m->deleted_at_us;
        } else if (visible) {
          visible = a->uploaded_by == user;
        }
        if (!visible) throw persistence::store_error(errc::not_found, "no attachment " + id);
        return found{a->file, persistence::read_attachment_file(dir, scope, id)};
      },
      respond,
      [](found& f) {
        auto r = http::response::text(200, std::move(f.second), f.first.content_type);
        r.with_header("Content-Disposition", "attachment; filename=\"" + f.first.name + "\"")
            .with_header("X-Content-Type-Options", "nosniff")
            .with_header("Cache-Control", "private, no-store");
        return r;
      });
}

void mark_read(context& ctx, http::request req, path_params p, principal who,
               http::responder respond) {
  std::optional<int64_t> seq;
  if (!req.body.empty()) {
    auto in = parse_body(req, respond, {"upToSeq", "seq"}, [](fields& f) {
      auto v = f.integer("upToSeq", 0, std::numeric_limits<int64_t>::max(), false);
      return v ? v : f.integer("seq", 0, std::numeric_limits<int64_t>::max(), false);
    });
    if (!in) return;
    seq = *in;
  }
  // No seq: everything so far is read (the pointer stops at the end of the log).
  chat_pointer ptr{who.id, true, seq.value_or(std::numeric_limits<int64_t>::max()), caf::actor{}};
  move_chat_pointer(
      ctx.sys, *ctx.chat, who.tenant_id, std::string(p.get("contactId")), ptr,
      [respond](const chat::member& m, const chat::conversation& c) {
        respond(api_response(json::object{{"message", "conversation marked as read"},
                                          {"receipt", chat::receipt_json(c.id, m)}}));
      },
      answer_failure(ctx, respond, req.path));
}

void change(context& ctx, http::request req, path_params p, principal who, http::responder respond,
            std::optional<std::string> content) {
  chat_change c{who.id, who.role == "admin", std::string(p.get("id")), std::move(content),
                caf::actor{}};
  change_chat(ctx.sys, *ctx.chat, who.tenant_id, std::move(c), answer_message(respond, 200),
              answer_failure(ctx, respond, req.path));
}

void edit(context& ctx, http::request req, path_params p, principal who, http::responder respond) {
  auto in = parse_body(req, respond, {"content"},
                       [](fields& f) { return f.raw_text("content", SIZE_MAX, true); });
  if (!in) return;
  change(ctx, req, p, who, std::move(respond), std::move(*in));
}

void remove(context& ctx, http::request req, path_params p, principal who,
            http::responder respond) {
  change(ctx, req, p, who, std::move(respond), std::nullopt);
}

}  // namespace

void add_chat_routes(router& r, context& ctx) {
  route_table routes(r, ctx);
  routes.add("GET", "/api/v1/chat/conversations", policy::any_user, list_conversations);
  routes.add("POST", "/api/v1/chat/conversations", policy::any_user, create_group);
  routes.add("GET", "/api/v1/chat/conversations/:contactId/messages", policy::any_user, history);
  routes.add("POST", "/api/v1/chat/conversations/:contactId/messages", policy::any_user, send);
  routes.add("PATCH", "/api/v1/chat/conversations/:contactId/read", policy::any_user, mark_read);
  routes.add("POST", "/api/v1/chat/conversations/:contactId/attachments", policy::any_user, upload);
  routes.add("GET", "/api/v1/chat/attachments/:id", policy::any_user, download);
  routes.add("PATCH", "/api/v1/chat/messages/:id", policy::any_user, edit);
  routes.add("DELETE", "/api/v1/chat/messages/:id", policy::any_user, remove);
}

}  // namespace sb::api
