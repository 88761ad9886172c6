#include "tests/support/server_context.hpp"

#include "tests/support/credential_dialects.hpp"

namespace ferry::testd {

server_context::server_context(options o) : opts(std::move(o)) {
  backend = opts.root.empty() ? make_memory_backend() : make_directory_backend(opts.root);
  // Order matters: specific dialects first, the plain HTTP fallback last.
  add_credential_dialects(*this);  // IMDS, ECS, STS, Google, Entra ID; owns /_ferry/auth/
  dialects.push_back(make_control_dialect());
  dialects.push_back(make_plain_dialect());
}

dialect* server_context::route(const exchange& ex) const {
  for (auto& d : dialects)
    if (d->accepts(ex)) return d.get();
  return nullptr;
}

}  // namespace ferry::testd
