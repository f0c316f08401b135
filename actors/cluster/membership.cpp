#include "actors/cluster/membership.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include "actors/runtime/caf_errc.hpp"
#include "config/domain/cluster/placement.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace sb {

namespace {

using self_ptr = membership_actor::stateful_pointer<membership_state>;
using clock = std::chrono::steady_clock;

std::string address(const std::string& host, uint16_t port) {
  return fmt::format("{}:{}", host, port);
}

/// Publishes the live members, this node included, sorted by name, to the node's view.
void publish_view(self_ptr self) {
  auto& st = self->state;
  std::vector<member_info> members{st.deps.view->self()};
  for (const auto& [name, p] : st.peers) members.push_back(p.info);
  std::sort(members.begin(), members.end(),
            [](const member_info& a, const member_info& b) { return a.name < b.name; });
  st.deps.view->set(std::move(members));
  if (st.deps.directory) self->send(st.deps.directory, place_atom::value);
  if (st.deps.changed) st.deps.changed();
}

/// The member that owns `logical_id` among the live ones.
std::string owner_name(self_ptr self, const std::string& logical_id) {
  std::vector<std::string> names{self->state.deps.view->self().name};
  for (const auto& [name, p] : self->state.peers) names.push_back(name);
  return cluster::owner_of(names, logical_id);
}

std::vector<member_info> known_members(self_ptr self) {
  std::vector<member_info> out{self->state.deps.view->self()};
  for (const auto& [name, p] : self->state.peers) out.push_back(p.info);
  return out;
}

void drop(self_ptr self, const std::string& name, std::string_view why) {
  auto& st = self->state;
  auto it = st.peers.find(name);
  if (it == st.peers.end()) return;
  spdlog::warn("cluster: member {} ({}) left: {}", name,
               address(it->second.info.host, it->second.info.port), why);
  st.peers.erase(it);
  publish_view(self);
}

/// Takes `info` as a live peer reachable through `handle`, replacing an older life.
void admit(self_ptr self, const member_info& info, membership_actor handle) {
  auto& st = self->state;
  const auto& me = st.deps.view->self();
  if (info.name == me.name || !handle) return;
  auto it = st.peers.find(info.name);
  if (it != st.peers.end() && it->second.info.incarnation == info.incarnation) {
    it->second.last_seen = clock::now();
    return;
  }
  if (it != st.peers.end()) {
    spdlog::info("cluster: member {} restarted", info.name);
  } else {
    spdlog::info("cluster: member {} ({}) joined", info.name, address(info.host, info.port));
  }
  self->monitor(handle);
  st.peers[info.name] = peer{info, handle, clock::now()};
  publish_view(self);
  // The others may not know it (a restarted member without seeds of its own): tell them.
  for (const auto& [name, p] : st.peers) {
    if (name != info.name) self->send(p.handle, seed_atom::value, std::vector<member_info>{info});
  }
  // Apart from that member, this node may have missed invalidations it broadcast.
  if (st.deps.deliver) {
    st.deps.deliver(caf::make_message(forget_atom::value, std::string("all"), std::string()));
  }
}

/// Notes the members a peer named that this node does not know, for dial_missing.
void learn(self_ptr self, const std::vector<member_info>& view) {
  auto& st = self->state;
  for (const auto& m : view) {
    if (m.name == st.deps.view->self().name || st.peers.count(m.name)) continue;
    auto target = std::make_pair(m.host, m.port);
    if (std::find(st.wanted.begin(), st.wanted.end(), target) == st.wanted.end()) {
      st.wanted.push_back(target);
    }
  }
}

void dial_missing(self_ptr self);

/// Connects to host:port (never blocking: the middleman's actor does it) and says hello.
void dial(self_ptr self, const std::string& host, uint16_t port) {
  auto& st = self->state;
  auto key = address(host, port);
  if (st.connecting.count(key)) return;
  st.connecting[key] = port;
  auto mm = self->home_system().middleman().actor_handle();
  self->request(mm, st.deps.timeout, caf::connect_atom::value, host, port)
      .then(
          [self, key](const caf::node_id&, caf::strong_actor_ptr& ptr,
                      const std::set<std::string>&) {
            auto remote = caf::actor_cast<membership_actor>(ptr);
            if (!remote) {
              self->state.connecting.erase(key);
              return;
            }
            self->request(remote, self->state.deps.timeout, hello_atom::value,
                          self->state.deps.view->self())
                .then(
                    [self, key, remote](std::vector<member_info>& view) {
                      self->state.connecting.erase(key);
                      if (view.empty()) return;
                      admit(self, view.front(), remote);
                      learn(self, view);
                      dial_missing(self);
                    },
                    [self, key](caf::error& err) {
                      self->state.connecting.erase(key);
                      spdlog::debug("cluster: hello to {} failed: {}", key,
                                    self->home_system().render(err));
                    });
          },
          [self, key](caf::error& err) {
            self->state.connecting.erase(key);
            spdlog::debug("cluster: cannot reach {}: {}", key, self->home_system().render(err));
          });
}

/// Dials every seed, and every member a peer named, that is not a live peer.
void dial_missing(self_ptr self) {
  auto& st = self->state;
  std::vector<std::pair<std::string, uint16_t>> targets = st.deps.seeds;
  targets.insert(targets.end(), st.wanted.begin(), st.wanted.end());
  st.wanted.clear();
  const auto& me = st.deps.view->self();
  for (const auto& [host, port] : targets) {
    if (host == me.host && port == me.port) continue;
    bool live = std::any_of(st.peers.begin(), st.peers.end(), [&](const auto& p) {
      return p.second.info.host == host && p.second.info.port == port;
    });
    if (!live) dial(self, host, port);
  }
}

}  // namespace

bool owns(const std::vector<member_info>& members, const member_info& self,
          const std::string& logical_id) {
  std::vector<std::string> names;
  for (const auto& m : members) names.push_back(m.name);
  return cluster::owner_of(names, logical_id) == self.name;
}

std::vector<std::pair<std::string, uint16_t>> parse_seeds(const std::string& list) {
  std::vector<std::pair<std::string, uint16_t>> out;
  size_t start = 0;
  while (start <= list.size()) {
    auto end = std::min(list.find(',', start), list.size());
    auto entry = list.substr(start, end - start);
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (!entry.empty()) {
      auto colon = entry.rfind(':');
      unsigned port = 0;
      auto* last = entry.data() + entry.size();
      if (colon == std::string::npos || colon == 0 ||
          std::from_chars(entry.data() + colon + 1, last, port).ptr != last || port == 0 ||
          port > 65535) {
        throw std::invalid_argument("expected host:port, got '" + entry + "'");
      }
      out.emplace_back(entry.substr(0, colon), static_cast<uint16_t>(port));
    }
    start = end + 1;
  }
  return out;
}

membership_actor::behavior_type membership_impl(self_ptr self, membership_deps deps) {
  self->state.deps = std::move(deps);
  self->set_down_handler([self](caf::down_msg& msg) {
    for (const auto& [name, p] : self->state.peers) {
      if (p.handle.address() == msg.source) return drop(self, name, "its connection broke");
    }
  });
  // The node sends the first seed and tick once the cluster port is bound.
  return {
      [self](hello_atom, const member_info& info) -> caf::result<std::vector<member_info>> {
        const auto& me = self->state.deps.view->self();
        if (info.proof != me.proof) {
          spdlog::warn("cluster: refused {} ({}): another cluster's secret", info.name,
                       address(info.host, info.port));
          return caf::make_error(errc::forbidden);
        }
        admit(self, info, caf::actor_cast<membership_actor>(self->current_sender()));
        return known_members(self);
      },
      [self](heartbeat_atom, const std::string& name, const std::string& incarnation) {
        auto it = self->state.peers.find(name);
        if (it != self->state.peers.end() && it->second.info.incarnation == incarnation) {
          it->second.last_seen = clock::now();
          return;
        }
        // A peer this node dropped (it was silent) or does not know yet: say hello back, so
        // that both sides take each other in again.
        auto sender = caf::actor_cast<membership_actor>(self->current_sender());
        if (!sender) return;
        self->request(sender, self->state.deps.timeout, hello_atom::value,
                      self->state.deps.view->self())
            .then(
                [self, sender](std::vector<member_info>& view) {
                  if (view.empty()) return;
                  admit(self, view.front(), sender);
                  learn(self, view);
                  dial_missing(self);
                },
                [](caf::error&) {});
      },
      [self](tick_atom) {
        auto& st = self->state;
        auto now = clock::now();
        std::vector<std::string> silent;
        for (auto& [name, p] : st.peers) {
          if (now - p.last_seen > st.deps.timeout) {
            silent.push_back(name);
          } else {
            self->send(p.handle, heartbeat_atom::value, st.deps.view->self().name,
                       st.deps.view->self().incarnation);
          }
        }
        for (const auto& name : silent) {
          drop(self, name, fmt::format("silent for more than {} ms", st.deps.timeout.count()));
        }
        self->delayed_send(self, st.deps.heartbeat, tick_atom::value);
      },
      [self](seed_atom) {
        dial_missing(self);
        // Seeds are tried again while they are not members (a node that started first, or one
        // that was away); a full mesh stays full without them.
        self->delayed_send(self, self->state.deps.timeout, seed_atom::value);
      },
      [self](seed_atom, const std::vector<member_info>& members) {
        learn(self, members);
        dial_missing(self);
      },
      [self](get_atom) { return self->state.deps.view->members(); },
      [self](broadcast_atom, caf::message& msg) {
        for (const auto& [name, p] : self->state.peers) {
          self->send(p.handle, deliver_atom::value, msg);
        }
      },
      [self](deliver_atom, caf::message& msg) {
        if (self->state.deps.deliver) self->state.deps.deliver(msg);
      },
      [self](resolve_atom, const std::string& id) -> caf::result<caf::actor> {
        auto& st = self->state;
        auto rp = self->make_response_promise<caf::actor>();
        auto found = [rp](caf::actor& a) mutable { rp.deliver(std::move(a)); };
        auto failed = [rp](caf::error&) mutable { rp.deliver(caf::make_error(errc::timeout)); };
        auto owner = owner_name(self, id);
        if (owner == st.deps.view->self().name) {
          self->request(st.deps.directory, st.deps.timeout, home_atom::value, id)
              .then(found, failed);
        } else {
          self->request(st.peers.at(owner).handle, st.deps.timeout, home_atom::value, id)
              .then(found, failed);
        }
        return rp;
      },
      [self](tagged_atom, const std::string& tag) -> caf::result<std::vector<caf::actor>> {
        auto& st = self->state;
        auto rp = self->make_response_promise<std::vector<caf::actor>>();
        auto found = std::make_shared<std::vector<caf::actor>>();
        auto left = std::make_shared<size_t>(1 + st.peers.size());
        auto add = [rp, found, left](const std::vector<caf::actor>& more) mutable {
          found->insert(found->end(), more.begin(), more.end());
          if (--*left == 0) rp.deliver(std::move(*found));
        };
        auto none = [add](caf::error&) mutable { add({}); };  // a member away: its share is lost
        self->request(st.deps.directory, st.deps.timeout, tagged_atom::value, tag).then(add, none);
        for (const auto& [name, p] : st.peers) {
          self->request(p.handle, st.deps.timeout, tagged_atom::value, tag, true).then(add, none);
        }
        return rp;
      },
      [self](lookup_atom, const std::string& id) -> caf::result<caf::actor> {
        auto& st = self->state;
        auto rp = self->make_response_promise<caf::actor>();
        auto left = std::make_shared<size_t>(1 + st.peers.size());
        auto answered = std::make_shared<bool>(false);
        auto one = [rp, left, answered](caf::actor a) mutable {
          --*left;
          if (*answered) return;
          if (a) {
            *answered = true;
            rp.deliver(std::move(a));
          } else if (*left == 0) {
            rp.deliver(caf::make_error(errc::not_found));
          }
        };
        auto none = [one](caf::error&) mutable { one(caf::actor{}); };
        self->request(st.deps.directory, st.deps.timeout, lookup_atom::value, id).then(one, none);
        for (const auto& [name, p] : st.peers) {
          self->request(p.handle, st.deps.timeout, lookup_atom::value, id, true).then(one, none);
        }
        return rp;
      },
      [self](tagged_atom, const std::string& tag, bool) -> caf::result<std::vector<caf::actor>> {
        auto rp = self->make_response_promise<std::vector<caf::actor>>();
        self->request(self->state.deps.directory, self->state.deps.timeout, tagged_atom::value, tag)
            .then([rp](std::vector<caf::actor>& found) mutable { rp.deliver(std::move(found)); },
                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [self](lookup_atom, const std::string& id, bool) -> caf::result<caf::actor> {
        auto rp = self->make_response_promise<caf::actor>();
        self->request(self->state.deps.directory, self->state.deps.timeout, lookup_atom::value, id)
            .then([rp](caf::actor& a) mutable { rp.deliver(std::move(a)); },
                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [self](home_atom, const std::string& id) -> caf::result<caf::actor> {
        auto rp = self->make_response_promise<caf::actor>();
        self->request(self->state.deps.directory, self->state.deps.timeout, home_atom::value, id)
            .then([rp](caf::actor& a) mutable { rp.deliver(std::move(a)); },
                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
  };
}

}  // namespace sb
