// A Matrix homeserver's answers (protocols/calls/matrix_answers): whoami names a user id or
// nothing; joined_members lists only user ids, each within the spec's 255 bytes and found in
// the body. Input: the body of either answer.
#include <string>

#include "protocols/calls/matrix_answers.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(matrix_answers) {
  auto body = sb::fuzz::as_text(data, size);
  if (auto user = sb::matrix::whoami_user(body)) {
    SB_FUZZ_CHECK(sb::matrix::is_user_id(*user));
    SB_FUZZ_CHECK(user->size() <= sb::matrix::kMaxUserIdBytes);
  }
  if (auto members = sb::matrix::joined_members(body)) {
    for (const auto& m : *members) {
      SB_FUZZ_CHECK(sb::matrix::is_user_id(m));
      SB_FUZZ_CHECK(m.size() <= sb::matrix::kMaxUserIdBytes && m.size() <= size);
    }
  }
}
