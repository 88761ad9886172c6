#include "tests/support/fault.hpp"

#include "tests/support/generated_content.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <stdexcept>

namespace ferry::testd {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Counts accept sizes ("64KiB") so offsets into big objects stay readable.
std::uint64_t number(std::string_view key, std::string_view v) {
  if (auto n = parse_size(trim(v))) return *n;
  throw std::invalid_argument("fault " + std::string(key) + ": not a number: " + std::string(v));
}

bool truthy(std::string_view v) { return v.empty() || v == "1" || v == "true" || v == "yes"; }

std::string json_scalar(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) return std::to_string(static_cast<std::uint64_t>(v.get_double()));
  throw std::invalid_argument("fault script: expected a scalar");
}

std::uint64_t json_count(const boost::json::value& v) {
  return number("count", json_scalar(v));
}

}  // namespace

void set_fault_key(fault_spec& s, std::string_view key, std::string_view value) {
  if (key == "reset_after") s.reset_after = number(key, value);
  else if (key == "truncate") s.truncate = number(key, value);
  else if (key == "flip_byte") s.flip_byte = number(key, value);
  else if (key == "stall") s.stall_ms = number(key, value);
  else if (key == "stall_after") s.stall_after = number(key, value);
  else if (key == "stall_then") {
    if (value != "close" && value != "continue") throw std::invalid_argument("stall_then must be close or continue");
    s.stall_close = value == "close";
  } else if (key == "trickle") s.trickle_bps = std::max<std::uint64_t>(1, number(key, value));
  else if (key == "delay") s.delay_ms = number(key, value);
  else if (key == "req_reset_after") s.req_reset_after = number(key, value);
  else if (key == "status") {
    auto n = number(key, value);
    if (n < 100 || n > 599) throw std::invalid_argument("status out of range");
    s.status = static_cast<unsigned>(n);
  } else if (key == "retry_after") s.retry_after = number(key, value);
  else if (key == "body") s.body = std::string(value);
  else if (key == "header") {
    auto colon = value.find(':');
    if (colon == std::string_view::npos || colon == 0) throw std::invalid_argument("header must be Name:Value");
    s.headers.emplace_back(std::string(trim(value.substr(0, colon))), std::string(trim(value.substr(colon + 1))));
  } else if (key == "date_skew") {
    std::string_view v = trim(value);
    const bool negative = v.starts_with('-');
    if (negative || v.starts_with('+')) v.remove_prefix(1);
    auto n = static_cast<std::int64_t>(number(key, v));
    s.date_skew = negative ? -n : n;
  } else if (key == "garbage") s.garbage = value.empty() ? 64 : number(key, value);
  else if (key == "drop") s.drop = truthy(value);
  else if (key == "lose_response") s.lose_response = truthy(value);
  else if (key == "replace" || key == "replace_after") s.replace = truthy(value) || key == "replace_after";
  else throw std::invalid_argument("unknown fault: " + std::string(key));
}

fault_spec parse_fault_spec(std::string_view text) {
  fault_spec s;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string_view key = trim(item.substr(0, eq));
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : trim(item.substr(eq + 1));
    set_fault_key(s, key, value);
  }
  return s;
}

bool fault_spec::empty() const { return names().empty(); }

void fault_spec::merge(const fault_spec& o) {
  auto take = [](auto& mine, const auto& theirs) {
    if (theirs) mine = theirs;
  };
  take(reset_after, o.reset_after);
  take(truncate, o.truncate);
  take(flip_byte, o.flip_byte);
  if (o.stall_ms) {
    stall_ms = o.stall_ms;
    stall_after = o.stall_after;
    stall_close = o.stall_close;
  }
  take(trickle_bps, o.trickle_bps);
  take(delay_ms, o.delay_ms);
  take(req_reset_after, o.req_reset_after);
  take(status, o.status);
  take(retry_after, o.retry_after);
  take(body, o.body);
  headers.insert(headers.end(), o.headers.begin(), o.headers.end());
  take(garbage, o.garbage);
  take(date_skew, o.date_skew);
  drop = drop || o.drop;
  lose_response = lose_response || o.lose_response;
  replace = replace || o.replace;
}

std::vector<std::string> fault_spec::names() const {
  std::vector<std::string> n;
  if (reset_after) n.push_back("reset_after");
  if (truncate) n.push_back("truncate");
  if (flip_byte) n.push_back("flip_byte");
  if (stall_ms) n.push_back("stall");
  if (trickle_bps) n.push_back("trickle");
  if (delay_ms) n.push_back("delay");
  if (req_reset_after) n.push_back("req_reset_after");
  if (status) n.push_back("status");
  if (garbage) n.push_back("garbage");
  if (date_skew) n.push_back("date_skew");
  if (drop) n.push_back("drop");
  if (lose_response) n.push_back("lose_response");
  if (replace) n.push_back("replace");
  if (!headers.empty() && !status) n.push_back("header");
  return n;
}

boost::json::object fault_spec::to_json() const {
  boost::json::object o;
  auto put = [&](const char* k, const auto& v) {
    if (v) o[k] = *v;
  };
  put("reset_after", reset_after);
  put("truncate", truncate);
  put("flip_byte", flip_byte);
  if (stall_ms) {
    o["stall"] = *stall_ms;
    o["stall_after"] = stall_after;
    o["stall_then"] = stall_close ? "close" : "continue";
  }
  put("trickle", trickle_bps);
  put("delay", delay_ms);
  put("req_reset_after", req_reset_after);
  put("status", status);
  put("retry_after", retry_after);
  if (body) o["body"] = *body;
  put("garbage", garbage);
  put("date_skew", date_skew);
  if (drop) o["drop"] = true;
  if (lose_response) o["lose_response"] = true;
  if (replace) o["replace"] = true;
  if (!headers.empty()) {
    boost::json::array a;
    for (auto& [k, v] : headers) a.emplace_back(k + ":" + v);
    o["headers"] = std::move(a);
  }
  return o;
}

fault_script::rule fault_script::parse_rule(const boost::json::value& v) {
  if (!v.is_object()) throw std::invalid_argument("fault script: each rule must be an object");
  rule r;
  bool times_given = false;
  std::uint64_t replace_after = 0;
  for (auto& [k, val] : v.get_object()) {
    std::string_view key = k;
    if (key == "path") r.path = json_scalar(val);
    else if (key == "prefix") {
      r.path = json_scalar(val);
      r.prefix = true;
    } else if (key == "method") r.method = json_scalar(val);
    else if (key == "after" || key == "skip") r.after = json_count(val);
    else if (key == "nth") r.after = std::max<std::uint64_t>(1, json_count(val)) - 1;
    else if (key == "times") {
      r.times = json_count(val);
      times_given = true;
    } else if (key == "every") r.every = json_count(val);
    else if (key == "name") r.name = json_scalar(val);
    else if (key == "fault") {
      if (val.is_string()) r.spec.merge(parse_fault_spec(val.get_string()));
      else if (val.is_object())
        for (auto& [fk, fv] : val.get_object()) set_fault_key(r.spec, fk, json_scalar(fv));
      else throw std::invalid_argument("fault script: fault must be a string or an object");
    } else if (key == "replace_after") {
      // "the object is replaced after the N-th matching request": request N reads the old bytes.
      replace_after = std::max<std::uint64_t>(1, json_count(val));
      r.spec.replace = true;
    } else if (key == "headers" && val.is_array()) {
      for (auto& h : val.get_array()) set_fault_key(r.spec, "header", json_scalar(h));
    } else set_fault_key(r.spec, key, json_scalar(val));
  }
  if (r.path.empty()) throw std::invalid_argument("fault script: rule needs \"path\" or \"prefix\"");
  if (replace_after) {
    r.after = replace_after - 1;
    if (!times_given) r.times = 1;
  } else if (r.every && !times_given) r.times = 0;
  if (r.spec.empty()) throw std::invalid_argument("fault script: rule has no fault");
  return r;
}

void fault_script::load(const boost::json::value& script, bool append) {
  std::vector<rule> parsed;
  const boost::json::value* list = &script;
  if (script.is_object()) {
    auto& o = script.get_object();
    if (auto it = o.find("rules"); it != o.end()) list = &it->value();
  }
  if (list->is_array())
    for (auto& r : list->get_array()) parsed.push_back(parse_rule(r));
  else parsed.push_back(parse_rule(*list));
  std::lock_guard lock(mutex_);
  if (!append) rules_.clear();
  for (auto& r : parsed) rules_.push_back(std::move(r));
}

void fault_script::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

fault_spec fault_script::match(std::string_view method, std::string_view path) {
  fault_spec out;
  std::lock_guard lock(mutex_);
  for (auto& r : rules_) {
    if (!r.method.empty() && r.method != method) continue;
    if (r.prefix ? !path.starts_with(r.path) : path != r.path) continue;
    const std::uint64_t n = ++r.seen;
    if (n <= r.after) continue;
    if (r.every && (n - r.after) % r.every != 0) continue;
    if (r.times && r.fired >= r.times) continue;
    ++r.fired;
    out.merge(r.spec);
  }
  return out;
}

boost::json::value fault_script::to_json() const {
  boost::json::array a;
  std::lock_guard lock(mutex_);
  for (auto& r : rules_) {
    boost::json::object o;
    o[r.prefix ? "prefix" : "path"] = r.path;
    if (!r.method.empty()) o["method"] = r.method;
    if (!r.name.empty()) o["name"] = r.name;
    o["after"] = r.after;
    o["times"] = r.times;
    o["every"] = r.every;
    o["fault"] = r.spec.to_json();
    o["seen"] = r.seen;
    o["fired"] = r.fired;
    a.push_back(std::move(o));
  }
  return boost::json::object{{"rules", std::move(a)}};
}

}  // namespace ferry::testd
