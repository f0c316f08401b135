#include "api/common_passwords.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_set>

namespace sb::api {

namespace {

// Well-known passwords of 12+ characters (from public breach-frequency lists).
const std::unordered_set<std::string_view>& known() {
  static const std::unordered_set<std::string_view> list{
      "123456789012",
      "1234567890123",
      "12345678901234",
      "123456123456",
      "111111111111",
      "000000000000",
      "123123123123",
      "121212121212",
      "112233445566",
      "qwertyuiop12",
      "qwerty123456",
      "qwertyqwerty",
      "1q2w3e4r5t6y",
      "1qaz2wsx3edc",
      "zaq12wsxcde3",
      "qazwsxedcrfv",
      "passwordpassword",
      "password1234",
      "password12345",
      "password123456",
      "iloveyou1234",
      "letmein12345",
      "welcome12345",
      "changeme1234",
      "administrator",
      "administrator1",
      "trustno1trustno1",
      "q1w2e3r4t5y6",
      "a1b2c3d4e5f6",
      "asdfghjkl123",
      "asdfasdfasdf",
      "qweasdzxc123",
      "zxcvbnm12345",
      "1234qwerasdf",
      "mypassword123",
      "thisismypassword",
      "correcthorsebatterystaple",
      "opensesame123",
      "letmeinletmein",
      "whatever1234",
      "football1234",
      "baseball1234",
      "superman1234",
      "batman123456",
      "starwars1234",
      "pokemon12345",
      "minecraft123",
      "sunshine1234",
      "princess1234",
      "iloveyouiloveyou",
      "loveyou12345",
      "monkey123456",
      "dragon123456",
      "shadow123456",
      "master123456",
      "michael12345",
      "jennifer1234",
      "jordan123456",
      "welcomewelcome",
      "p@ssw0rd1234",
      "passw0rd1234",
      "p@ssword1234",
      "admin1234567",
      "adminadmin123",
      "rootroot1234",
      "testtest1234",
      "test12345678",
      "guest1234567",
      "default12345",
      "secret123456",
      "summer123456",
      "winter123456",
      "spring123456",
      "autumn123456",
  };
  return list;
}

// Words that, with digits or symbols around them, make the most common "complex" passwords.
const std::unordered_set<std::string_view>& words() {
  static const std::unordered_set<std::string_view> list{
      "password",    "passwort",  "qwerty",    "letmein",  "welcome",  "admin",    "administrator",
      "iloveyou",    "loveyou",   "monkey",    "dragon",   "football", "baseball", "soccer",
      "hockey",      "sunshine",  "princess",  "starwars", "superman", "batman",   "trustno",
      "master",      "shadow",    "michael",   "jennifer", "jordan",   "hunter",   "ranger",
      "charlie",     "thomas",    "daniel",    "secret",   "changeme", "default",  "guest",
      "login",       "root",      "test",      "user",     "summer",   "winter",   "spring",
      "autumn",      "pokemon",   "minecraft", "freedom",  "whatever", "computer", "internet",
      "samsung",     "google",    "apple",     "hello",    "flower",   "cookie",   "chocolate",
      "switchboard", "voiceping", "dialpad",   "company",  "welcome",  "pass",     "abc",
      "love",
  };
  return list;
}

// Keyboard rows and alphabets, both ways: any 12-character run of one is a walk.
bool is_walk(const std::string& p) {
  static const std::string_view walks[] = {
      "01234567890123456789",
      "abcdefghijklmnopqrstuvwxyz",
      "qwertyuiopasdfghjklzxcvbnm",
      "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
      "zaq12wsxcde34rfvbgt56yhnmju78ik,.lo90p",
      "qazwsxedcrfvtgbyhnujmikolp",
      "09876543210987654321",
      "zyxwvutsrqponmlkjihgfedcba",
      "mnbvcxzlkjhgfdsapoiuytrewq",
  };
  for (auto w : walks) {
    if (w.find(p) != std::string_view::npos) return true;
  }
  // The same short block over and over: "abcabcabcabc", "123412341234".
  for (size_t block = 1; block <= p.size() / 3; ++block) {
    if (p.size() % block != 0) continue;
    bool repeats = true;
    for (size_t i = block; i < p.size() && repeats; ++i) repeats = p[i] == p[i % block];
    if (repeats) return true;
  }
  return false;
}

char unleet(char c) {
  switch (c) {
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    case '@':
      return 'a';
    case '$':
      return 's';
    case '!':
      return 'i';
    default:
      return c;
  }
}

bool is_filler(char c) {
  return !std::isalpha(static_cast<unsigned char>(c));
}

// "Summer2024!", "P@ssw0rd!!99", "2024welcome#": a common word plus digits and symbols.
bool is_dressed_word(const std::string& p) {
  auto first = std::find_if_not(p.begin(), p.end(), is_filler);
  auto last = std::find_if_not(p.rbegin(), p.rend(), is_filler).base();
  if (first >= last) return false;  // no letters: only walks (checked above) are refused
  std::string core(first, last);
  std::string plain;
  for (char c : core) plain += unleet(c);
  std::string letters;
  for (char c : plain) {
    if (std::isalpha(static_cast<unsigned char>(c))) letters += c;
  }
  // The core is one common word, possibly repeated ("adminadmin").
  for (auto w : words()) {
    if (letters.size() < w.size() || letters.size() % w.size() != 0) continue;
    bool repeated = true;
    for (size_t i = 0; i < letters.size() && repeated; i += w.size()) {
      repeated = std::string_view(letters).substr(i, w.size()) == w;
    }
    if (repeated) return true;
  }
  return false;
}

}  // namespace

bool is_common_password(const std::string& lowered) {
  return known().count(lowered) > 0 || is_walk(lowered) || is_dressed_word(lowered);
}

}  // namespace sb::api
