#include "tests/support/options.hpp"

#include "tests/support/generated_content.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace ferry::testd {
namespace {

constexpr const char* usage =
    "usage: ferry_testd [--host ADDR] [--port N] [--tls] [--tls-port N] [--no-http]\n"
    "                   [--cert-out FILE] [--key-out FILE] [--port-file FILE]\n"
    "                   [--root DIR | --memory] [--faults FILE] [--threads N] [--chunk SIZE] [--verbose]\n"
    "                   [--parent-pid PID]\n"
    "Prints `ferry_testd listening http=HOST:PORT [https=HOST:PORT]` on stdout when ready.\n"
    "See tests/support/README.md for routes and fault syntax.\n";

std::uint16_t port_of(std::string_view s) {
  auto n = parse_size(s);
  if (!n || *n > 65535) throw std::invalid_argument("bad port: " + std::string(s));
  return static_cast<std::uint16_t>(*n);
}

}  // namespace

options parse_options(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    std::string inline_value;
    bool has_inline = false;
    if (a.starts_with("--") && a.find('=') != std::string_view::npos) {
      inline_value = std::string(a.substr(a.find('=') + 1));
      a = a.substr(0, a.find('='));
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(usage, stdout);
      std::exit(0);
    } else if (a == "--host") o.host = value();
    else if (a == "--port") o.port = port_of(value());
    else if (a == "--tls") o.tls = true;
    else if (a == "--tls-port") {
      o.tls_port = port_of(value());
      o.tls = true;
    } else if (a == "--no-http") o.http = false;
    else if (a == "--cert-out") o.cert_out = value();
    else if (a == "--key-out") o.key_out = value();
    else if (a == "--port-file") o.port_file = value();
    else if (a == "--root") o.root = value();
    else if (a == "--memory") o.root.clear();
    else if (a == "--faults") o.faults_file = value();
    else if (a == "--parent-pid") o.parent_pid = std::stol(value());
    else if (a == "--threads") {
      auto n = parse_size(value());
      if (!n || *n == 0 || *n > 256) throw std::invalid_argument("bad --threads");
      o.threads = static_cast<unsigned>(*n);
    } else if (a == "--chunk") {
      auto n = parse_size(value());
      if (!n || *n < 1024 || *n > (64u << 20)) throw std::invalid_argument("bad --chunk (1KiB..64MiB)");
      o.chunk = static_cast<std::size_t>(*n);
    } else if (a == "--verbose" || a == "-v") o.verbose = true;
    else throw std::invalid_argument(std::string("unknown argument: ") + std::string(a) + "\n" + usage);
  }
  if (!o.http && !o.tls) throw std::invalid_argument("--no-http needs --tls");
  return o;
}

}  // namespace ferry::testd
