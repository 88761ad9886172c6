// S3-style listing over a sorted sequence of objects: prefix filter, delimiter roll-up into common prefixes,
// pages of max_keys entries with the last returned key (or common prefix) as the page token. Used by the stores
// that list from their own index (local, memory).
#pragma once

#include "ferry/object_store.hpp"

#include <vector>

namespace ferry::storage {

// objects must be sorted by key (std::string operator<, i.e. byte order). max_keys 0 is treated as 1000.
list_page paginate_listing(const std::vector<object_info>& sorted_objects, const list_request& request);

}  // namespace ferry::storage
