// The process environment as an injected lookup, so credential code runs in tests with a fake one.
// Shared by every ecosystem's chain (AWS, Google, Azure); nothing here is provider-specific.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::auth {

using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// getenv(); an empty variable counts as unset.
env_lookup process_environment();

}  // namespace ferry::auth
