#!/usr/bin/env python3
"""Independent reference for GOOG4-HMAC-SHA256 header signing (GCS XML API with an HMAC key).

Written from Google's description of V4 signing
(https://cloud.google.com/storage/docs/authentication/signatures, "Signing process",
https://cloud.google.com/storage/docs/authentication/canonical-requests) with only the Python
standard library, sharing no code with ferry. It prints the expected values that
tests/unit/signing_gcs_hmac_headers.cpp pins; rerun it after changing a case:
    python3 tests/unit/vectors/goog4_hmac_reference.py
"""
import hashlib
import hmac
import re
import urllib.parse

UNRESERVED = "-_.~"


def enc(s: str) -> str:
    return urllib.parse.quote(s, safe=UNRESERVED)


def canonical_request(method, wire_path, query, headers, payload):
    # Path: the wire path (already percent-encoded) is used as is.
    cq = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(query))
    merged = {}
    for name, value in headers:
        value = re.sub(r"[ \t]+", " ", value.strip(" \t"))
        merged.setdefault(name.lower(), []).append(value)
    names = sorted(merged)
    block = "".join(f"{n}:{','.join(merged[n])}\n" for n in names)
    signed = ";".join(names)
    return f"{method}\n{wire_path}\n{cq}\n{block}\n{signed}\n{payload}", signed


def sign(case):
    date = case["time"]  # YYYYMMDDTHHMMSSZ
    date8, loc = date[:8], case["location"]
    payload = case["payload"] or "UNSIGNED-PAYLOAD"
    headers = list(case["headers"]) + [("x-goog-date", date), ("x-goog-content-sha256", payload)]
    creq, signed = canonical_request(case["method"], case["path"], case["query"], headers, payload)
    scope = f"{date8}/{loc}/storage/goog4_request"
    sts = "\n".join(["GOOG4-HMAC-SHA256", date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("GOOG4" + case["secret"]).encode()
    for part in (date8, loc, "storage", "goog4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    auth = f"GOOG4-HMAC-SHA256 Credential={case['access_id']}/{scope}, SignedHeaders={signed}, Signature={sig}"
    return creq, sts, sig, auth


CASES = [
    {  # A plain GET of an object, unsigned payload, location "auto".
        "name": "get_object",
        "access_id": "GOOG1EXAMPLEACCESSID0123456789", "secret": "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ",
        "method": "GET", "path": "/example-bucket/cat.jpeg", "query": [],
        "headers": [("Host", "storage.googleapis.com")],
        "payload": "", "time": "20190201T090000Z", "location": "auto",
    },
    {  # A PUT with a signed payload hash, a region, a header needing trimming/collapsing,
       # a repeated header, a path with encoded space, '~' and '//', and a query needing encoding.
        "name": "put_with_payload_and_awkward_names",
        "access_id": "GOOG1EXAMPLEACCESSID0123456789", "secret": "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ",
        "method": "PUT", "path": "/my-bucket/dir//a%20b~c.txt",
        "query": [("uploadId", "ABC def/+="), ("partNumber", "2")],
        "headers": [("Host", "storage.googleapis.com"), ("Content-Type", "  text/plain  "),
                    ("x-goog-meta-note", "a   b \t c"), ("X-Goog-Meta-Tag", "one"), ("x-goog-meta-tag", "two")],
        "payload": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "time": "20240607T123456Z", "location": "europe-west1",
    },
]

if __name__ == "__main__":
    for case in CASES:
        creq, sts, sig, auth = sign(case)
        print(f"== {case['name']}\n-- canonical request\n{creq}\n-- string to sign\n{sts}\n-- signature\n{sig}\n-- authorization\n{auth}\n")
