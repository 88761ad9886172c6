// ferry_testd's command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ferry::testd {

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;      // plain HTTP; 0 = ephemeral
  bool http = true;            // --no-http serves HTTPS only
  bool tls = false;            // also serve HTTPS on tls_port
  std::uint16_t tls_port = 0;
  std::string cert_out, key_out, port_file;
  std::string root;            // --root DIR, else memory
  std::string faults_file;
  unsigned threads = 2;
  std::size_t chunk = 1 << 20;  // bytes per body write
  bool verbose = false;
  // --parent-pid N: exit when that process (the test that started us) dies, even by a crash, so an orphaned server
  // never holds the test runner's output pipe open (CTest would wait on it forever).
  long parent_pid = 0;
};

// Throws std::invalid_argument with a message for bad arguments; exits 0 after printing --help.
options parse_options(int argc, char** argv);

}  // namespace ferry::testd
