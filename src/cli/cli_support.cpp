#include "cli/cli_support.hpp"

#include "signing/encoding.hpp"

#include <CLI/CLI.hpp>
#include <boost/json/string_view.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace ferry::cli {

std::optional<int> parse_args(CLI::App& app, std::span<const std::string> args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "ferry: invalid_argument: %s (see `%s --help`)\n", e.what(), app.get_name().c_str());
    return exit_code(error::invalid_argument);
  }
  return std::nullopt;
}

int report_failure(const failure& f) {
  std::fprintf(stderr, "ferry: %s\n", f.what().c_str());
  return exit_code(f.kind);
}

result<std::uint64_t> parse_size_option(std::string_view option, std::string_view text) {
  auto bad = [&] {
    return failure(error::invalid_argument, std::string(option) + ": invalid size '" + std::string(text) +
                                                "' (examples: 8MiB, 64M, 1GiB, 1048576)");
  };
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return bad();
  std::string_view unit(end, text.data() + text.size() - end);
  struct suffix {
    std::string_view name;
    int shift;
  };
  static constexpr suffix units[] = {{"", 0},   {"B", 0},   {"K", 10},   {"KB", 10},  {"KiB", 10}, {"M", 20},
                                     {"MB", 20}, {"MiB", 20}, {"G", 30},  {"GB", 30},  {"GiB", 30}, {"T", 40},
                                     {"TB", 40}, {"TiB", 40}};
  for (auto& u : units) {
    if (u.name != unit) continue;
    if (u.shift > 0 && number > (UINT64_MAX >> u.shift)) return bad();
    return number << u.shift;
  }
  return bad();
}

result<std::string> file_url_path(std::string_view url) {
  std::string_view rest = url.substr(7);  // after "file://"
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (!authority.empty() && authority != "localhost")
    return failure(error::invalid_argument, "file URL with a remote host '" + std::string(authority) + "'");
  std::string_view path = rest.substr(authority.size());
  if (path.empty()) return failure(error::invalid_argument, "file URL without a path: '" + std::string(url) + "'");
  auto decoded = signing::uri_decode(path);
  if (!decoded || decoded->find('\0') != std::string::npos)
    return failure(error::invalid_argument, "malformed percent-encoding in '" + std::string(url) + "'");
  return *decoded;
}

std::string human_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (bytes >= 1024 && i < 4) {
    bytes /= 1024;
    ++i;
  }
  char out[32];
  std::snprintf(out, sizeof out, i == 0 ? "%.0f %s" : "%.2f %s", bytes, units[i]);
  return out;
}

void progress_printer::update(const transfer_progress& p) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  double rate = secs > 0 ? p.bytes_done / secs / 1e6 : 0;
  if (p.bytes_total > 0)
    std::fprintf(stderr, "\r%s / %s (%3.0f%%) %8.1f MB/s   ", human_bytes(double(p.bytes_done)).c_str(),
                 human_bytes(double(p.bytes_total)).c_str(), 100.0 * double(p.bytes_done) / double(p.bytes_total),
                 rate);
  else
    std::fprintf(stderr, "\r%s %8.1f MB/s   ", human_bytes(double(p.bytes_done)).c_str(), rate);
  std::fflush(stderr);
  drawn_ = true;
}

void progress_printer::finish() {
  std::lock_guard lock(mutex_);
  if (drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

void print_report(const transfer_report& r, bool json) {
  double mbps = r.seconds > 0 ? r.bytes / r.seconds / 1e6 : 0;
  if (json) {
    // Built by hand so numbers print plainly (Boost.JSON writes doubles as 2.08E0); strings go through Boost.JSON
    // for escaping.
    auto str = [](const std::string& v) { return boost::json::serialize(boost::json::string_view(v)); };
    char numbers[160];
    std::snprintf(numbers, sizeof numbers, "\"bytes\":%llu,\"seconds\":%.4f,\"mb_per_s\":%.1f,\"parts\":%u,\"retries\":%u",
                  static_cast<unsigned long long>(r.bytes), r.seconds, mbps, r.parts, r.retries);
    std::string line = "{\"source\":" + str(r.source) + ",\"destination\":" + str(r.destination) + "," + numbers;
    if (!r.xxh3.empty()) line += ",\"xxh3\":" + str(r.xxh3);
    if (!r.verified_against.empty()) line += ",\"verified_against\":" + str(r.verified_against);
    line += "}";
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    return;
  }
  std::fprintf(stderr, "copied %s in %.2f s (%.1f MB/s, %u part%s, %u retr%s) to %s\n",
               human_bytes(double(r.bytes)).c_str(), r.seconds, mbps, r.parts, r.parts == 1 ? "" : "s", r.retries,
               r.retries == 1 ? "y" : "ies", r.destination.c_str());
}

}  // namespace ferry::cli
