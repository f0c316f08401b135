#include "config/ground/errc.hpp"

#include <array>

namespace sb {

namespace {

constexpr std::array kInfos = {
    errc_info{"db_unavailable", 503, "Database unavailable", 1},
    errc_info{"timeout", 504, "Request timed out", 1},
    errc_info{"bad_request", 400, "Bad request", 0},
    errc_info{"bad_json", 400, "Malformed JSON", 0},
    errc_info{"unknown_type", 400, "Unknown message type", 0},
    errc_info{"frame_too_large", 413, "Frame too large", 0},
    errc_info{"payload_too_large", 413, "Payload too large", 0},
    errc_info{"headers_too_large", 431, "Request header fields too large", 0},
    errc_info{"not_found", 404, "Not found", 0},
    errc_info{"method_not_allowed", 405, "Method not allowed", 0},
    errc_info{"conflict", 409, "Conflict", 0},
    errc_info{"too_many_requests", 429, "Too many requests", 0},
    errc_info{"shutting_down", 503, "Server shutting down", 5},
    errc_info{"unauthorized", 401, "Unauthorized", 0},
    errc_info{"forbidden", 403, "Forbidden", 0},
    errc_info{"limit_reached", 400, "Limit reached", 0},
    errc_info{"invite_invalid", 400, "Invite not usable", 0},
    errc_info{"not_configured", 503, "Not configured", 0},
    errc_info{"upstream_failed", 502, "Upstream service failed", 0},
    errc_info{"overloaded", 503, "Over capacity", 1},
    errc_info{"range_not_satisfiable", 416, "Range not satisfiable", 0},
    errc_info{"upgrade_required", 426, "Upgrade required", 0},
    errc_info{"storage_full", 507, "Insufficient storage", 30},
    errc_info{"profile_setup_required", 412, "Profile setup required", 0},
    errc_info{"internal", 500, "Internal error", 0},
};

static_assert(kInfos.size() == static_cast<size_t>(errc::internal));

}  // namespace

const errc_info& info(errc e) {
  auto index = static_cast<size_t>(e);
  if (index == 0 || index > kInfos.size()) return kInfos.back();
  return kInfos[index - 1];
}

}  // namespace sb
