#pragma once

#include <string>

namespace sb {

/// Who a request or connection acts for, once authenticated.
struct principal {
  enum class kind {
    anonymous,
    user,      ///< a person, by access token or session cookie
    app,       ///< an integration, by API key
    internal,  ///< an operator tool, by INTERNAL_API_SECRET
  };
  kind type = kind::anonymous;
  std::string id;         ///< user id or app id
  std::string tenant_id;  ///< empty for internal
  std::string role;       ///< users: admin, manager, dispatcher, user
  bool superadmin = false;
  bool must_change_password = false;  ///< users: only the profile and password routes answer
  std::string matrix_user{};  ///< users who came with a Matrix access token: their Matrix id

  /// The directory tag of this principal's sessions: "user:<id>" or "app:<id>".
  std::string tag() const {
    switch (type) {
      case kind::user:
        return "user:" + id;
      case kind::app:
        return "app:" + id;
      case kind::internal:
        return "internal";
      case kind::anonymous:
        break;
    }
    return "anonymous";
  }
};

}  // namespace sb
