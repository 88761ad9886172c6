#!/usr/bin/env bash
# HTTP download benchmark: ferry cp against curl, aria2c -x8 -s8 and rclone (http remote, multi-thread), all
# downloading the same files from nginx on loopback to disk, interleaved, several repetitions.
# Prints MB/s (best, median), client CPU seconds per GiB, peak RSS and ferry's ratio to each tool; writes JSON to
# bench/results/. See bench/README.md.
#
#   bash bench/http_download.sh [--sizes 1GiB,4GiB] [--reps 3] [--tools ferry,curl,aria2c,rclone]
#                               [--ferry PATH] [--ferry-args "--concurrency 8 --part-size 16MiB"]
#                               [--data-dir DIR] [--out-dir DIR] [--json FILE] [--clean-data]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sizes=1GiB,4GiB
reps=3
tools=ferry,curl,aria2c,rclone
ferry_bin=$root/build/ferry
ferry_args="--concurrency 8 --part-size 16MiB"
data_dir=/tmp/ferry-bench-data
out_dir=/tmp/ferry-bench-out
json_out=""
clean_data=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    --ferry) ferry_bin=$2; shift 2 ;;
    --ferry-args) ferry_args=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --out-dir) out_dir=$2; shift 2 ;;
    --json) json_out=$2; shift 2 ;;
    --clean-data) clean_data=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$ferry_bin" ] || { echo "ferry binary not found at $ferry_bin (build first: bash cmake/setup.sh build)" >&2; exit 1; }

need=()
for p in nginx aria2 rclone curl time; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

bytes_of() {  # 256MiB, 1GiB, 4G, 1048576
  python3 -c 'import re,sys; m=re.fullmatch(r"(\d+)\s*([KMGT]?)(i?B)?",sys.argv[1]); assert m, sys.argv[1]; print(int(m[1])<<(10*" KMGT".index(m[2] or " ")))' "$1"
}
mkdir -p "$data_dir" "$out_dir"
work=$(mktemp -d)
runs=$work/runs.tsv
: > "$runs"
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$out_dir" "$work"
  [ "$clean_data" = 1 ] && rm -rf "$data_dir" || true
}
trap cleanup EXIT

# Data: deterministic pseudo-random bytes (AES-CTR keystream; fast, incompressible), reused across runs.
IFS=, read -ra size_list <<< "$sizes"
for s in "${size_list[@]}"; do
  n=$(bytes_of "$s")
  f=$data_dir/data-$s
  if [ ! -f "$f" ] || [ "$(stat -c %s "$f")" != "$n" ]; then
    echo "generating $s test file in $data_dir"
    head -c "$n" /dev/zero | openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 -nosalt > "$f"
  fi
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<CONF
daemon off; user root; worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  server { listen 127.0.0.1:$port; root $data_dir; } }
CONF
nginx -c "$work/nginx.conf" &
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/data-${size_list[0]}" -r 0-0 && break; sleep 0.1; done

# First touch of guest memory is expensive (docs/benchmarking.md): use more page cache than the test data, then drop it.
largest=$(for s in "${size_list[@]}"; do bytes_of "$s"; done | sort -n | tail -1)
head -c $((largest + 512 * 1024 * 1024)) /dev/zero > "$out_dir/touch" && rm -f "$out_dir/touch"

run_tool() {  # tool size rep
  local tool=$1 size=$2 rep=$3 url="http://127.0.0.1:$port/data-$2" dst="$out_dir/out-$1"
  rm -f "$dst"
  local cmd
  case "$tool" in
    ferry) cmd=("$ferry_bin" cp "$url" "$dst" --no-progress --json $ferry_args) ;;
    curl) cmd=(curl -sS -o "$dst" "$url") ;;
    aria2c) cmd=(aria2c -q -x8 -s8 -k1M --allow-overwrite=true --file-allocation=none --auto-file-renaming=false -d "$out_dir" -o "out-$tool" "$url") ;;
    rclone) cmd=(env -u AWS_CA_BUNDLE rclone copyto -q --http-url "http://127.0.0.1:$port" ":http:data-$size" "$dst" --multi-thread-streams 8 --multi-thread-cutoff 1M) ;;
  esac
  local t
  t=$( { /usr/bin/time -f '%e %U %S %M' "${cmd[@]}" > "$work/stdout" 2> "$work/stderr.tool"; } 2>&1 | tail -1) || {
    echo "$tool failed:"; cat "$work/stderr.tool"; return 1; }
  tail -1 "$work/stderr.tool" | grep -qE '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' && t=$(tail -1 "$work/stderr.tool")
  local got
  got=$(stat -c %s "$dst")
  [ "$got" = "$(bytes_of "$size")" ] || { echo "$tool wrote $got bytes for $size" >&2; return 1; }
  if [ "$tool" = ferry ] && [ "$rep" = 1 ]; then cmp -s "$dst" "$data_dir/data-$size" || { echo "ferry output differs" >&2; return 1; }; fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$size" "$rep" "$(bytes_of "$size")" "$t" >> "$runs"
  rm -f "$dst"
}

IFS=, read -ra tool_list <<< "$tools"
for s in "${size_list[@]}"; do
  for rep in $(seq "$reps"); do
    for tool in "${tool_list[@]}"; do
      run_tool "$tool" "$s" "$rep"
    done
  done
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
[ -n "$json_out" ] || json_out=$here/results/http_download-$stamp.json
python3 - "$runs" "$json_out" "$ferry_bin" "$ferry_args" <<'PY'
import json, os, platform, statistics, subprocess, sys
runs_path, out, ferry_bin, ferry_args = sys.argv[1:5]
runs = []
for line in open(runs_path):
    tool, size, rep, nbytes, t = line.rstrip("\n").split("\t")
    wall, user, sys_, rss = t.split()
    nbytes = int(nbytes); wall = float(wall); cpu = float(user) + float(sys_)
    runs.append(dict(tool=tool, size=size, rep=int(rep), bytes=nbytes, wall_s=wall, user_s=float(user),
                     sys_s=float(sys_), peak_rss_kib=int(rss), mb_per_s=nbytes / wall / 1e6 if wall > 0 else 0,
                     cpu_s_per_gib=cpu / (nbytes / 2**30)))
summary = {}
for r in runs:
    summary.setdefault(r["size"], {}).setdefault(r["tool"], []).append(r)
table = {}
for size, per_tool in summary.items():
    table[size] = {}
    for tool, rs in per_tool.items():
        table[size][tool] = dict(best_mb_per_s=max(x["mb_per_s"] for x in rs),
                                 median_mb_per_s=statistics.median(x["mb_per_s"] for x in rs),
                                 median_cpu_s_per_gib=statistics.median(x["cpu_s_per_gib"] for x in rs),
                                 peak_rss_mib=max(x["peak_rss_kib"] for x in rs) / 1024, runs=len(rs))
    if "ferry" in table[size]:
        f = table[size]["ferry"]["median_mb_per_s"]
        for tool, row in table[size].items():
            row["ferry_ratio"] = f / row["median_mb_per_s"] if row["median_mb_per_s"] else None
def version(cmd):
    try: return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.splitlines()[0]
    except Exception: return "unknown"
machine = dict(nproc=os.cpu_count(), kernel=platform.release(), curl=version(["curl", "--version"]),
               aria2c=version(["aria2c", "--version"]), rclone=version(["rclone", "version"]),
               nginx=subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
               ferry_args=ferry_args)
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump(dict(benchmark="http_download", machine=machine, runs=runs, summary=table), open(out, "w"), indent=2)
print(f"{'size':>6} {'tool':>7} {'best MB/s':>10} {'med MB/s':>9} {'CPU-s/GiB':>10} {'RSS MiB':>8} {'ferry x':>8}")
for size, rows in table.items():
    for tool, row in rows.items():
        ratio = row.get("ferry_ratio")
        print(f"{size:>6} {tool:>7} {row['best_mb_per_s']:10.0f} {row['median_mb_per_s']:9.0f} "
              f"{row['median_cpu_s_per_gib']:10.2f} {row['peak_rss_mib']:8.1f} {ratio if ratio is None else f'{ratio:8.2f}'}")
print(f"results: {out}")
PY
