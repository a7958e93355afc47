#include "core/json.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace aezoo {

Json Json::array() {
  Json j;
  j.type_ = Type::array;
  return j;
}

Json Json::object() {
  Json j;
  j.type_ = Type::object;
  return j;
}

double Json::as_number() const {
  if (type_ != Type::number)
    throw std::runtime_error("JSON value is not a number");
  return num_;
}

int64_t Json::as_int() const {
  return static_cast<int64_t>(std::llround(as_number()));
}

bool Json::as_bool() const {
  if (type_ != Type::boolean)
    throw std::runtime_error("JSON value is not a boolean");
  return bool_;
}

const std::string& Json::as_string() const {
  if (type_ != Type::string)
    throw std::runtime_error("JSON value is not a string");
  return str_;
}

Json& Json::operator[](const std::string& key) {
  if (type_ == Type::null)
    type_ = Type::object;
  if (type_ != Type::object)
    throw std::runtime_error("JSON value is not an object");
  for (auto& kv : obj_) {
    if (kv.first == key)
      return kv.second;
  }
  obj_.emplace_back(key, Json());
  return obj_.back().second;
}

const Json& Json::at(const std::string& key) const {
  if (type_ == Type::object) {
    for (const auto& kv : obj_) {
      if (kv.first == key)
        return kv.second;
    }
  }
  throw std::out_of_range("JSON object has no member '" + key + "'");
}

bool Json::contains(const std::string& key) const {
  if (type_ != Type::object)
    return false;
  for (const auto& kv : obj_) {
    if (kv.first == key)
      return true;
  }
  return false;
}

const Json& Json::at(size_t i) const {
  if (type_ != Type::array || i >= arr_.size())
    throw std::out_of_range("JSON array index");
  return arr_[i];
}

void Json::push_back(Json v) {
  if (type_ == Type::null)
    type_ = Type::array;
  if (type_ != Type::array)
    throw std::runtime_error("JSON value is not an array");
  arr_.push_back(std::move(v));
}

size_t Json::size() const {
  return type_ == Type::array ? arr_.size() : type_ == Type::object ? obj_.size() : 0;
}

const std::vector<std::pair<std::string, Json>>& Json::items() const {
  return obj_;
}

namespace {
void escape_to(const std::string& s, std::string& out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}
}  // namespace

void Json::dump_to(std::string& out) const {
  switch (type_) {
    case Type::null:
      out += "null";
      break;
    case Type::boolean:
      out += bool_ ? "true" : "false";
      break;
    case Type::number: {
      if (!std::isfinite(num_)) {
        out += "null";
      } else if (integral_ || (std::floor(num_) == num_ && std::fabs(num_) < 1e15)) {
        out += std::to_string(static_cast<long long>(num_));
      } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", num_);
        out += buf;
      }
      break;
    }
    case Type::string:
      escape_to(str_, out);
      break;
    case Type::array: {
      out += '[';
      for (size_t i = 0; i < arr_.size(); ++i) {
        if (i)
          out += ", ";
        arr_[i].dump_to(out);
      }
      out += ']';
      break;
    }
    case Type::object: {
      out += '{';
      for (size_t i = 0; i < obj_.size(); ++i) {
        if (i)
          out += ", ";
        escape_to(obj_[i].first, out);
        out += ": ";
        obj_[i].second.dump_to(out);
      }
      out += '}';
      break;
    }
  }
}

std::string Json::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

namespace {
struct Parser {
  const std::string& s;
  size_t i = 0;

  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("malformed JSON at byte " + std::to_string(i) + ": " + what);
  }
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
      ++i;
  }
  bool lit(const char* w) {
    size_t n = std::char_traits<char>::length(w);
    if (s.compare(i, n, w) == 0) {
      i += n;
      return true;
    }
    return false;
  }
  std::string str() {
    if (s[i] != '"')
      fail("expected '\"'");
    ++i;
    std::string out;
    while (i < s.size() && s[i] != '"') {
      char c = s[i++];
      if (c == '\\') {
        if (i >= s.size())
          fail("bad escape");
        char e = s[i++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            if (i + 4 > s.size())
              fail("bad \\u escape");
            unsigned code = std::stoul(s.substr(i, 4), nullptr, 16);
            i += 4;
            if (code < 0x80) {
              out += static_cast<char>(code);
            } else if (code < 0x800) {
              out += static_cast<char>(0xC0 | (code >> 6));
              out += static_cast<char>(0x80 | (code & 0x3F));
            } else {
              out += static_cast<char>(0xE0 | (code >> 12));
              out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (code & 0x3F));
            }
            break;
          }
          default:
            out += e;
        }
      } else {
        out += c;
      }
    }
    if (i >= s.size())
      fail("unterminated string");
    ++i;
    return out;
  }
  Json value() {
    ws();
    if (i >= s.size())
      fail("unexpected end");
    char c = s[i];
    if (c == '{') {
      ++i;
      Json o = Json::object();
      ws();
      if (i < s.size() && s[i] == '}') {
        ++i;
        return o;
      }
      while (true) {
        ws();
        std::string k = str();
        ws();
        if (i >= s.size() || s[i] != ':')
          fail("expected ':'");
        ++i;
        o[k] = value();
        ws();
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == '}') {
          ++i;
          return o;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++i;
      Json a = Json::array();
      ws();
      if (i < s.size() && s[i] == ']') {
        ++i;
        return a;
      }
      while (true) {
        a.push_back(value());
        ws();
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == ']') {
          ++i;
          return a;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c == '"')
      return Json(str());
    if (lit("true"))
      return Json(true);
    if (lit("false"))
      return Json(false);
    if (lit("null"))
      return Json();
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                            s[i] == '+' || s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
      ++i;
    }
    if (start == i)
      fail("unexpected character");
    try {
      return Json(std::stod(s.substr(start, i - start)));
    } catch (const std::exception&) {
      fail("bad number");
    }
  }
};
}  // namespace

Json Json::parse(const std::string& text) {
  Parser p{text};
  Json v = p.value();
  p.ws();
  if (p.i != text.size())
    p.fail("trailing characters");
  return v;
}

}  // namespace aezoo
