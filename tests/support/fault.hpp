// Scripted faults. A fault_spec says what goes wrong with one response; it comes from the request
// header `x-ferry-fault: k=v,k=v` or from a fault_script rule matched by method and path. The
// connection loop applies it, so protocol dialects never deal with faults. Syntax: README.md.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::testd {

struct fault_spec {
  // Response body faults (offsets count body bytes of this response, flip_byte counts object bytes).
  std::optional<std::uint64_t> reset_after;   // headers + N body bytes, then TCP RST
  std::optional<std::uint64_t> truncate;      // full Content-Length declared, close after N bytes
  std::optional<std::uint64_t> flip_byte;     // XOR 0xFF the object byte at this offset if sent
  std::optional<std::uint64_t> stall_ms;      // pause after stall_after body bytes ...
  std::uint64_t stall_after = 0;
  bool stall_close = false;                   // ... then close instead of continuing
  std::optional<std::uint64_t> trickle_bps;   // pace the body
  std::optional<std::uint64_t> delay_ms;      // wait before sending the response headers
  // Request body faults (uploads).
  std::optional<std::uint64_t> req_reset_after;  // RST after receiving N request body bytes
  // Whole-response faults.
  std::optional<unsigned> status;             // answer this status instead of the real handler
  std::optional<std::uint64_t> retry_after;   // Retry-After seconds (with status)
  std::optional<std::string> body;            // body for status
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers ("header=K:V")
  std::optional<std::int64_t> date_skew;      // Date header this many seconds off (clock-skew tests)
  std::optional<std::uint64_t> garbage;       // send N (default 64) non-HTTP bytes, then close
  bool drop = false;                          // RST right after the request headers, nothing handled
  bool lose_response = false;                 // handle (e.g. commit the PUT), then RST instead of answering
  bool replace = false;                       // replace the object once this request opened its snapshot

  bool empty() const;
  void merge(const fault_spec& other);  // other's fields win
  std::vector<std::string> names() const;  // fault kinds present, for stats
  boost::json::object to_json() const;
};

// Parses "reset_after=100,status=503,retry_after=1". Throws std::invalid_argument on unknown keys.
fault_spec parse_fault_spec(std::string_view text);
// Applies one key (from the header syntax or a JSON rule) to spec.
void set_fault_key(fault_spec& spec, std::string_view key, std::string_view value);

// Rules loaded from --faults FILE or POST /_ferry/faults.
class fault_script {
 public:
  // Replaces (or with append, extends) the rules. Throws std::invalid_argument on a malformed script.
  void load(const boost::json::value& script, bool append = false);
  void clear();
  // Counts the request against every matching rule and returns the merged faults of the rules that fire.
  fault_spec match(std::string_view method, std::string_view path);
  boost::json::value to_json() const;

 private:
  struct rule {
    std::string path;
    bool prefix = false;
    std::string method;             // empty = any
    std::uint64_t after = 0;        // skip the first N matches
    std::uint64_t times = 1;        // fire at most N times (0 = unlimited)
    std::uint64_t every = 0;        // fire on every Nth match after `after` (0 = each)
    fault_spec spec;
    std::uint64_t seen = 0, fired = 0;
    std::string name;
  };
  static rule parse_rule(const boost::json::value& v);

  mutable std::mutex mutex_;
  std::vector<rule> rules_;
};

}  // namespace ferry::testd
