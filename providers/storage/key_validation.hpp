// Key rules shared by the stores, and the check that a key from a remote listing cannot escape the directory a
// recursive download writes into. Errors name the key (escaped and truncated: keys may be hostile or binary).
#pragma once

#include "ferry/error.hpp"

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace ferry::storage {

enum class key_profile {
  object,      // memory store and generic checks: non-empty, <= 1024 bytes, no NUL, no leading '/', no '.'/'..'
               // segments
  filesystem,  // local store: also no backslash, no empty segment ("a//b", trailing '/'), segments <= 255 bytes,
               // no control characters, none of ferry's reserved names (.ferry-uploads, *.ferry-part,
               // *.ferry-journal, atomic temp names)
};

inline constexpr std::size_t max_key_bytes = 1024;
inline constexpr std::size_t max_segment_bytes = 255;

result<void> validate_key(std::string_view key, key_profile profile);

// Where a listed object lands in a recursive download: destination_dir / (key with `prefix` removed).
// Rejects keys outside the prefix, and relative parts that are empty, absolute, contain '..' or '.' segments,
// backslashes, NUL or control bytes, or would resolve outside destination_dir. Keys ending in '/' (folder markers)
// are rejected too; callers skip them before asking.
result<std::filesystem::path> listed_key_destination(const std::filesystem::path& destination_dir,
                                                     std::string_view prefix, std::string_view key);

}  // namespace ferry::storage
