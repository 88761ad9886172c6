// Parsing the error bodies services send back, so a failure names the service's own code, message and request id.
// Each parser takes an HTTP-status failure (from http::status_failure) and refines it; a body that is not what the
// service normally sends (HTML from a proxy, truncated XML, a binary blob) leaves the failure as it was.
#pragma once

#include "ferry/http.hpp"

namespace ferry {

// S3 and GCS XML API: <Error><Code/><Message/><RequestId/></Error> (also inside a 200 CompleteMultipartUpload body).
void refine_s3_error(failure& f, std::string_view body);
// Azure Blob: the x-ms-error-code header, else <Error><Code/><Message/></Error>; AuthenticationErrorDetail is kept out
// of the message (it can echo the string-to-sign).
void refine_azure_error(failure& f, const http::response& resp);
// GCS JSON, GCP Secret Manager, Azure Key Vault: {"error":{"code":..,"message":..,"status"|"errors"[0].reason}}.
void refine_google_error(failure& f, std::string_view body);
// AWS JSON 1.1 services (Secrets Manager): {"__type":"ns#Name","message"|"Message":..}, or x-amzn-ErrorType.
void refine_aws_json_error(failure& f, const http::response& resp);
// HashiCorp Vault: {"errors":["..."]}.
void refine_vault_error(failure& f, std::string_view body);

// Kind adjustments for service codes that say more than the status (SlowDown → throttled, NoSuchUpload → not_found).
void apply_service_code(failure& f);

// Ready-made mappers for http::send_with_retry.
failure map_s3_error(const http::request& req, const http::response& resp);
failure map_azure_error(const http::request& req, const http::response& resp);
failure map_google_error(const http::request& req, const http::response& resp);

}  // namespace ferry
