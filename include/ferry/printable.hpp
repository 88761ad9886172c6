// Untrusted text (keys, paths, URLs from users or listings) quoted safely for an error message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry {

// Wraps text in single quotes; control bytes, quotes, backslashes and bytes >= 0x7f become \xNN escapes (so a
// hostile name cannot forge terminal escapes or extra log lines); text longer than max_bytes is cut with "...".
std::string printable(std::string_view text, std::size_t max_bytes = 200);

}  // namespace ferry
