// Choosing a part size within a provider's limits, and cutting an object into parts.
#include "ferry/byte_range.hpp"
#include "ferry/size.hpp"

namespace ferry {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0); }

// Rounds v up to a multiple of m; false on overflow.
bool round_up(std::uint64_t v, std::uint64_t m, std::uint64_t& out) {
  std::uint64_t r = v % m;
  if (r == 0) {
    out = v;
    return true;
  }
  if (v > UINT64_MAX - (m - r)) return false;
  out = v + (m - r);
  return true;
}

}  // namespace

result<std::uint64_t> choose_part_size(std::uint64_t size, std::uint64_t requested, const part_limits& limits) {
  if (limits.min_part == 0 || limits.max_part < limits.min_part || limits.max_parts == 0 ||
      limits.part_multiple == 0)
    return failure(error::invalid_argument, "inconsistent part limits (min " + std::to_string(limits.min_part) +
                                                ", max " + std::to_string(limits.max_part) + ", max parts " +
                                                std::to_string(limits.max_parts) + ")");
  std::uint64_t part = requested == 0 ? default_part_size : requested;
  if (part < limits.min_part) part = limits.min_part;
  if (part > limits.max_part) part = limits.max_part;
  if (!round_up(part, limits.part_multiple, part) || part > limits.max_part)
    return failure(error::invalid_argument, "no multiple of " + std::to_string(limits.part_multiple) +
                                                " bytes fits under the maximum part size");

  if (size == 0 || ceil_div(size, part) <= limits.max_parts) return part;
  // Too many parts: the smallest size that fits, rounded to whole MiB (and the provider's multiple).
  std::uint64_t needed = ceil_div(size, limits.max_parts);
  std::uint64_t grown = needed;
  std::uint64_t mib_multiple = 0;
  if (round_up(needed, std::uint64_t(1) << 20, mib_multiple) && mib_multiple <= limits.max_part) grown = mib_multiple;
  if (!round_up(grown, limits.part_multiple, grown) || grown > limits.max_part)
    return failure(error::quota_exceeded, "an object of " + format_size(size) + " does not fit in " +
                                              std::to_string(limits.max_parts) + " parts of at most " +
                                              format_size(limits.max_part));
  return grown;
}

std::vector<byte_range> plan_parts(std::uint64_t size, std::uint64_t part_size) {
  std::vector<byte_range> parts;
  if (size == 0) return parts;
  if (part_size == 0 || part_size >= size) return {byte_range{0, size}};
  parts.reserve(static_cast<std::size_t>(ceil_div(size, part_size)));
  for (std::uint64_t off = 0;; off += part_size) {
    parts.push_back({off, std::min(part_size, size - off)});
    if (size - off <= part_size) break;  // (no off + part_size overflow near 2^64)
  }
  return parts;
}

}  // namespace ferry
