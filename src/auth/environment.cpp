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

env_lookup lookup_in(const std::map<std::string, std::string, std::less<>>& vars) {
  return [&vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

}  // namespace ferry::auth
