// Where an Azure blob lives: https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB, or under a custom
// endpoint such as the emulator's http://127.0.0.1:10000/devstoreaccount1. Pure string work.
#pragma once

#include "ferry/error.hpp"

#include <string>

namespace ferry::signing {

struct azure_blob_address {
  std::string account;
  std::string container;  // empty: the account itself (list containers, account SAS)
  std::string blob;       // as stored, not encoded; empty: the container
  // "http(s)://host[:port][/base-path]" (a connection string's BlobEndpoint); empty: the public
  // endpoint https://ACCOUNT.blob.ENDPOINT_SUFFIX.
  std::string endpoint;
  std::string scheme = "https";  // for the public endpoint only
  std::string endpoint_suffix = "core.windows.net";
};

struct azure_blob_target {
  std::string url;   // without query
  std::string host;  // host[:port], the Host header
  std::string path;  // percent-encoded path as sent: what SharedKey signs after "/ACCOUNT"
};

// Validates names (account, container, blob) and the endpoint, then builds the URL. The blob name
// is percent-encoded with '/' kept.
result<azure_blob_target> azure_blob_target_for(const azure_blob_address& a);

}  // namespace ferry::signing
