#!/usr/bin/env bash
# Signing microbenchmark: ferry_bench sign (every scheme) next to botocore (SigV4 header and presign) in the same run.
#   bash bench/sign.sh [--ferry-bench PATH] [--iterations N] [--runs R] [--json FILE]
# Writes bench/results/sign-<UTC time>.json and prints a table with ferry/botocore speed ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
bench_bin=build/ferry_bench iterations=100000 runs=5 out="bench/results/sign-$(date -u +%Y%m%dT%H%M%SZ).json"
while [ $# -gt 0 ]; do
  case "$1" in
    --ferry-bench) bench_bin=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --json) out=$2; shift 2 ;;
    *) echo "usage: bash bench/sign.sh [--ferry-bench PATH] [--iterations N] [--runs R] [--json FILE]" >&2; exit 2 ;;
  esac
done
[ -x "$bench_bin" ] || { echo "sign.sh: $bench_bin not built (ninja -C build ferry_bench)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bench_bin" sign --iterations "$iterations" --runs "$runs" --json >"$tmp/ferry.json"
# botocore is ~30x slower per signature: a tenth of the iterations keeps the run short.
python3 bench/sign_peers.py "$((iterations / 10))" "$runs" >"$tmp/peer.json" ||
  echo '{"peer":"botocore","skipped":"sign_peers.py failed"}' >"$tmp/peer.json"
mkdir -p "$(dirname "$out")"
python3 - "$tmp/ferry.json" "$tmp/peer.json" "$out" <<'PY'
import json, platform, sys, os
ferry, peer = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
result = {"bench": "sign", "host": platform.node(), "cpu_count": os.cpu_count(),
          "load_average": os.getloadavg(), "ferry": ferry, "peers": [peer], "ratios": {}}
print(f"{'case':18} {'ferry ns':>10} {'botocore ns':>12} {'speed-up':>9}")
for c in ferry["cases"]:
    p = peer.get("cases", {}).get(c["case"])
    line = f"{c['case']:18} {c['ns_per_signature']:10.0f}"
    if p:
        ratio = p["ns_per_signature"] / c["ns_per_signature"]
        result["ratios"][c["case"]] = {"botocore_over_ferry": round(ratio, 1)}
        line += f" {p['ns_per_signature']:12.0f} {ratio:8.1f}x"
    print(line)
if "skipped" in peer:
    print("botocore skipped:", peer["skipped"])
json.dump(result, open(sys.argv[3], "w"), indent=1)
print("load average", result["load_average"], "->", sys.argv[3])
PY
