// `ferry COMMAND ...`: finds the command in the registry and runs it.
#include "cli/command.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace ferry::cli {
std::vector<command>& command_registry() {
  static std::vector<command> commands;
  return commands;
}
}  // namespace ferry::cli

namespace {
void print_usage(FILE* out) {
  auto commands = ferry::cli::command_registry();
  std::sort(commands.begin(), commands.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::fprintf(out, "usage: ferry COMMAND [ARGS...]\n\ncommands:\n");
  for (auto& c : commands)
    std::fprintf(out, "  %-10.*s %.*s\n", int(c.name.size()), c.name.data(), int(c.summary.size()), c.summary.data());
  std::fprintf(out, "\nRun `ferry COMMAND --help` for a command's options.\n");
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return 0;
  }
  if (name == "--version") {
    std::puts("ferry 0.1.0");
    return 0;
  }
  for (auto& c : ferry::cli::command_registry()) {
    if (c.name == name) {
      std::vector<std::string> args(argv + 2, argv + argc);
      return c.run(args);
    }
  }
  std::fprintf(stderr, "ferry: unknown command '%s' (see `ferry --help`)\n", name.c_str());
  return 2;
}
