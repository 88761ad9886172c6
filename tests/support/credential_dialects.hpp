// The fake credential services, registered together because they share one credential_state:
// AWS IMDS, ECS container credentials, STS, Google OAuth2 + metadata server, Entra ID + managed
// identity, and their control routes under /_ferry/auth/. Routing is by path (clients reach testd
// through the services' endpoint override variables), never by Host.
#pragma once

#include "tests/support/credential_state.hpp"
#include "tests/support/exchange.hpp"

#include <memory>

namespace ferry::testd {

class server_context;

// Creates the shared state and appends every credential dialect to ctx.dialects. Call it before the
// generic control dialect (it owns /_ferry/auth/) and before the plain fallback.
void add_credential_dialects(server_context& ctx);

// One factory per dialect file.
std::unique_ptr<dialect> make_auth_control_dialect(std::shared_ptr<credential_state> s);   // /_ferry/auth/
std::unique_ptr<dialect> make_aws_imds_dialect(std::shared_ptr<credential_state> s);       // /latest/
std::unique_ptr<dialect> make_aws_ecs_dialect(std::shared_ptr<credential_state> s);        // ecs.prefixes
std::unique_ptr<dialect> make_aws_sts_dialect(std::shared_ptr<credential_state> s);        // POST / form
std::unique_ptr<dialect> make_google_auth_dialect(std::shared_ptr<credential_state> s);    // POST /token
std::unique_ptr<dialect> make_google_metadata_dialect(std::shared_ptr<credential_state> s);  // /computeMetadata/
std::unique_ptr<dialect> make_azure_entra_dialect(std::shared_ptr<credential_state> s);    // /{tenant}/oauth2/v2.0/token
std::unique_ptr<dialect> make_azure_msi_dialect(std::shared_ptr<credential_state> s);      // /metadata/identity/, /msi/token

}  // namespace ferry::testd
