#!/usr/bin/env python3
"""Times botocore's SigV4 signing of the request `ferry_bench sign --case sigv4_get` signs
(ranged S3 GET, UNSIGNED-PAYLOAD, us-west-2) and of its presigned URL, so bench/sign.sh can report
ratios. Prints one JSON object. botocore caches nothing between signatures, so this is what an
AWS CLI / boto3 client pays per request."""
import datetime
import json
import statistics
import sys
import time

try:
    import botocore
    from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
except ImportError as e:  # the caller prints why the peer is skipped
    print(json.dumps({"peer": "botocore", "skipped": f"botocore not importable: {e}"}))
    sys.exit(0)

ITER = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
UNSIGNED = Config(s3={"payload_signing_enabled": False})
url = "https://examplebucket.s3.us-west-2.amazonaws.com/models/llama/model-00001-of-00004.safetensors"


def header_once():
    req = AWSRequest(method="GET", url=url, headers={"Range": "bytes=0-8388607"})
    req.context["client_config"] = UNSIGNED  # what boto3 sends for a GET over https
    S3SigV4Auth(creds, "s3", "us-west-2").add_auth(req)
    return req


def presign_once():
    req = AWSRequest(method="GET", url=url)
    S3SigV4QueryAuth(creds, "s3", "us-west-2", expires=3600).add_auth(req)
    return req.url


def measure(fn):
    for _ in range(min(ITER, 2000)):
        fn()
    runs = []
    for _ in range(RUNS):
        t0 = time.perf_counter_ns()
        for _ in range(ITER):
            fn()
        runs.append((time.perf_counter_ns() - t0) / ITER)
    return {"ns_per_signature": statistics.median(runs), "min_ns": min(runs), "max_ns": max(runs), "run_ns": runs}


signed = header_once()  # the same request ferry signs: unsigned payload, range signed
assert signed.headers["X-Amz-Content-SHA256"] == "UNSIGNED-PAYLOAD", signed.headers
assert "range" in signed.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
print(json.dumps({"peer": "botocore", "version": botocore.__version__, "python": sys.version.split()[0],
                  "iterations": ITER, "runs": RUNS,
                  "cases": {"sigv4_get": measure(header_once), "sigv4_presign": measure(presign_once)}}))
