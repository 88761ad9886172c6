#include "src/auth/aws_config_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ferry::auth {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

failure syntax_error(std::string_view source, std::size_t line, std::string_view what) {
  return failure(error::invalid_argument,
                 std::string(source) + ":" + std::to_string(line) + ": " + std::string(what));
}

}  // namespace

std::optional<std::string> aws_profile::get(std::string_view key) const {
  auto it = values.find(std::string(key));
  if (it == values.end()) return std::nullopt;
  return it->second;
}

const aws_profile* aws_config_file::find(std::string_view name) const {
  for (auto& p : profiles)
    if (p.name == name) return &p;
  return nullptr;
}

result<aws_config_file> parse_aws_config(std::string_view text, aws_file_kind kind, std::string_view source) {
  if (text.size() > max_aws_config_bytes)
    return failure(error::invalid_argument, std::string(source) + ": file larger than 4 MiB, not an AWS config file");
  // A UTF-8 byte order mark, as some editors write, is not part of the first line.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  aws_config_file out;
  aws_profile* current = nullptr;
  std::string last_key;           // for continuation and nested lines
  bool last_key_opened_block = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (line.size() > max_aws_config_line) return syntax_error(source, line_no, "line longer than 64 KiB");
    if (line.find('\0') != std::string_view::npos) return syntax_error(source, line_no, "NUL byte (binary file?)");
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;

    if (t.front() == '[') {
      // Section header; a trailing comment after ']' is allowed.
      std::size_t close = t.find(']');
      if (close == std::string_view::npos) return syntax_error(source, line_no, "unterminated section header (missing ']')");
      std::string_view after = trim(t.substr(close + 1));
      if (!after.empty() && after.front() != '#' && after.front() != ';')
        return syntax_error(source, line_no, "unexpected text after section header");
      std::string_view name = trim(t.substr(1, close - 1));
      if (name.empty()) return syntax_error(source, line_no, "empty section name");
      std::string profile_name;
      bool is_profile = true;
      if (kind == aws_file_kind::config) {
        if (name == "default") {
          profile_name = "default";
        } else if (name.starts_with("profile") && name.size() > 7 && is_space(name[7])) {
          profile_name = std::string(trim(name.substr(7)));
          if (profile_name.empty()) return syntax_error(source, line_no, "empty profile name");
        } else {
          is_profile = false;
          profile_name = std::string(name);
        }
      } else {
        profile_name = std::string(name);
      }
      auto& list = is_profile ? out.profiles : out.other_sections;
      current = nullptr;
      for (auto& p : list)
        if (p.name == profile_name) current = &p;  // a repeated section adds to the first
      if (!current) {
        list.push_back(aws_profile{profile_name, {}});
        current = &list.back();
      }
      last_key.clear();
      last_key_opened_block = false;
      continue;
    }

    if (!current) return syntax_error(source, line_no, "setting outside of any [section]");
    bool indented = is_space(line.front());
    std::size_t eq = t.find('=');
    if (indented && !last_key.empty() && !last_key_opened_block) {
      // Continuation of a multi-line value (as botocore reads it, even when it holds an '=').
      current->values[last_key] += "\n";
      current->values[last_key] += std::string(t);
      continue;
    }
    if (eq == std::string_view::npos) return syntax_error(source, line_no, "expected 'key = value'");
    std::string key = lower(trim(t.substr(0, eq)));
    std::string_view value = trim(t.substr(eq + 1));
    if (key.empty()) return syntax_error(source, line_no, "missing key before '='");
    if (key.find_first_of(" \t") != std::string::npos) return syntax_error(source, line_no, "space inside a key name");
    if (std::any_of(key.begin(), key.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
      return syntax_error(source, line_no, "control character inside a key name");
    if (indented && last_key_opened_block) {
      current->values[last_key + "." + key] = std::string(value);
      continue;
    }
    current->values[key] = std::string(value);
    last_key = key;
    last_key_opened_block = value.empty();
  }
  return out;
}

result<aws_config_file> load_aws_config_file(const std::filesystem::path& path, aws_file_kind kind) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return failure(error::not_found, path.string() + ": no such file");
  if (std::filesystem::is_directory(status)) return failure(error::invalid_argument, path.string() + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int e = errno;
    error kind_of = (e == EACCES || e == EPERM) ? error::access_denied : error::io_error;
    return failure(kind_of, path.string() + ": cannot open (" + std::strerror(e) + ")",
                   boost::system::error_code(e, boost::system::generic_category()));
  }
  std::string text;
  char buf[16384];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_aws_config_bytes)
      return failure(error::invalid_argument, path.string() + ": file larger than 4 MiB, not an AWS config file");
  }
  if (in.bad()) return failure(error::io_error, path.string() + ": read error");
  return parse_aws_config(text, kind, path.string());
}

}  // namespace ferry::auth
