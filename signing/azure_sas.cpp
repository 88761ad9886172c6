#include "signing/azure_sas.hpp"

#include "signing/encoding.hpp"

namespace ferry::signing {

result<std::string> azure_sas_order_permissions(std::string_view given, std::string_view order, std::string_view what) {
  if (given.empty()) return failure(error::invalid_argument, "azure sas: " + std::string(what) + " is empty");
  std::string seen(order.size(), '\0');
  for (char c : given) {
    auto pos = order.find(c);
    if (pos == std::string_view::npos)
      return failure(error::invalid_argument, "azure sas: " + std::string(what) + " may only use the letters " +
                                                  std::string(order));
    if (seen[pos]) return failure(error::invalid_argument, "azure sas: " + std::string(what) + " repeats a letter");
    seen[pos] = c;
  }
  std::string out;
  for (char c : seen)
    if (c) out += c;
  return out;
}

result<std::string> azure_sas_protocol(std::string_view given) {
  if (given.empty()) return std::string();
  if (given == "https") return std::string("https");
  if (given == "https,http" || given == "http,https") return std::string("https,http");
  return failure(error::invalid_argument, "azure sas: protocol must be https or https,http");
}

bool azure_sas_ip_is_valid(std::string_view ip) {
  if (ip.empty() || ip.size() > 100) return false;
  for (char c : ip) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':' ||
              c == '-';
    if (!ok) return false;
  }
  return ip.front() != '-' && ip.back() != '-';
}

std::string azure_sas_query(const std::vector<std::pair<std::string_view, std::string_view>>& fields) {
  std::string out;
  for (auto& [name, value] : fields) {
    if (value.empty()) continue;
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += uri_encode(value);
  }
  return out;
}

bool azure_sas_field_is_safe(std::string_view v) {
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return false;
  return v.size() <= 4096;
}

}  // namespace ferry::signing

namespace ferry::signing {

result<azure_sas_fields> parse_azure_sas_token(std::string_view token) {
  auto bad = [](std::string msg) { return failure(error::invalid_argument, "azure sas token: " + std::move(msg)); };
  if (!token.empty() && token.front() == '?') token.remove_prefix(1);
  if (token.empty()) return bad("empty");
  if (token.size() > 8192) return bad("longer than 8 KiB");
  azure_sas_fields f;
  struct slot {
    std::string_view name;
    std::string* out;
  };
  const slot slots[] = {{"sv", &f.version},     {"ss", &f.services},   {"srt", &f.resource_types},
                        {"sr", &f.resource},    {"sp", &f.permissions}, {"st", &f.start},
                        {"se", &f.expiry},      {"sip", &f.ip},        {"spr", &f.protocol},
                        {"si", &f.identifier},  {"sig", &f.signature}};
  bool seen[std::size(slots)] = {};
  std::size_t pos = 0;
  while (pos < token.size()) {
    std::size_t end = token.find('&', pos);
    if (end == std::string_view::npos) end = token.size();
    std::string_view item = token.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    std::string_view name = item.substr(0, item.find('='));
    std::string_view raw = name.size() < item.size() ? item.substr(name.size() + 1) : std::string_view{};
    for (std::size_t i = 0; i < std::size(slots); ++i) {
      if (slots[i].name != name) continue;
      if (seen[i]) return bad("field " + std::string(name) + " appears twice");
      seen[i] = true;
      auto value = uri_decode(raw);
      if (!value) return bad("field " + std::string(name) + " has an invalid %-escape");
      if (!azure_sas_field_is_safe(*value)) return bad("field " + std::string(name) + " has control characters");
      *slots[i].out = std::move(*value);
    }
  }
  if (f.signature.empty()) return bad("no sig field: not a SAS token");
  return f;
}

}  // namespace ferry::signing
