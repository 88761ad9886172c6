// The pieces of a SigV4 canonical request: path, query string and headers, each canonicalised by
// the rules AWS documents. Pure functions over plain strings; sigv4.hpp assembles them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::signing {

// Name/value pairs in arrival order. Header names may be in any case; query pairs are DECODED.
using string_pairs = std::vector<std::pair<std::string, std::string>>;

// How the path of the request line becomes the canonical URI.
enum class uri_rules {
  s3,       // encode once (already-encoded %XX triplets are kept), never normalise
  generic,  // every other service: optional normalisation, then the path is URI-encoded again
};

// RFC 3986 dot-segment removal plus collapsing of repeated '/'; keeps a trailing '/'; "" -> "/".
std::string normalize_path(std::string_view path);

// The CanonicalURI line. `path` is the path as sent on the wire (no query string).
std::string canonical_uri(std::string_view path, uri_rules rules, bool normalize);

// Percent-encodes a path once: unreserved and '/' stay, a valid %XX triplet stays (hex uppercased),
// everything else is encoded. This is S3's canonical form of a wire path.
std::string encode_path_once(std::string_view path);

// Splits a raw query string ("a=1&b&c=%20") into decoded pairs; a bare key gets an empty value.
// An invalid %-escape is kept literally (it is re-encoded as %25 later), never an error.
string_pairs parse_query(std::string_view raw_query);

// The CanonicalQueryString: each name and value URI-encoded, sorted by name then value, '&'-joined.
std::string canonical_query(const string_pairs& decoded_params);

// Trims a header value and collapses internal runs of blanks to one space (quotes included).
std::string canonical_header_value(std::string_view value);

// Canonical headers of a request: names lowercased and sorted, duplicate names joined with ','
// in arrival order. Returns {canonical header block ("name:value\n"...), signed header list}.
struct canonical_headers_t {
  std::string block;        // "host:example.com\nx-amz-date:...\n"
  std::string signed_list;  // "host;x-amz-date"
};
canonical_headers_t canonical_headers(const string_pairs& headers);

// Headers that proxies and clients rewrite; signing them would break the signature in transit.
bool is_unsignable_header(std::string_view lowercase_name);

}  // namespace ferry::signing
