// The process environment as an injected lookup, so credential code runs in tests with a fake one.
// Shared by every ecosystem's chain (AWS, Google, Azure); nothing here is provider-specific.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::auth {

using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// getenv(); an empty variable counts as unset.
env_lookup process_environment();

// Settings an embedding program (or a test) supplies instead of the process environment. The lookup refers to
// `vars`, which must outlive it; later changes to the map are seen. An empty value counts as unset, as above.
env_lookup lookup_in(const std::map<std::string, std::string, std::less<>>& vars);

}  // namespace ferry::auth
