// What every command shares: argument parsing, one-line errors with exit codes, progress and reports.
#pragma once

#include "ferry/error.hpp"
#include "ferry/transfer.hpp"

#include <CLI/App.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace ferry::cli {

// Parses args into app. Returns an exit status when the command should stop (help printed, or bad usage).
std::optional<int> parse_args(CLI::App& app, std::span<const std::string> args);

// Prints "ferry: <kind>: <message>" on stderr and returns the exit status for the failure's kind.
int report_failure(const failure& f);

// ferry::parse_size with the option's name in the error.
result<std::uint64_t> parse_size_option(std::string_view option, std::string_view text);

// The human summary on stderr, or one JSON object on stdout with --json.
void print_report(const transfer_report& report, bool json);

// Redraws one status line on stderr a few times a second.
class progress_printer {
 public:
  explicit progress_printer(bool enabled) : enabled_(enabled), started_(std::chrono::steady_clock::now()) {}
  bool enabled() const { return enabled_; }
  void update(const transfer_progress& p);
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
};

}  // namespace ferry::cli
