#include "providers/storage/listing.hpp"

#include <algorithm>

namespace ferry::storage {

list_page paginate_listing(const std::vector<object_info>& objects, const list_request& req) {
  list_page page;
  std::uint32_t max = req.max_keys == 0 ? 1000 : req.max_keys;
  const std::string& token = req.page_token;
  // A token that is a rolled-up prefix (the delimiter first occurs at its end, after the request prefix) means
  // "skip everything under it"; an object key that merely ends with the delimiter does not.
  bool token_is_prefix = !req.delimiter.empty() && token.size() > req.prefix.size() && token.starts_with(req.prefix) &&
                         token.find(req.delimiter, req.prefix.size()) == token.size() - req.delimiter.size();

  // Start at the first key after both the prefix start and the token.
  auto it = std::lower_bound(objects.begin(), objects.end(), req.prefix,
                             [](const object_info& o, const std::string& k) { return o.key < k; });
  if (!token.empty())
    it = std::upper_bound(it, objects.end(), token,
                          [](const std::string& k, const object_info& o) { return k < o.key; });

  std::uint32_t count = 0;
  std::string last_returned;
  for (; it != objects.end(); ++it) {
    const std::string& key = it->key;
    if (!key.starts_with(req.prefix)) break;  // sorted: nothing further matches
    if (token_is_prefix && key.starts_with(token)) continue;  // rolled up on an earlier page
    std::string rolled;
    if (!req.delimiter.empty()) {
      auto pos = key.find(req.delimiter, req.prefix.size());
      if (pos != std::string::npos) rolled = key.substr(0, pos + req.delimiter.size());
    }
    if (!rolled.empty() && !page.common_prefixes.empty() && page.common_prefixes.back() == rolled) continue;
    if (count == max) {
      page.next_token = last_returned;
      break;
    }
    if (rolled.empty()) {
      page.objects.push_back(*it);
      last_returned = key;
    } else {
      page.common_prefixes.push_back(rolled);
      last_returned = rolled;
    }
    ++count;
  }
  return page;
}

}  // namespace ferry::storage
