#include "protocols/voiceping/msgpack.hpp"

#include <cstring>

namespace sb::msgpack {

namespace {

class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}

  bool done() const { return pos_ == in_.size(); }

  std::optional<value> read(size_t depth) {
    if (depth > kMaxDepth || pos_ >= in_.size()) return std::nullopt;
    auto tag = static_cast<uint8_t>(in_[pos_++]);
    if (tag <= 0x7f) return value(int64_t{tag});
    if (tag >= 0xe0) return value(int64_t{static_cast<int8_t>(tag)});
    if ((tag & 0xe0) == 0xa0) return str(tag & 0x1f);
    if ((tag & 0xf0) == 0x90) return arr(tag & 0x0f, depth);
    if ((tag & 0xf0) == 0x80) return mp(tag & 0x0f, depth);
    switch (tag) {
      case 0xc0:
        return value(nil{});
      case 0xc2:
        return value(false);
      case 0xc3:
        return value(true);
      case 0xc4:
        return bin(uint_n(1));
      case 0xc5:
        return bin(uint_n(2));
      case 0xc6:
        return bin(uint_n(4));
      case 0xc7:
        return extension(uint_n(1));
      case 0xc8:
        return extension(uint_n(2));
      case 0xc9:
        return extension(uint_n(4));
      case 0xca:
        return float32();
      case 0xcb:
        return float64();
      case 0xcc:
        return unsigned_value(uint_n(1));
      case 0xcd:
        return unsigned_value(uint_n(2));
      case 0xce:
        return unsigned_value(uint_n(4));
      case 0xcf:
        return unsigned_value(uint_n(8));
      case 0xd0:
        return signed_value(uint_n(1), 1);
      case 0xd1:
        return signed_value(uint_n(2), 2);
      case 0xd2:
        return signed_value(uint_n(4), 4);
      case 0xd3:
        return signed_value(uint_n(8), 8);
      case 0xd4:
        return extension(1);
      case 0xd5:
        return extension(2);
      case 0xd6:
        return extension(4);
      case 0xd7:
        return extension(8);
      case 0xd8:
        return extension(16);
      case 0xd9:
        return str(uint_n(1));
      case 0xda:
        return str(uint_n(2));
      case 0xdb:
        return str(uint_n(4));
      case 0xdc:
        return arr(uint_n(2), depth);
      case 0xdd:
        return arr(uint_n(4), depth);
      case 0xde:
        return mp(uint_n(2), depth);
      case 0xdf:
        return mp(uint_n(4), depth);
      default:
        return std::nullopt;  // 0xc1 is never used
    }
  }

 private:
  // A big-endian unsigned integer of n bytes; nullopt when the input is too short.
  std::optional<uint64_t> uint_n(size_t n) {
    if (in_.size() - pos_ < n) return std::nullopt;
    uint64_t x = 0;
    for (size_t i = 0; i < n; ++i) x = (x << 8) | static_cast<uint8_t>(in_[pos_++]);
    return x;
  }

  std::optional<std::string_view> take(std::optional<uint64_t> n) {
    if (!n || in_.size() - pos_ < *n) return std::nullopt;
    auto out = in_.substr(pos_, *n);
    pos_ += *n;
    return out;
  }

  std::optional<value> str(std::optional<uint64_t> n) {
    auto s = take(n);
    if (!s) return std::nullopt;
    return value(std::string(*s));
  }
  std::optional<value> bin(std::optional<uint64_t> n) {
    auto s = take(n);
    if (!s) return std::nullopt;
    return value(bytes{std::string(*s)});
  }
  std::optional<value> extension(std::optional<uint64_t> n) {
    auto type = uint_n(1);
    auto s = take(n);
    if (!type || !s) return std::nullopt;
    return value(ext{static_cast<int8_t>(*type), std::string(*s)});
  }
  std::optional<value> unsigned_value(std::optional<uint64_t> x) {
    if (!x) return std::nullopt;
    if (*x <= static_cast<uint64_t>(INT64_MAX)) return value(static_cast<int64_t>(*x));
    return value(*x);
  }
  std::optional<value> signed_value(std::optional<uint64_t> x, size_t n) {
    if (!x) return std::nullopt;
    int shift = static_cast<int>(64 - 8 * n);  // sign-extend from n bytes
    return value(static_cast<int64_t>(*x << shift) >> shift);
  }
  std::optional<value> float32() {
    auto x = uint_n(4);
    if (!x) return std::nullopt;
    auto bits = static_cast<uint32_t>(*x);
    float f;
    std::memcpy(&f, &bits, 4);
    return value(static_cast<double>(f));
  }
  std::optional<value> float64() {
    auto x = uint_n(8);
    if (!x) return std::nullopt;
    double d;
    std::memcpy(&d, &*x, 8);
    return value(d);
  }
  std::optional<value> arr(std::optional<uint64_t> n, size_t depth) {
    // Every element takes at least one byte: a count beyond the input is a lie.
    if (!n || *n > in_.size() - pos_) return std::nullopt;
    array out;
    out.reserve(*n);
    for (uint64_t i = 0; i < *n; ++i) {
      auto v = read(depth + 1);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    }
    return value(std::move(out));
  }
  std::optional<value> mp(std::optional<uint64_t> n, size_t depth) {
    if (!n || *n > (in_.size() - pos_) / 2) return std::nullopt;
    map out;
    out.reserve(*n);
    for (uint64_t i = 0; i < *n; ++i) {
      auto k = read(depth + 1);
      if (!k) return std::nullopt;
      auto v = read(depth + 1);
      if (!v) return std::nullopt;
      out.emplace_back(std::move(*k), std::move(*v));
    }
    return value(std::move(out));
  }

  std::string_view in_;
  size_t pos_ = 0;
};

void put_be(std::string& out, uint64_t x, size_t n) {
  for (size_t i = n; i-- > 0;) out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
}

void put_length(std::string& out, size_t n, uint8_t fix, size_t fix_max, uint8_t tag8,
                uint8_t tag16, uint8_t tag32) {
  if (fix != 0 && n <= fix_max) {
    out.push_back(static_cast<char>(fix | n));
  } else if (tag8 != 0 && n <= 0xff) {
    out.push_back(static_cast<char>(tag8));
    put_be(out, n, 1);
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(tag16));
    put_be(out, n, 2);
  } else {
    out.push_back(static_cast<char>(tag32));
    put_be(out, n, 4);
  }
}

void put_unsigned(std::string& out, uint64_t x) {
  if (x <= 0x7f) {
    out.push_back(static_cast<char>(x));
  } else if (x <= 0xff) {
    out.push_back(static_cast<char>(0xcc));
    put_be(out, x, 1);
  } else if (x <= 0xffff) {
    out.push_back(static_cast<char>(0xcd));
    put_be(out, x, 2);
  } else if (x <= 0xffffffff) {
    out.push_back(static_cast<char>(0xce));
    put_be(out, x, 4);
  } else {
    out.push_back(static_cast<char>(0xcf));
    put_be(out, x, 8);
  }
}

void put_signed(std::string& out, int64_t x) {
  if (x >= 0) return put_unsigned(out, static_cast<uint64_t>(x));
  if (x >= -32) {
    out.push_back(static_cast<char>(x));
  } else if (x >= INT8_MIN) {
    out.push_back(static_cast<char>(0xd0));
    put_be(out, static_cast<uint64_t>(x), 1);
  } else if (x >= INT16_MIN) {
    out.push_back(static_cast<char>(0xd1));
    put_be(out, static_cast<uint64_t>(x), 2);
  } else if (x >= INT32_MIN) {
    out.push_back(static_cast<char>(0xd2));
    put_be(out, static_cast<uint64_t>(x), 4);
  } else {
    out.push_back(static_cast<char>(0xd3));
    put_be(out, static_cast<uint64_t>(x), 8);
  }
}

}  // namespace

std::optional<int64_t> value::integer() const {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  return std::nullopt;
}

bool value::truthy() const {
  return std::visit(
      [](const auto& x) -> bool {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, nil>) return false;
        if constexpr (std::is_same_v<T, bool>) return x;
        if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>) return x != 0;
        if constexpr (std::is_same_v<T, double>) return x != 0 && x == x;
        if constexpr (std::is_same_v<T, std::string>) return !x.empty();
        if constexpr (std::is_same_v<T, ext>) return false;  // notepack's `undefined`
        return true;                                         // arrays, maps, buffers
      },
      v);
}

std::optional<value> decode(std::string_view in) {
  reader r(in);
  auto v = r.read(0);
  if (!v || !r.done()) return std::nullopt;
  return v;
}

void encode(const value& v, std::string& out) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, nil>) {
          out.push_back(static_cast<char>(0xc0));
        } else if constexpr (std::is_same_v<T, bool>) {
          out.push_back(static_cast<char>(x ? 0xc3 : 0xc2));
        } else if constexpr (std::is_same_v<T, int64_t>) {
          put_signed(out, x);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          put_unsigned(out, x);
        } else if constexpr (std::is_same_v<T, double>) {
          uint64_t bits;
          std::memcpy(&bits, &x, 8);
          out.push_back(static_cast<char>(0xcb));
          put_be(out, bits, 8);
        } else if constexpr (std::is_same_v<T, std::string>) {
          put_length(out, x.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
          out += x;
        } else if constexpr (std::is_same_v<T, bytes>) {
          put_length(out, x.data.size(), 0, 0, 0xc4, 0xc5, 0xc6);
          out += x.data;
        } else if constexpr (std::is_same_v<T, array>) {
          put_length(out, x.size(), 0x90, 15, 0, 0xdc, 0xdd);
          for (const auto& e : x) encode(e, out);
        } else if constexpr (std::is_same_v<T, map>) {
          put_length(out, x.size(), 0x80, 15, 0, 0xde, 0xdf);
          for (const auto& [k, e] : x) {
            encode(k, out);
            encode(e, out);
          }
        } else if constexpr (std::is_same_v<T, ext>) {
          static constexpr uint8_t fixed[] = {0, 0xd4, 0xd5, 0, 0xd6, 0, 0, 0, 0xd7};
          auto n = x.data.size();
          if (n == 16) {
            out.push_back(static_cast<char>(0xd8));
          } else if (n <= 8 && fixed[n] != 0) {
            out.push_back(static_cast<char>(fixed[n]));
          } else {
            put_length(out, n, 0, 0, 0xc7, 0xc8, 0xc9);
          }
          out.push_back(static_cast<char>(x.type));
          out += x.data;
        }
      },
      v.v);
}

std::string encode(const value& v) {
  std::string out;
  encode(v, out);
  return out;
}

}  // namespace sb::msgpack
