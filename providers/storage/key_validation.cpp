#include "providers/storage/key_validation.hpp"

#include "ferry/local_file.hpp"
#include "ferry/printable.hpp"

namespace ferry::storage {
namespace {

failure bad_key(std::string_view key, std::string_view why) {
  return failure(error::invalid_argument, "invalid key " + printable(key, 120) + ": " + std::string(why));
}

bool reserved_segment(std::string_view seg) {
  return seg == ".ferry-uploads" || seg.ends_with(".ferry-part") || seg.ends_with(".ferry-journal") ||
         io::is_atomic_temp_name(seg);
}

}  // namespace

result<void> validate_key(std::string_view key, key_profile profile) {
  if (key.empty()) return bad_key(key, "empty");
  if (key.size() > max_key_bytes)
    return bad_key(key, std::to_string(key.size()) + " bytes, over the " + std::to_string(max_key_bytes) + "-byte limit");
  if (key.find('\0') != std::string_view::npos) return bad_key(key, "contains a NUL byte");
  if (key.front() == '/') return bad_key(key, "absolute (leading '/')");
  bool fs = profile == key_profile::filesystem;
  if (fs) {
    if (key.find('\\') != std::string_view::npos) return bad_key(key, "contains a backslash");
    for (char c : key)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return bad_key(key, "contains a control character");
  }
  std::size_t start = 0;
  for (;;) {
    auto slash = key.find('/', start);
    std::string_view seg = key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    bool last = slash == std::string_view::npos;
    if (seg == "." || seg == "..") return bad_key(key, "has a '" + std::string(seg) + "' segment");
    if (fs) {
      if (seg.empty()) return bad_key(key, last ? "ends with '/' (names a prefix, not an object)" : "has an empty segment ('//')");
      if (seg.size() > max_segment_bytes)
        return bad_key(key, "a segment is " + std::to_string(seg.size()) + " bytes, over the 255-byte limit");
      if (reserved_segment(seg)) return bad_key(key, "uses a name ferry reserves for its own files");
    }
    if (last) break;
    start = slash + 1;
  }
  return {};
}

result<std::filesystem::path> listed_key_destination(const std::filesystem::path& destination_dir,
                                                     std::string_view prefix, std::string_view key) {
  if (!key.starts_with(prefix))
    return failure(error::protocol_error, "listed key " + printable(key, 120) + " is outside the requested prefix " +
                                              printable(prefix, 120));
  std::string_view relative = key.substr(prefix.size());
  // Tolerate a prefix given without its trailing '/': "dir" lists "dir/a" -> "a".
  if (!prefix.empty() && prefix.back() != '/' && relative.starts_with('/')) relative.remove_prefix(1);
  if (relative.empty()) return failure(error::invalid_argument, "listed key " + printable(key, 120) + " names the prefix itself");
  if (auto v = validate_key(relative, key_profile::filesystem); !v)
    return failure(error::invalid_argument, "refusing to download listed key " + printable(key, 120) + ": " +
                                                v.error().message);
  // Belt and braces: the joined, normalised path must still be below destination_dir.
  std::filesystem::path base = destination_dir.lexically_normal();
  std::filesystem::path joined = (base / std::filesystem::path(std::string(relative))).lexically_normal();
  auto rel = joined.lexically_relative(base);
  if (rel.empty() || rel.is_absolute() || *rel.begin() == "..")
    return failure(error::invalid_argument, "listed key " + printable(key, 120) + " would be written outside " +
                                                printable(destination_dir.string(), 200));
  return joined;
}

}  // namespace ferry::storage
