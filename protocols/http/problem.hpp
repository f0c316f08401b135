#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "config/ground/errc.hpp"
#include "protocols/http/message.hpp"

namespace sb::http {

/// An RFC 9457 problem+json response for `code`:
/// {"type":"https://switchboard.dev/problems/<code>","title":…,"status":…,"detail":…,
///  "code":"<code>","instance":…}. Counts the error in sb_errors_total.
response problem(errc code, std::string_view detail, std::string_view instance = {});

/// The same, with extension members merged in (e.g. "errors" for invalid fields).
response problem(errc code, std::string_view detail, std::string_view instance,
                 const boost::json::object& extensions);

}  // namespace sb::http
