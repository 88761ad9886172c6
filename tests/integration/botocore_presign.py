#!/usr/bin/env python3
"""Reference presigned S3 URLs from botocore (the library under the AWS CLI and boto3) at a fixed time, for
tests/integration/presign_s3_botocore.cpp. Reads a JSON list of cases from the file named by its argument,
prints a JSON list of URLs.
Exit 3 (and a reason on stderr) when botocore cannot be imported, so the test can skip with that reason."""
import datetime
import json
import sys

try:
    import botocore.auth
    import botocore.session
    from botocore.config import Config
except ImportError as e:
    print(f"botocore not importable by {sys.executable}: {e}", file=sys.stderr)
    sys.exit(3)

FIXED = datetime.datetime(2024, 5, 1, 12, 30, 45)


def fix_clock():
    # botocore >= 1.32 reads the time through get_current_datetime(); older ones call datetime.datetime.utcnow().
    if hasattr(botocore.auth, "get_current_datetime"):
        botocore.auth.get_current_datetime = lambda *a, **k: FIXED
    else:
        class Fixed(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return FIXED
        botocore.auth.datetime = type("m", (), {"datetime": Fixed, "timedelta": datetime.timedelta})


def presign(case):
    session = botocore.session.get_session()
    client = session.create_client(
        "s3", region_name=case["region"], endpoint_url=case.get("endpoint_url"),
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        aws_session_token=case.get("session_token"),
        config=Config(signature_version="s3v4", s3={"addressing_style": case["style"]}))
    params = {"Bucket": case["bucket"], **case.get("params", {})}
    if "key" in case:  # bucket-level operations (listing) have none
        params["Key"] = case["key"]
    return client.generate_presigned_url(case["operation"], Params=params, ExpiresIn=case["expires"])


fix_clock()
with open(sys.argv[1], encoding="utf-8") as f:
    print(json.dumps([presign(c) for c in json.load(f)]))
