#include "cli/presign.hpp"

#include "signing/sigv4.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::cli {

result<signing::string_pairs> split_pairs(const std::vector<std::string>& items, char sep, std::string_view option,
                                          bool check_names) {
  signing::string_pairs out;
  for (auto& item : items) {
    auto pos = item.find(sep);
    if (pos == std::string::npos || pos == 0)
      return failure(error::invalid_argument, std::string(option) + " expects NAME" + sep + "VALUE, got '" +
                                                  item.substr(0, 100) + "'");
    std::string name = item.substr(0, pos), value = item.substr(pos + 1);
    if (sep == ':') {  // headers: surrounding blanks are not part of the name or the value
      auto b = value.find_first_not_of(" \t");
      value = b == std::string::npos ? "" : value.substr(b);
      name.erase(name.find_last_not_of(" \t") + 1);
      bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
      });
      if (!token && check_names) return failure(error::invalid_argument, "--header name '" + name.substr(0, 100) + "' is not a valid HTTP field name");
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

result<std::chrono::sys_seconds> signing_time(const std::string& date) {
  if (date.empty()) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto t = signing::parse_amz_date(date);
  if (!t) return failure(error::invalid_argument, "--date must be YYYYMMDDTHHMMSSZ (e.g. 20130524T000000Z), got '" +
                                                      date.substr(0, 40) + "'");
  return *t;
}

std::string upper_method(std::string method) {
  std::transform(method.begin(), method.end(), method.begin(),
                 [](char c) { return char(std::toupper(static_cast<unsigned char>(c))); });
  return method;
}

}  // namespace ferry::cli
