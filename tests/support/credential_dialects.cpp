#include "tests/support/credential_dialects.hpp"

#include "tests/support/server_context.hpp"

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace ferry::testd {
namespace {

// server_context has no slot for dialect state other dialects may want (an S3 dialect checking that
// a request was signed with credentials we issued), so the state is found through this registry.
std::mutex registry_mutex;
std::map<const server_context*, std::shared_ptr<credential_state>> registry;

}  // namespace

void add_credential_dialects(server_context& ctx) {
  auto state = std::make_shared<credential_state>();
  // Optional start-up configuration for runs outside the test helper (no command-line option, so
  // options.cpp stays untouched): a JSON file in the same schema as POST /_ferry/auth/config.
  if (const char* file = std::getenv("FERRY_TESTD_AUTH_CONFIG"); file && *file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw std::runtime_error(std::string("FERRY_TESTD_AUTH_CONFIG: cannot read ") + file);
    state->configure(boost::json::parse(text.str()));
  }
  ctx.dialects.push_back(make_auth_control_dialect(state));
  ctx.dialects.push_back(make_aws_imds_dialect(state));
  ctx.dialects.push_back(make_aws_ecs_dialect(state));
  ctx.dialects.push_back(make_aws_sts_dialect(state));
  ctx.dialects.push_back(make_google_auth_dialect(state));
  ctx.dialects.push_back(make_google_metadata_dialect(state));
  ctx.dialects.push_back(make_azure_entra_dialect(state));
  ctx.dialects.push_back(make_azure_msi_dialect(state));
  std::lock_guard lock(registry_mutex);
  registry[&ctx] = std::move(state);
}

credential_state* find_credential_state(const server_context& ctx) {
  std::lock_guard lock(registry_mutex);
  auto it = registry.find(&ctx);
  return it == registry.end() ? nullptr : it->second.get();
}

}  // namespace ferry::testd
