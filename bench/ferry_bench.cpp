// `ferry_bench SUBCOMMAND [ARGS...]`: micro and macro benchmarks. Add a subcommand by writing its
// run function in its own bench/<name>_bench.cpp and adding one line to the table below.
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::bench {
int run_sign_bench(std::span<const std::string> args);  // sign_bench.cpp
}  // namespace ferry::bench

namespace {

struct subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(std::span<const std::string> args);
};

constexpr subcommand subcommands[] = {
    {"sign", "ns per signature: SigV4 (header, presign), GCS V4 (HMAC, RSA), Azure SharedKey and SAS", ferry::bench::run_sign_bench},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: ferry_bench SUBCOMMAND [--json] [ARGS...]\n\nsubcommands:\n");
  for (auto& s : subcommands)
    std::fprintf(out, "  %-10.*s %.*s\n", int(s.name.size()), s.name.data(), int(s.summary.size()), s.summary.data());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return 0;
  }
  for (auto& s : subcommands) {
    if (s.name == name) {
      std::vector<std::string> args(argv + 2, argv + argc);
      return s.run(args);
    }
  }
  std::fprintf(stderr, "ferry_bench: unknown subcommand '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
