#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root, or with sudo available):
#   bash cmake/setup.sh main   install packages, build, run the main job on the embedded default
#   bash cmake/setup.sh test   install packages, build (Release and Debug+ASan/UBSan), run every test suite
#   bash cmake/setup.sh deps   only install packages (idempotent, seconds when all are present)
#   bash cmake/setup.sh peers  only install what the tests compare with (python3-botocore, Node SDKs in .peers/)
#   bash cmake/setup.sh build  only configure and build Release into build/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

packages=(cmake ninja-build g++ pkg-config ccache mold
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
  libssl-dev libxxhash-dev libzstd-dev libcli11-dev libpugixml-dev ca-certificates)

# Only the tests need these: botocore and the Azure/Google SDKs (npm, below) are the independent references the
# presign tests compare with.
test_packages=(python3 python3-botocore)
sdk_peers=(@azure/storage-blob@12.17.0 @google-cloud/storage@7.7.0)  # versions that run on Debian 12's Node 18

install_sdk_peers() {  # into .peers/ (gitignored); tests/integration/presign_sdk_crosscheck.cpp loads them
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing nodejs npm"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  local stamp="$root/.peers/.installed-$(echo "${sdk_peers[*]}" | tr ' /@' '_.+')"
  [ -f "$stamp" ] && return 0
  mkdir -p "$root/.peers"
  echo "setup: npm install ${sdk_peers[*]} into .peers/"
  [ -f "$root/.peers/package.json" ] || echo '{"private":true}' >"$root/.peers/package.json"
  if (cd "$root/.peers" && npm install --no-audit --no-fund --loglevel=error "${sdk_peers[@]}" >/dev/null); then
    touch "$stamp"
  else
    echo "setup: npm install failed; the SDK cross-check tests will say they are skipped" >&2
  fi
}

install_deps() {  # install_deps [extra packages...]
  local missing=()
  for p in "${packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {  # build DIR [extra cmake args...]
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

main_job() {
  build "$root/build" -DCMAKE_BUILD_TYPE=Release
  bash "$root/cmake/main-job.sh" "$root/build"
}

run_tests() {
  build "$root/build" -DCMAKE_BUILD_TYPE=Release
  echo "setup: running the test suites (Release)"
  (cd "$root/build" && ctest --output-on-failure -j "$(nproc)")
  build "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DFERRY_SANITIZE=ON
  echo "setup: running the test suites (Debug + AddressSanitizer/UndefinedBehaviorSanitizer)"
  (cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$(nproc)")
}

case "${1:-}" in
  deps) install_deps ;;
  peers) install_deps "${test_packages[@]}"; install_sdk_peers ;;
  build) install_deps; build "$root/build" -DCMAKE_BUILD_TYPE=Release ;;
  main) install_deps; main_job ;;
  test) install_deps "${test_packages[@]}"; install_sdk_peers; run_tests ;;
  *) echo "usage: bash cmake/setup.sh main|test|deps|build" >&2; exit 2 ;;
esac
