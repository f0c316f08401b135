#include "actors/directory/directory.hpp"

#include <caf/all.hpp>

#include <algorithm>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "actors/runtime/census.hpp"

namespace sb {

std::string kind_of(const std::string& logical_id) {
  return logical_id.substr(0, logical_id.find(':'));
}

directory_actor::behavior_type directory_impl(
    directory_actor::stateful_pointer<directory_state> self,
    std::map<std::string, activator> activators, directory_placement placement) {
  static actor_census census{"directory"};
  census.track(self);
  self->state.activators = std::move(activators);
  self->state.placement = std::move(placement);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.ids.find(dm.source);
    if (it == st.ids.end()) return;
    const auto id = it->second;
    st.ids.erase(it);
    // A relay replaced by its entity (home) no longer holds the entry.
    auto entry = st.entries.find(id);
    if (entry == st.entries.end() || entry->second.address() != dm.source) return;
    for (const auto& tag : st.tags_of[id]) {
      auto& members = st.ids_by_tag[tag];
      members.erase(id);
      if (members.empty()) st.ids_by_tag.erase(tag);
    }
    st.tags_of.erase(id);
    st.entries.erase(entry);
    st.relayed.erase(id);
  });
  // On shutdown, registered actors go down with the directory that knows them.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [id, a] : self->state.entries) self->send_exit(a, msg.reason);
    self->quit(msg.reason);
  });
  auto add = [=](const std::string& id, const caf::actor& a, const std::vector<std::string>& tags) {
    auto& st = self->state;
    st.entries[id] = a;
    st.ids[a.address()] = id;
    st.tags_of[id] = tags;
    for (const auto& tag : tags) st.ids_by_tag[tag].insert(id);
    self->monitor(a);
  };
  // The actor of `id`, activated through its kind's activator when `activate`; invalid when
  // there is none.
  // there is none. A placed id another member owns gets its kind's relay.
  auto find = [=](const std::string& id, bool activate) -> caf::actor {
    auto& st = self->state;
    if (auto it = st.entries.find(id); it != st.entries.end()) return it->second;
    if (!activate) return caf::actor{};
    const auto& placement = st.placement;
    if (auto relay = placement.relays.find(kind_of(id));
        relay != placement.relays.end() && placement.here && !placement.here(id)) {
      auto a = relay->second(self->system(), id);
      add(id, a, {});
      st.relayed.insert(id);
      return a;
    }
    auto act = st.activators.find(kind_of(id));
    if (act == st.activators.end()) return caf::actor{};
    auto a = act->second(self->system(), id);
    add(id, a, {});
    return a;
  };
  return {
      [=](register_atom, const std::string& id, const caf::actor& a) {
        census.on_message(self);
        if (self->state.entries.count(id)) return false;
        add(id, a, {});
        return true;
      },
      [=](register_atom, const std::string& id, const caf::actor& a,
          const std::vector<std::string>& tags) {
        census.on_message(self);
        if (self->state.entries.count(id)) return false;
        add(id, a, tags);
        return true;
      },
      [=](tell_atom, const std::string& tag, const caf::message& msg) {
        census.on_message(self);
        auto& st = self->state;
        auto it = st.ids_by_tag.find(tag);
        if (it == st.ids_by_tag.end()) return size_t{0};
        for (const auto& id : it->second) caf::anon_send(st.entries[id], msg);
        return it->second.size();
      },
      [=](kick_atom, const std::string& tag, uint16_t code, const std::string& reason) {
        census.on_message(self);
        auto& st = self->state;
        auto it = st.ids_by_tag.find(tag);
        if (it == st.ids_by_tag.end()) return size_t{0};
        for (const auto& id : it->second) {
          caf::anon_send(st.entries[id], kick_atom::value, code, reason);
        }
        return it->second.size();
      },
      [=](resolve_atom, const std::string& id) -> caf::result<caf::actor> {
        census.on_message(self);
        if (auto a = find(id, true)) return a;
        return caf::make_error(errc::not_found);
      },
      [=](forward_atom, const std::string& id, const caf::message& msg, bool activate) {
        census.on_message(self);
        if (auto a = find(id, activate)) caf::anon_send(a, msg);
      },
      [=](lookup_atom, const std::string& id) -> caf::result<caf::actor> {
        census.on_message(self);
        auto& st = self->state;
        if (auto it = st.entries.find(id); it != st.entries.end()) return it->second;
        return caf::make_error(errc::not_found);
      },
      [=](tagged_atom, const std::string& tag) {
        census.on_message(self);
        auto& st = self->state;
        std::vector<caf::actor> out;
        if (auto it = st.ids_by_tag.find(tag); it != st.ids_by_tag.end()) {
          for (const auto& id : it->second) out.push_back(st.entries[id]);
        }
        return out;
      },
      [=](online_atom, const std::vector<std::string>& tags) {
        census.on_message(self);
        std::vector<std::string> out;
        for (const auto& t : tags) {
          if (self->state.ids_by_tag.count(t)) out.push_back(t);
        }
        return out;
      },
      [=](home_atom, const std::string& id) -> caf::result<caf::actor> {
        census.on_message(self);
        auto& st = self->state;
        // The asker's members differ from this node's for a moment: it asks again, by when
        // they agree. An entity never runs where its own node's members say it does not.
        const auto& placement = st.placement;
        if (placement.here && placement.relays.count(kind_of(id)) && !placement.here(id)) {
          return caf::make_error(errc::conflict);
        }
        if (st.relayed.erase(id) > 0) {  // this node thought another member owned it
          caf::anon_send(st.entries[id], moved_atom::value);
          st.entries.erase(id);
        }
        if (auto it = st.entries.find(id); it != st.entries.end()) return it->second;
        auto act = st.activators.find(kind_of(id));
        if (act == st.activators.end()) return caf::make_error(errc::not_found);
        auto a = act->second(self->system(), id);
        add(id, a, {});
        return a;
      },
      [=](place_atom) {
        census.on_message(self);
        auto& st = self->state;
        if (!st.placement.here) return;
        // Out of the directory at once: the next resolve finds the new owner, not the
        // entity that is handing its listeners back.
        std::erase_if(st.entries, [&](const auto& entry) {
          const auto& [id, a] = entry;
          if (st.relayed.count(id) || !st.placement.relays.count(kind_of(id))) return false;
          if (st.placement.here(id)) return false;
          caf::anon_send(a, moved_atom::value);
          return true;
        });
      },
      [=](list_atom, const std::string& kind) {
        census.on_message(self);
        std::vector<std::string> out;
        for (const auto& [id, a] : self->state.entries) {
          if (kind_of(id) == kind) out.push_back(id);
        }
        std::sort(out.begin(), out.end());
        return out;
      },
  };
}

}  // namespace sb
