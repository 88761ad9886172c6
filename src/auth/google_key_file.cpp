#include "src/auth/google_key_file.hpp"

#include "ferry/http.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <vector>

namespace ferry::auth {
namespace {

namespace json = boost::json;

// Text from the file that is not a secret (a type name, a key name) made safe to print: bounded, printable ASCII.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 64) out += "...";
  return out;
}

// Boost.JSON keeps the last of duplicate keys; another reader of the same file may keep the first. A credentials
// file that says two things is refused instead. This handler only watches keys; the real parse comes after.
class duplicate_key_finder {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::optional<std::string> duplicate;

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    keys_.pop_back();
    return true;
  }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    bool inserted = keys_.back().insert(key_).second;
    if (!inserted && !duplicate) duplicate = key_;
    key_.clear();
    if (!inserted) ec = json::error::syntax;  // stop early; the caller reports `duplicate`
    return inserted;
  }
  bool on_string_part(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, json::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }

 private:
  std::vector<std::set<std::string>> keys_;
  std::string key_;
};

std::optional<std::string> find_duplicate_key(std::string_view text) {
  json::basic_parser<duplicate_key_finder> parser{json::parse_options{}};
  boost::system::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return parser.handler().duplicate;
}

// Reads the fields of one credentials object, naming the file and field in every complaint.
class field_reader {
 public:
  field_reader(const json::object& o, std::string_view origin) : o_(o), origin_(origin) {}

  failure error(error kind, std::string_view field, std::string_view what) const {
    return failure(kind, origin_ + ": \"" + std::string(field) + "\" " + std::string(what));
  }

  // A string field that may be absent (nullopt). Present but not a string, or with control characters, is an error.
  // multi_line allows the newlines a PEM needs.
  result<std::optional<std::string>> optional(std::string_view name, bool multi_line = false) const {
    auto it = o_.find(name);
    if (it == o_.end() || it->value().is_null()) return std::optional<std::string>();
    if (!it->value().is_string()) return error(error::invalid_argument, name, "must be a string");
    std::string_view v = it->value().get_string();
    bool bad = std::any_of(v.begin(), v.end(), [&](char c) {
      auto u = static_cast<unsigned char>(c);
      if (multi_line && (c == '\n' || c == '\r' || c == '\t')) return false;
      return u < 0x20 || u == 0x7f;
    });
    if (bad) return error(error::invalid_argument, name, "contains control characters");
    return std::optional<std::string>(std::string(v));
  }

  result<std::string> required(std::string_view name, bool multi_line = false) const {
    auto v = optional(name, multi_line);
    if (!v) return v.error();
    if (!*v) return error(error::invalid_argument, name, "is missing");
    if ((*v)->empty()) return error(error::invalid_argument, name, "is empty");
    return std::move(**v);
  }

  // token_uri: absent means Google's endpoint; present, it must be an absolute http(s) URL.
  result<std::string> token_uri() const {
    auto v = optional("token_uri");
    if (!v) return v.error();
    if (!*v) return std::string(google_default_token_uri);
    if ((*v)->empty()) return error(error::invalid_argument, "token_uri", "is empty");
    auto url = http::url::parse(**v);
    if (!url || (url->scheme != "http" && url->scheme != "https"))
      return error(error::invalid_argument, "token_uri", "is not an http(s) URL");
    return std::move(**v);
  }

 private:
  const json::object& o_;
  std::string origin_;
};

bool valid_domain(std::string_view d) {
  return !d.empty() && d.size() <= 253 && d.front() != '.' && d.back() != '.' &&
         std::all_of(d.begin(), d.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
         });
}

bool looks_like_email(std::string_view e) {
  auto at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         std::none_of(e.begin(), e.end(), [](char c) { return c == ' ' || c == '/'; });
}

result<google_key_file> service_account(const field_reader& f) {
  google_service_account sa;
  auto email = f.required("client_email");
  if (!email) return email.error();
  if (!looks_like_email(*email)) return f.error(error::invalid_argument, "client_email", "is not an e-mail address");
  sa.client_email = std::move(*email);
  auto pem = f.required("private_key", true);
  if (!pem) return pem.error();
  auto key = signing::rsa_private_key::from_pem(*pem);
  // from_pem's messages never quote the key ("private key: not an RSA key", ...).
  if (!key) return f.error(error::invalid_argument, "private_key", "is not a usable PEM RSA private key (" + key.error().message + ")");
  sa.private_key_pem = std::move(*pem);
  sa.private_key = std::move(*key);
  auto key_id = f.optional("private_key_id");
  if (!key_id) return key_id.error();
  sa.private_key_id = key_id->value_or("");
  auto uri = f.token_uri();
  if (!uri) return uri.error();
  sa.token_uri = std::move(*uri);
  auto project = f.optional("project_id");
  if (!project) return project.error();
  sa.project_id = project->value_or("");
  auto universe = f.optional("universe_domain");
  if (!universe) return universe.error();
  if (*universe) {
    if (!valid_domain(**universe)) return f.error(error::invalid_argument, "universe_domain", "is not a domain name");
    sa.universe_domain = std::move(**universe);
  }
  return google_key_file(std::move(sa));
}

result<google_key_file> authorized_user(const field_reader& f) {
  google_authorized_user u;
  auto id = f.required("client_id");
  if (!id) return id.error();
  u.client_id = std::move(*id);
  auto secret = f.required("client_secret");
  if (!secret) return secret.error();
  u.client_secret = std::move(*secret);
  auto refresh = f.required("refresh_token");
  if (!refresh) return refresh.error();
  u.refresh_token = std::move(*refresh);
  auto quota = f.optional("quota_project_id");
  if (!quota) return quota.error();
  u.quota_project_id = quota->value_or("");
  auto uri = f.token_uri();
  if (!uri) return uri.error();
  u.token_uri = std::move(*uri);
  return google_key_file(std::move(u));
}

failure file_error(error kind, const std::string& path, std::string_view what) {
  return failure(kind, "Google credentials file '" + path + "' " + std::string(what));
}

}  // namespace

std::string_view google_key_file_type(const google_key_file& file) {
  return std::holds_alternative<google_service_account>(file) ? "service_account" : "authorized_user";
}

result<google_key_file> parse_google_key_file(std::string_view text, std::string_view origin) {
  std::string where(origin);
  auto bad = [&](std::string what) { return failure(error::invalid_argument, where + ": " + std::move(what)); };
  if (text.size() > max_google_key_file_size) return bad("larger than 1 MiB, not a Google credentials file");
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return bad("not valid JSON (" + ec.message() + ")");
  if (!v.is_object()) return bad("not a JSON object");
  if (auto dup = find_duplicate_key(text)) return bad("duplicate key \"" + printable(*dup) + "\"");
  const auto& o = v.as_object();
  auto type = o.find("type");
  if (type == o.end()) return bad("no \"type\" field (expected \"service_account\" or \"authorized_user\")");
  if (!type->value().is_string()) return bad("\"type\" must be a string");
  std::string_view t = type->value().get_string();
  field_reader fields(o, where);
  if (t == "service_account") return service_account(fields);
  if (t == "authorized_user") return authorized_user(fields);
  return failure(error::unsupported, where + ": credentials of type \"" + printable(t) +
                                         "\" are not supported (only service_account and authorized_user)");
}

result<google_key_file> load_google_key_file(const std::filesystem::path& path) {
  const std::string p = path.string();
  // O_NONBLOCK: a FIFO must not hang us before fstat says it is not a regular file.
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return file_error(error::not_found, p, "does not exist");
    if (e == ENOTDIR) return file_error(error::not_found, p, "does not exist (a parent is not a directory)");
    if (e == EACCES || e == EPERM) return file_error(error::access_denied, p, "cannot be read: permission denied");
    return file_error(error::io_error, p, std::string("cannot be opened: ") + std::strerror(e));
  }
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return file_error(error::io_error, p, std::string("cannot be read: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return file_error(error::io_error, p, "is a directory, not a file");
  if (!S_ISREG(st.st_mode)) return file_error(error::io_error, p, "is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_google_key_file_size)
    return file_error(error::invalid_argument, p, "is larger than 1 MiB: not a Google credentials file");
  std::string text;
  char buf[16 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(error::io_error, p, std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > max_google_key_file_size)  // it grew after fstat
      return file_error(error::invalid_argument, p, "is larger than 1 MiB: not a Google credentials file");
  }
  return parse_google_key_file(text, "Google credentials file '" + p + "'");
}

}  // namespace ferry::auth
