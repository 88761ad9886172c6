// `ferry cp SRC DST`: local ↔ local, http(s) → local (parallel ranged download), local → http(s) (one PUT).
#include "cli/command.hpp"
#include "cli/cli_support.hpp"

#include "ferry/http.hpp"
#include "ferry/object_url.hpp"
#include "ferry/transfer.hpp"

#include <CLI/CLI.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace ferry::cli {
namespace {

enum class endpoint_kind { local, http, cloud };

struct endpoint {
  endpoint_kind kind;
  std::string text;  // local path or URL
};

result<endpoint> classify(const std::string& arg) {
  auto u = object_url::parse(arg);
  if (!u) return u.error();
  switch (u->kind) {
    case url_kind::local:
    case url_kind::file:
      return endpoint{endpoint_kind::local, u->key};
    case url_kind::http:
    case url_kind::https:
      return endpoint{endpoint_kind::http, u->url};
    default:
      return failure(error::unsupported, "'" + std::string(to_string(u->kind)) + "://' URLs are not supported by cp yet");
  }
}

// `cp x dir/` and `cp x existing_dir` put the file inside, named like the source.
std::string resolve_destination(const std::string& dst, const std::string& source_name) {
  struct stat st {};
  bool is_dir = !dst.empty() && (dst.back() == '/' || (::stat(dst.c_str(), &st) == 0 && S_ISDIR(st.st_mode)));
  if (!is_dir) return dst;
  return dst + (dst.back() == '/' ? "" : "/") + source_name;
}

std::string base_name(std::string_view path_or_url) {
  auto end = path_or_url.find_first_of("?#");
  if (end != std::string_view::npos && path_or_url.find("://") != std::string_view::npos)
    path_or_url = path_or_url.substr(0, end);
  auto slash = path_or_url.find_last_of('/');
  auto name = std::string(slash == std::string_view::npos ? path_or_url : path_or_url.substr(slash + 1));
  return name.empty() ? "index" : name;
}

int run_cp(std::span<const std::string> args) {
  CLI::App app("Copy an object or file. SRC and DST are local paths, file:// or http(s):// URLs.", "ferry cp");
  std::string src, dst, part_size_text = "8MiB", checksum = "xxh3", ca_bundle;
  unsigned concurrency = 8;
  bool recursive = false, no_resume = false, json = false, progress = false, no_progress = false;
  double connect_timeout = 10, stall_timeout = 30;
  app.add_option("SRC", src, "source path or URL")->required();
  app.add_option("DST", dst, "destination path or URL")->required();
  app.add_flag("-r,--recursive", recursive, "copy a prefix or directory (not yet supported)");
  app.add_option("--part-size", part_size_text, "bytes per ranged request, e.g. 8MiB, 64M");
  app.add_option("--concurrency", concurrency, "parallel requests")->check(CLI::Range(1u, 1024u));
  app.add_option("--checksum", checksum, "xxh3 (computed and reported) or none")
      ->check(CLI::IsMember({"xxh3", "crc32c", "crc64nvme", "md5", "sha256", "none"}));
  app.add_flag("--no-resume", no_resume, "do not resume from a journal (resume is not implemented yet)");
  app.add_flag("--progress", progress, "show progress on stderr even when it is not a terminal");
  app.add_flag("--no-progress", no_progress, "never show progress");
  app.add_flag("--json", json, "print one JSON object with the result on stdout");
  app.add_option("--ca-bundle", ca_bundle, "PEM file of trusted CAs (default: AWS_CA_BUNDLE, SSL_CERT_FILE, system)");
  app.add_option("--connect-timeout", connect_timeout, "seconds to wait for a connection");
  app.add_option("--stall-timeout", stall_timeout, "seconds without a byte before a request is abandoned");
  if (auto parsed = parse_args(app, args)) return *parsed;

  if (recursive) return report_failure(failure(error::unsupported, "cp -r is not supported yet"));
  if (checksum != "xxh3" && checksum != "none")
    return report_failure(failure(error::unsupported, "--checksum " + checksum + " is not supported by cp yet"));
  auto part_size = parse_size_option("--part-size", part_size_text);
  if (!part_size) return report_failure(part_size.error());
  auto source = classify(src);
  if (!source) return report_failure(source.error());
  auto target = classify(dst);
  if (!target) return report_failure(target.error());

  transfer_options options;
  options.part_size = *part_size;
  options.concurrency = concurrency;
  options.compute_xxh3 = checksum != "none";
  progress_printer printer(progress || (!no_progress && ::isatty(STDERR_FILENO)));
  if (printer.enabled()) options.on_progress = [&](const transfer_progress& p) { printer.update(p); };

  http::client_options http_options;
  http_options.ca_file = ca_bundle;
  http_options.connect_timeout = std::chrono::milliseconds(static_cast<long>(connect_timeout * 1000));
  http_options.stall_timeout = std::chrono::milliseconds(static_cast<long>(stall_timeout * 1000));
  http_options.first_byte_timeout = std::max(http_options.first_byte_timeout, http_options.stall_timeout);
  http_options.max_connections_per_host = std::max<std::size_t>(concurrency, 1);

  result<transfer_report> outcome = failure(error::unsupported, "unsupported combination");
  if (source->kind == endpoint_kind::local && target->kind == endpoint_kind::local) {
    outcome = copy_local(source->text, resolve_destination(target->text, base_name(source->text)), options);
  } else if (source->kind == endpoint_kind::http && target->kind == endpoint_kind::http) {
    outcome = failure(error::unsupported, "copying from one http(s) URL to another is not supported");
  } else {
    bool download = source->kind == endpoint_kind::http;
    auto address = http::url::parse(download ? source->text : target->text);
    if (!address) return report_failure(address.error());
    boost::asio::io_context io;
    http::client client(io.get_executor(), http_options);
    auto job = [&]() -> boost::asio::awaitable<result<transfer_report>> {
      if (download)
        co_return co_await download_http(client, *address, resolve_destination(target->text, base_name(src)),
                                         options);
      co_return co_await upload_http(client, source->text, *address, options);
    };
    auto future = boost::asio::co_spawn(io, job(), boost::asio::use_future);
    // Two I/O threads: one core receives while the other writes pages and parses (see docs/benchmarking.md).
    std::thread second([&] { io.run(); });
    io.run();
    second.join();
    outcome = future.get();
  }
  printer.finish();
  if (!outcome) return report_failure(outcome.error());
  print_report(*outcome, json);
  return 0;
}

}  // namespace

FERRY_CLI_COMMAND(cp, "copy a file or object (local paths, file://, http(s)://)", run_cp);

}  // namespace ferry::cli
