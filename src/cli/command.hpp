// The `ferry` subcommands register themselves here, one file per command (src/cli/<name>_command.cpp).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::cli {

// args excludes the program name and the command word itself. Returns the process exit status.
using command_fn = int (*)(std::span<const std::string> args);

struct command {
  std::string_view name;
  std::string_view summary;
  command_fn run;
};

std::vector<command>& command_registry();

struct command_registrar {
  command_registrar(std::string_view name, std::string_view summary, command_fn run) {
    command_registry().push_back({name, summary, run});
  }
};

}  // namespace ferry::cli

// At namespace scope in a command's .cpp: FERRY_CLI_COMMAND(cp, "copy objects", run_cp);
#define FERRY_CLI_COMMAND(name, summary, fn) \
  static const ::ferry::cli::command_registrar ferry_cli_registrar_##name{#name, summary, fn}
