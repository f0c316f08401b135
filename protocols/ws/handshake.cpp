#include "protocols/ws/handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "protocols/http/problem.hpp"

namespace sb::ws {

namespace {

bool contains_token(std::string_view header, std::string_view token) {
  std::string lower(header);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t pos = 0;
  while (pos <= lower.size()) {
    auto comma = lower.find(',', pos);
    auto item = std::string_view(lower).substr(
        pos, comma == std::string::npos ? std::string::npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == token) return true;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

std::string base64(const unsigned char* data, size_t len) {
  std::string out(4 * ((len + 2) / 3), '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<size_t>(n));
  return out;
}

size_t base64_decoded_size(std::string_view s) {
  if (s.size() % 4 != 0) return 0;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=') return 0;
  }
  size_t pad = (!s.empty() && s.back() == '=') + (s.size() > 1 && s[s.size() - 2] == '=');
  return s.size() / 4 * 3 - pad;
}

}  // namespace

bool is_upgrade(const http::request& req) {
  return req.method == "GET" && contains_token(req.header("upgrade"), "websocket");
}

std::optional<http::response> check_upgrade(const http::request& req) {
  if (!contains_token(req.header("connection"), "upgrade")) {
    return http::problem(errc::bad_request, "WebSocket upgrade needs Connection: Upgrade",
                         req.path);
  }
  if (req.header("sec-websocket-version") != "13") {
    auto r =
        http::problem(errc::upgrade_required, "only WebSocket version 13 is supported", req.path);
    r.with_header("Sec-WebSocket-Version", "13");
    return r;
  }
  if (base64_decoded_size(req.header("sec-websocket-key")) != 16) {
    return http::problem(errc::bad_request, "Sec-WebSocket-Key must be 16 bytes in base64",
                         req.path);
  }
  return std::nullopt;
}

std::string accept_key(std::string_view client_key) {
  std::string input(client_key);
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &len, EVP_sha1(), nullptr);
  return base64(digest.data(), len);
}

std::string switching_protocols(std::string_view client_key, std::string_view subprotocol) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  out += accept_key(client_key);
  out += "\r\n";
  if (!subprotocol.empty()) {
    out += "Sec-WebSocket-Protocol: ";
    out += subprotocol;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace sb::ws
