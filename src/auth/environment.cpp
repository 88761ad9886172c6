#include "src/auth/environment.hpp"

#include <cstdlib>

namespace ferry::auth {

env_lookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace ferry::auth
