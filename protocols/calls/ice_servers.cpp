#include "protocols/calls/ice_servers.hpp"

#include <boost/json.hpp>

#include "config/ground/crypto.hpp"

namespace sb::calls {

namespace json = boost::json;

namespace {

json::array split_urls(const std::string& list) {
  json::array out;
  size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    auto url = list.substr(start, end - start);
    auto first = url.find_first_not_of(" \t");
    auto last = url.find_last_not_of(" \t");
    if (first != std::string::npos) out.emplace_back(url.substr(first, last - first + 1));
    start = end + 1;
  }
  return out;
}

}  // namespace

turn_credentials turn_rest_credentials(const std::string& secret, const std::string& user_id,
                                       int64_t expiry_s) {
  auto username = std::to_string(expiry_s) + ":" + user_id;
  return {username, crypto::base64_encode(crypto::hmac_sha1(secret, username))};
}

json::object ice_servers_json(const config::calls_config& cfg, const std::string& user_id,
                              int64_t now_s) {
  json::array servers;
  if (auto stun = split_urls(cfg.stun_urls); !stun.empty()) {
    servers.push_back(json::object{{"urls", std::move(stun)}});
  }
  json::value ttl = nullptr;
  if (auto turn = split_urls(cfg.turn_urls); !turn.empty()) {
    json::object entry{{"urls", std::move(turn)}};
    if (!cfg.turn_secret.empty()) {
      auto creds = turn_rest_credentials(cfg.turn_secret, user_id, now_s + cfg.turn_ttl_s);
      entry["username"] = creds.username;
      entry["credential"] = creds.password;
      ttl = cfg.turn_ttl_s;
    } else {
      entry["username"] = cfg.turn_username;
      entry["credential"] = cfg.turn_credential;
    }
    servers.push_back(std::move(entry));
  }
  return {{"iceServers", std::move(servers)}, {"ttl", ttl}};
}

}  // namespace sb::calls
