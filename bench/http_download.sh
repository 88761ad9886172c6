#!/usr/bin/env bash
# HTTP download benchmark: `ferry cp` against curl (one stream), aria2c -x8 -s8 and rclone (:http: remote,
# multi-thread), all downloading the same files from nginx on loopback to disk, interleaved (A B C D A B C D ...),
# several repetitions. Prints best/median MB/s, client CPU seconds per GiB, peak RSS, nginx CPU and ferry's ratio
# to each tool; writes every run plus the summary as JSON to bench/results/. See bench/README.md.
#
#   bash bench/http_download.sh [options]
#     --sizes LIST         comma-separated sizes (1GiB, 256MiB, 4G, 1000000)      [1GiB,4GiB]      FERRY_BENCH_SIZES
#     --reps N             repetitions per tool and size                          [3]              FERRY_BENCH_REPS
#     --tools LIST         subset/order of ferry,curl,aria2c,rclone              [all four]       FERRY_BENCH_TOOLS
#     --ferry PATH         ferry binary                                  [<repo>/build/ferry]     FERRY_BIN
#     --concurrency N      ferry --concurrency                                    [8]              FERRY_BENCH_CONCURRENCY
#     --part-size SIZE     ferry --part-size                                      [16MiB]          FERRY_BENCH_PART_SIZE
#     --ferry-args "ARGS"  extra arguments for ferry cp                           []               FERRY_BENCH_FERRY_ARGS
#     --streams N          connections for aria2c (-x/-s) and rclone (--multi-thread-streams) [8]  FERRY_BENCH_STREAMS
#     --data-dir DIR       generated test files (kept and reused)       [/tmp/ferry-bench-data]  FERRY_BENCH_DATA_DIR
#     --out-dir DIR        downloads land in a fresh subdirectory here  [/tmp/ferry-bench-out]   FERRY_BENCH_OUT_DIR
#     --json FILE          JSON output          [bench/results/http_download-<UTC time>.json]  FERRY_BENCH_JSON
#     --verify MODE        cmp each download with its source: first (first rep of each tool
#                          and size), all, or none; sizes are always checked  [first]          FERRY_BENCH_VERIFY
#     --clean-data         delete the generated test files on exit
#
# Exit status: 0 when every run succeeded, 1 when any run failed (failed runs are reported and kept in the JSON but
# excluded from the statistics), 2 on bad usage.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sizes=${FERRY_BENCH_SIZES:-1GiB,4GiB}
reps=${FERRY_BENCH_REPS:-3}
tools=${FERRY_BENCH_TOOLS:-ferry,curl,aria2c,rclone}
ferry_bin=${FERRY_BIN:-$root/build/ferry}
concurrency=${FERRY_BENCH_CONCURRENCY:-8}
part_size=${FERRY_BENCH_PART_SIZE:-16MiB}
ferry_extra=${FERRY_BENCH_FERRY_ARGS:-}
streams=${FERRY_BENCH_STREAMS:-8}
data_dir=${FERRY_BENCH_DATA_DIR:-/tmp/ferry-bench-data}
out_base=${FERRY_BENCH_OUT_DIR:-/tmp/ferry-bench-out}
json_out=${FERRY_BENCH_JSON:-}
verify=${FERRY_BENCH_VERIFY:-first}
clean_data=0

usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    --ferry) ferry_bin=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --part-size) part_size=$2; shift 2 ;;
    --ferry-args) ferry_extra=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --out-dir) out_base=$2; shift 2 ;;
    --json) json_out=$2; shift 2 ;;
    --verify) verify=$2; shift 2 ;;
    --clean-data) clean_data=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "http_download.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "http_download.sh: $*" >&2; exit 2; }
[[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive integer"
[[ $streams =~ ^[1-9][0-9]*$ ]] || die "--streams must be a positive integer"
case "$verify" in first|all|none) ;; *) die "--verify must be first, all or none" ;; esac
IFS=, read -ra tool_list <<< "$tools"
[ ${#tool_list[@]} -gt 0 ] || die "--tools is empty"
for t in "${tool_list[@]}"; do
  case "$t" in ferry|curl|aria2c|rclone) ;; *) die "unknown tool '$t' (ferry, curl, aria2c, rclone)" ;; esac
done
if [[ ,$tools, == *,ferry,* ]]; then
  [ -x "$ferry_bin" ] || die "ferry binary not found at $ferry_bin (build it, or pass --ferry PATH)"
fi
ferry_args=(--no-progress --json --concurrency "$concurrency" --part-size "$part_size")
read -ra extra <<< "$ferry_extra"
ferry_args+=("${extra[@]}")

# Size parsing: K/M/G/T, KiB/MiB/GiB/TiB are binary, KB/MB/GB/TB decimal; a plain number is bytes.
bytes_of() {
  "$py" - "$1" <<'PY' || die "bad size '$1'"
import re, sys
m = re.fullmatch(r"\s*(\d+)\s*(?:([KMGT])(iB|B)?)?\s*", sys.argv[1], re.I)
if not m: sys.exit(1)
n, unit, suffix = int(m[1]), (m[2] or "").upper(), m[3] or ""
e = " KMGT".index(unit) if unit else 0
print(n * (1000 ** e if suffix.upper() == "B" else 1024 ** e))
PY
}
label_of() {  # 1073741824 -> 1GiB, 268435456 -> 256MiB, 1000000 -> 1000000B
  local n=$1 u
  for u in TiB:40 GiB:30 MiB:20 KiB:10; do
    if [ "$n" -ge $((1 << ${u#*:})) ] && [ $((n % (1 << ${u#*:}))) -eq 0 ]; then echo "$((n >> ${u#*:}))${u%:*}"; return; fi
  done
  echo "${n}B"
}

# 1. Tools: install only what is missing (apt-get update once, only then).
declare -A pkg_of=([nginx]=nginx [aria2c]=aria2 [rclone]=rclone [curl]=curl [/usr/bin/time]=time [openssl]=openssl
                   [python3]=python3 [cmp]=diffutils)
need=()
for cmd in "${!pkg_of[@]}"; do command -v "$cmd" >/dev/null 2>&1 || need+=("${pkg_of[$cmd]}"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Debian's interpreter when present: a pyenv shim costs seconds per start on a loaded machine.
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" -c 'import sys; sys.exit(sys.version_info < (3, 8))' || die "python3 >= 3.8 needed"

# Sizes, deduplicated, in the order given.
size_bytes=(); size_labels=()
IFS=, read -ra size_specs <<< "$sizes"
for s in "${size_specs[@]}"; do
  n=$(bytes_of "$s"); [ "$n" -gt 0 ] || die "size must be > 0: $s"
  l=$(label_of "$n")
  [[ " ${size_labels[*]} " == *" $l "* ]] && continue
  size_bytes+=("$n"); size_labels+=("$l")
done
largest=$(printf '%s\n' "${size_bytes[@]}" | sort -n | tail -1)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
[ -n "$json_out" ] || json_out=$here/results/http_download-$stamp.json
mkdir -p "$data_dir" "$out_base" "$(dirname "$json_out")"
work=$(mktemp -d /tmp/ferry-bench-work.XXXXXX)
out_dir=$(mktemp -d "$out_base/run.XXXXXX")
nginx_pid=""
cleanup() {
  local rc=$?
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$out_dir" "$work"
  rmdir "$out_base" 2>/dev/null || true
  if [ "$clean_data" = 1 ]; then
    for l in "${size_labels[@]}"; do rm -f "$data_dir/data-$l" "$data_dir/data-$l.tmp"; done
    rmdir "$data_dir" 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

avail_kib=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
if [ "$(( (largest * 2 + (512 << 20)) >> 10 ))" -gt "$avail_kib" ]; then
  echo "warning: MemAvailable ($((avail_kib >> 20)) GiB) is below twice the largest file: source reads may hit the disk" >&2
fi

# 2. Test data: deterministic, incompressible (AES-128-CTR keystream of zeros, ~GB/s), generated once and reused.
for i in "${!size_bytes[@]}"; do
  n=${size_bytes[$i]}; f=$data_dir/data-${size_labels[$i]}
  if [ -f "$f" ] && [ "$(stat -c %s "$f")" = "$n" ]; then continue; fi
  echo "generating ${size_labels[$i]} test file $f"
  head -c "$n" /dev/zero \
    | openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 \
    > "$f.tmp"
  [ "$(stat -c %s "$f.tmp")" = "$n" ] || die "generating $f failed"
  mv -f "$f.tmp" "$f"
done
# Source files in page cache (the server should not read the disk during a run).
for l in "${size_labels[@]}"; do cat "$data_dir/data-$l" > /dev/null; done

# 3. nginx on a free loopback port, own config and temp dirs.
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
user_line=""; [ "$(id -u)" = 0 ] && user_line="user root;"
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
$user_line
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65s; keepalive_requests 100000;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/tmp/body; proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi; uwsgi_temp_path $work/nginx/tmp/uwsgi; scgi_temp_path $work/nginx/tmp/scgi;
  server { listen 127.0.0.1:$port; root $data_dir; }
}
CONF
nginx -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
base_url=http://127.0.0.1:$port
ready=0
for _ in $(seq 100); do
  kill -0 "$nginx_pid" 2>/dev/null || break
  if curl -sf -o /dev/null -r 0-0 "$base_url/data-${size_labels[0]}"; then ready=1; break; fi
  sleep 0.05
done
[ "$ready" = 1 ] || { cat "$work/nginx/logs/error.log" >&2; die "nginx did not start"; }
echo "nginx pid $nginx_pid serving $data_dir on $base_url"

clk_tck=$(getconf CLK_TCK)
server_ticks() {  # utime + stime of the nginx master and its workers
  local pids p t=0
  pids="$nginx_pid $(cat /proc/"$nginx_pid"/task/*/children 2>/dev/null || true)"
  for p in $pids; do
    t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' /proc/"$p"/stat 2>/dev/null || echo 0)))
  done
  echo "$t"
}

# 4. First touch of guest memory is expensive (docs/benchmarking.md): dirty more page cache than the largest
#    download, on the output filesystem, then free it.
touch_bytes=$((largest + (512 << 20)))
echo "touching $(label_of $(( (touch_bytes >> 20) << 20 ))) of page cache first"
dd if=/dev/zero of="$out_dir/touch" bs=16M count=$((touch_bytes >> 24)) status=none
rm -f "$out_dir/touch"; sync

# 5. The runs.
command_for() {  # tool url dst -> the argv, one per line (printed into the JSON too)
  local tool=$1 url=$2 dst=$3
  case "$tool" in
    ferry) printf '%s\n' "$ferry_bin" cp "$url" "$dst" "${ferry_args[@]}" ;;
    curl) printf '%s\n' curl -sS --fail -o "$dst" "$url" ;;
    aria2c) printf '%s\n' aria2c -q -x"$streams" -s"$streams" -k1M --allow-overwrite=true --file-allocation=none \
              --auto-file-renaming=false --check-certificate=false -d "$(dirname "$dst")" -o "$(basename "$dst")" "$url" ;;
    # copyurl streams one GET; copyto through an :http: remote uses rclone's multi-thread ranged download into the
    # local file (confirmed per run by the "Multi-thread Copied" log line, recorded as rclone_multi_thread).
    rclone) printf '%s\n' env -u AWS_CA_BUNDLE RCLONE_CONFIG="$work/rclone.conf" rclone copyto -v --stats 0 \
              --http-url "$base_url" ":http:$(basename "$url")" "$dst" \
              --multi-thread-streams "$streams" --multi-thread-cutoff 1M ;;
  esac
}
: > "$work/rclone.conf"

runs=$work/runs.jsonl
: > "$runs"
failed=0
record() {  # key=value ... -- argv...: one JSON object per line (json:/num: prefixes parse the value)
  "$py" - "$@" >> "$runs" <<'PY'
import json, sys
r = {}
args = sys.argv[1:]
cut = args.index("--")
for kv in args[:cut]:
    k, v = kv.split("=", 1)
    if k.startswith("json:"):
        k = k[5:]
        try: v = json.loads(v) if v else None
        except ValueError: pass
    elif k.startswith("num:"):
        k = k[4:]; v = float(v) if v else None
    r[k] = v
r["command"] = args[cut + 1:]
print(json.dumps(r))
PY
}

run_one() {  # tool label bytes rep
  local tool=$1 label=$2 n=$3 rep=$4 url="$base_url/data-$2" dst="$out_dir/out-$1-$2"
  local -a cmd
  mapfile -t cmd < <(command_for "$tool" "$url" "$dst")
  rm -f "$dst" "$dst.aria2" "$dst.ferry-part"
  local s0 s1 t0 t1 rc=0
  s0=$(server_ticks)
  t0=$EPOCHREALTIME
  /usr/bin/time -o "$work/time" -f '%e %U %S %M' "${cmd[@]}" > "$work/stdout" 2> "$work/stderr" || rc=$?
  t1=$EPOCHREALTIME
  s1=$(server_ticks)
  local wall user sys rss status=ok reason=""
  read -r _ user sys rss < <(tail -1 "$work/time") || true
  # wall: /usr/bin/time's %e (the client process, 10 ms resolution); outer: EPOCHREALTIME around it (adds
  # /usr/bin/time's own fork and exec, tens of ms on a loaded machine).
  local outer_us=$(( ${t1/./} - ${t0/./} )) wall_cs
  wall=$(sed -n '$s/^\([0-9.]*\) .*/\1/p' "$work/time")
  [[ $wall =~ ^[0-9]+\.[0-9]{2}$ ]] || wall=$(printf '%d.%02d' $((outer_us / 1000000)) $((outer_us % 1000000 / 10000)))
  wall_cs=$((10#${wall/./}))
  local got=-1
  [ -f "$dst" ] && got=$(stat -c %s "$dst")
  if [ "$rc" != 0 ]; then
    status=failed; reason="exit $rc: $(grep -v '^Command exited' "$work/stderr" | tail -3 | tr '\n' ' ')"
  elif [ "$got" != "$n" ]; then
    status=failed; reason="wrote $got bytes, expected $n"
  fi
  local verified=false
  if [ "$status" = ok ] && { [ "$verify" = all ] || { [ "$verify" = first ] && [ "$rep" = 1 ]; }; }; then
    if cmp -s "$dst" "$data_dir/data-$label"; then verified=true; else status=failed; reason="content differs from source"; fi
  fi
  local tool_json="" multi=""
  if [ "$tool" = ferry ]; then
    tool_json=$(head -1 "$work/stdout")
    local bytes_pat='"bytes": ?'"$n"'[,} ]'
    if [ "$status" = ok ] && ! [[ $tool_json =~ $bytes_pat ]]; then
      status=failed; reason="ferry --json did not report $n bytes: $tool_json"
    fi
  fi
  if [ "$tool" = rclone ]; then
    grep -q 'Multi-thread Copied' "$work/stderr" && multi=true || multi=false
  fi
  rm -f "$dst" "$dst.aria2" "$dst.ferry-part"
  sync
  local mbs=$(( n / 10000 / (wall_cs > 0 ? wall_cs : 1) ))
  if [ "$status" = ok ]; then
    printf '  %-7s %-7s rep %d: %7.2f s %7s MB/s  user %5.2f  sys %5.2f  rss %6d KiB%s\n' "$label" "$tool" "$rep" \
      "$wall" "$mbs" "$user" "$sys" "$rss" "$([ -n "$multi" ] && echo "  multi-thread=$multi")"
  else
    failed=1
    printf '  %-7s %-7s rep %d: FAILED (%s)\n' "$label" "$tool" "$rep" "$reason" >&2
  fi
  record tool="$tool" size="$label" json:bytes="$n" json:rep="$rep" status="$status" reason="$reason" \
    num:wall_s="$wall" num:outer_wall_s="$(printf '%d.%06d' $((outer_us / 1000000)) $((outer_us % 1000000)))" num:user_s="$user" \
    num:sys_s="$sys" json:peak_rss_kib="$rss" json:exit_code="$rc" \
    json:server_cpu_ticks="$((s1 - s0))" json:clk_tck="$clk_tck" json:verified_cmp="$verified" \
    json:rclone_multi_thread="$multi" json:ferry_report="$tool_json" \
    -- "${cmd[@]}"
}

loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "runs: sizes ${size_labels[*]}, $reps reps, tools ${tool_list[*]} (interleaved), load average $loadavg_start"
for i in "${!size_bytes[@]}"; do
  for rep in $(seq "$reps"); do
    for tool in "${tool_list[@]}"; do
      run_one "$tool" "${size_labels[$i]}" "${size_bytes[$i]}" "$rep"
    done
  done
done
loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)

# 6. Summary and JSON (values passed through the environment, never spliced into code).
tool_version() { "$@" 2>&1 | head -1 || true; }
B_STAMP=$stamp B_LOAD0=$loadavg_start B_LOAD1=$loadavg_end B_FS=$(stat -f -c %T "$out_dir")
B_V_FERRY=$( { [ -x "$ferry_bin" ] && tool_version "$ferry_bin" --version; } || true)
B_V_CURL=$(tool_version curl --version) B_V_ARIA2C=$(tool_version aria2c --version)
B_V_RCLONE=$(tool_version rclone version) B_V_NGINX=$(tool_version nginx -v) B_V_OPENSSL=$(tool_version openssl version)
B_GIT=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
B_GIT_DIRTY=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | head -c1)
B_SIZES="${size_labels[*]}" B_TOOLS="${tool_list[*]}" B_REPS=$reps B_STREAMS=$streams B_FERRY=$ferry_bin
B_VERIFY=$verify B_DATA=$data_dir
export B_STAMP B_LOAD0 B_LOAD1 B_FS B_V_FERRY B_V_CURL B_V_ARIA2C B_V_RCLONE B_V_NGINX B_V_OPENSSL B_GIT B_GIT_DIRTY \
  B_SIZES B_TOOLS B_REPS B_STREAMS B_FERRY B_VERIFY B_DATA
B_FERRY_ARGS=$("$py" -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "${ferry_args[@]}"); export B_FERRY_ARGS
"$py" - "$runs" "$json_out" <<'PY'
import json, os, platform, statistics, sys
E = os.environ
runs_path, out = sys.argv[1:3]
runs = [json.loads(l) for l in open(runs_path)]
for r in runs:
    ok = r["status"] == "ok"
    w = r["wall_s"] or r["outer_wall_s"]   # %e rounds a very short run to 0.00
    r["mb_per_s"] = r["bytes"] / w / 1e6 if ok else None
    r["cpu_s_per_gib"] = ((r["user_s"] or 0) + (r["sys_s"] or 0)) / (r["bytes"] / 2**30) if ok else None
    r["server_cpu_s"] = r.pop("server_cpu_ticks") / r.pop("clk_tck")
    r["server_cpu_s_per_gib"] = r["server_cpu_s"] / (r["bytes"] / 2**30) if ok else None
streams = int(E["B_STREAMS"])
config = dict(sizes=E["B_SIZES"].split(), reps=int(E["B_REPS"]), tools=E["B_TOOLS"].split(), streams=streams,
              ferry_binary=E["B_FERRY"], ferry_args=json.loads(E["B_FERRY_ARGS"]), verify=E["B_VERIFY"],
              data_dir=E["B_DATA"], order="interleaved: for each size, for each rep, every tool in order",
              nginx="1 worker, sendfile on, tcp_nopush, keepalive, access_log off, 127.0.0.1",
              rclone_mode=f"copyto from an :http: remote (--http-url) with --multi-thread-streams {streams} "
                          "--multi-thread-cutoff 1M; copyurl would be a single stream",
              timing="wall, user, sys, peak RSS of the client: /usr/bin/time -f '%e %U %S %M'; outer_wall_s: bash "
                     "EPOCHREALTIME around /usr/bin/time; server: nginx utime+stime from /proc")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:"))
try: os_name = platform.freedesktop_os_release().get("PRETTY_NAME", "")
except Exception: os_name = ""
machine = dict(nproc=os.cpu_count(), kernel=platform.release(), os=os_name, cpu_model=cpu,
               mem_total_gib=round(mem / 2**20, 1), output_fs=E["B_FS"],
               loadavg_start=E["B_LOAD0"], loadavg_end=E["B_LOAD1"],
               versions=dict(ferry=E["B_V_FERRY"], curl=E["B_V_CURL"], aria2c=E["B_V_ARIA2C"],
                             rclone=E["B_V_RCLONE"], nginx=E["B_V_NGINX"], openssl=E["B_V_OPENSSL"],
                             python=platform.python_version()),
               ferry_git_commit=E["B_GIT"], ferry_git_dirty=bool(E["B_GIT_DIRTY"]))
summary = {}
for size in config["sizes"]:
    rows = {}
    for tool in config["tools"]:
        rs = [r for r in runs if r["size"] == size and r["tool"] == tool]
        ok = [r for r in rs if r["status"] == "ok"]
        row = dict(runs=len(rs), ok=len(ok))
        if ok:
            row.update(best_mb_per_s=max(r["mb_per_s"] for r in ok),
                       median_mb_per_s=statistics.median(r["mb_per_s"] for r in ok),
                       median_wall_s=statistics.median(r["wall_s"] for r in ok),
                       median_cpu_s_per_gib=statistics.median(r["cpu_s_per_gib"] for r in ok),
                       best_cpu_s_per_gib=min(r["cpu_s_per_gib"] for r in ok),
                       peak_rss_mib=max(r["peak_rss_kib"] for r in ok) / 1024,
                       median_server_cpu_s_per_gib=statistics.median(r["server_cpu_s_per_gib"] for r in ok))
        if tool == "rclone":
            row["multi_thread"] = all(r.get("rclone_multi_thread") for r in ok) if ok else None
        rows[tool] = row
    f = rows.get("ferry", {}).get("median_mb_per_s")
    for tool, row in rows.items():
        m = row.get("median_mb_per_s")
        row["ferry_ratio"] = f / m if f and m else None   # ferry median MB/s / tool median MB/s
    summary[size] = rows
doc = dict(benchmark="http_download", started_utc=E["B_STAMP"], machine=machine, config=config, summary=summary,
           runs=runs)
with open(out, "w") as fh:
    json.dump(doc, fh, indent=2); fh.write("\n")

def num(v, fmt): return "-".rjust(int(fmt.split(".")[0])) if v is None else format(v, fmt)
print()
print(f"HTTP download, nginx on loopback -> file on disk; {config['reps']} interleaved reps; MB/s = 10^6 B/s")
if "ferry" in config["tools"]:
    print(f"  ferry cp {' '.join(config['ferry_args'])}")
peers = dict(curl="curl (1 stream)", aria2c=f"aria2c -x{streams} -s{streams} -k1M",
             rclone=f"rclone copyto :http: --multi-thread-streams {streams}")
if any(t in peers for t in config["tools"]):
    print("  " + "; ".join(peers[t] for t in config["tools"] if t in peers))
hdr = (f"{'size':>7} {'tool':>7} {'ok':>4} {'best MB/s':>10} {'med MB/s':>9} {'CPU-s/GiB':>10} {'RSS MiB':>8} "
       f"{'nginx CPU-s/GiB':>16} {'ferry/tool':>11}")
print(hdr); print("-" * len(hdr))
for size, rows in summary.items():
    for tool, row in rows.items():
        note = ""
        if tool == "rclone" and row.get("multi_thread") is not None:
            note = "  (multi-thread)" if row["multi_thread"] else "  (NOT multi-thread)"
        print(f"{size:>7} {tool:>7} {str(row['ok']) + '/' + str(row['runs']):>4} {num(row.get('best_mb_per_s'), '10.0f')} "
              f"{num(row.get('median_mb_per_s'), '9.0f')} {num(row.get('median_cpu_s_per_gib'), '10.2f')} "
              f"{num(row.get('peak_rss_mib'), '8.1f')} {num(row.get('median_server_cpu_s_per_gib'), '16.2f')} "
              f"{num(row.get('ferry_ratio'), '11.2f')}{note}")
print("CPU-s/GiB: client user+sys, median. ferry/tool: ratio of median MB/s. ferry fsyncs before its rename; "
      "the others do not.")
print(f"load average {machine['loadavg_start']} at start, {machine['loadavg_end']} at end on {machine['nproc']} cores "
      "(other work skews the numbers; treat ±10% as noise)")
for r in runs:
    if r["status"] != "ok":
        print(f"FAILED: {r['size']} {r['tool']} rep {r['rep']}: {r['reason']}")
print(f"results: {out}")
PY
exit "$failed"
