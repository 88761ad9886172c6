#include "cli/cli_support.hpp"

#include "ferry/size.hpp"

#include <CLI/CLI.hpp>
#include <boost/json/string_view.hpp>
#include <boost/json/serialize.hpp>

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
  auto size = parse_size(text);
  if (!size) {
    failure f = size.error();
    f.message = std::string(option) + ": " + f.message;
    return f;
  }
  return size;
}

void progress_printer::update(const transfer_progress& p) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  double rate = secs > 0 ? p.bytes_done / secs / 1e6 : 0;
  if (p.bytes_total > 0)
    std::fprintf(stderr, "\r%s / %s (%3.0f%%) %8.1f MB/s   ", format_size(double(p.bytes_done)).c_str(),
                 format_size(double(p.bytes_total)).c_str(), 100.0 * double(p.bytes_done) / double(p.bytes_total),
                 rate);
  else
    std::fprintf(stderr, "\r%s %8.1f MB/s   ", format_size(double(p.bytes_done)).c_str(), rate);
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
               format_size(double(r.bytes)).c_str(), r.seconds, mbps, r.parts, r.parts == 1 ? "" : "s", r.retries,
               r.retries == 1 ? "y" : "ies", r.destination.c_str());
}

}  // namespace ferry::cli
