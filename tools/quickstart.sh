#!/usr/bin/env bash
# Quick start: from a fresh Debian 12 checkout to a running broker.
#
#   tools/quickstart.sh [QUIVER_SERVER_FLAG...]
#
#   1. installs the Debian packages the build needs (tools/install_deps.sh: apt-get, as root or
#      through sudo, only when something is missing);
#   2. builds everything (bazel build //...) and an optimised quiver-server (--config=opt);
#   3. runs quiver-server in the foreground: clients on nats://127.0.0.1:4222, monitoring on
#      http://127.0.0.1:8222, JetStream requested with its store in ./data (the broker logs that
#      JetStream is not in this build yet and serves core NATS). Ctrl-C stops it.
#
# Extra arguments are passed to quiver-server after the defaults (e.g. `-p 4333` or `-DV`).
# Knobs: QV_BAZEL_STARTUP / QV_BAZEL_FLAGS (see tools/lib.sh).
set -euo pipefail

# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$(qv_root)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

step "1/3 dependencies (tools/install_deps.sh)"
bash tools/install_deps.sh
command -v bazel >/dev/null || qv_die "bazel is not on PATH after installing bazel-bootstrap"

step "2/3 build: bazel build //..."
build_ok=1
# --keep_going: build everything that can be built, then report what could not.
mapfile -t everything < <(qv_all_targets)
if ! qv_bazel build --keep_going --nosandbox_debug -- "${everything[@]}" 2>&1 | qv_bazel_filter; then
  build_ok=0
fi

server_label="//server:quiver-server"
bin=""
if qv_bazel_query "$server_label" >/dev/null 2>&1; then
  step "2/3 build: optimised $server_label (--config=opt)"
  if qv_bazel build --config=opt --nosandbox_debug "$server_label" 2>&1 | qv_bazel_filter; then
    bin="$(qv_bazel info --config=opt bazel-bin 2>/dev/null)/server/quiver-server"
    [ -x "$bin" ] || qv_die "built $server_label but found no binary at $bin"
  else
    qv_die "$server_label failed to build (errors above)"
  fi
fi

if [ -z "$bin" ]; then
  printf '\n'
  if [ "$build_ok" -eq 1 ]; then
    echo "quiver-server is not built yet; everything else built."
  else
    echo "quiver-server is not built yet; the rest was built except the failures above."
  fi
  scope="$(printf '%s + ' "${everything[@]}" | sed 's/ + $//')"
  tests=$(qv_bazel_query --keep_going "tests($scope)" 2>/dev/null | grep -c '^//' || true)
  binaries="$(qv_bazel_query --keep_going "kind('cc_binary rule', $scope)" 2>/dev/null || true)"
  echo "Built: ${tests} test targets (run them with tools/test.sh) and binaries: ${binaries:-(none)}" |
    tr '\n' ' '
  echo
  [ "$build_ok" -eq 1 ] || exit 1
  exit 0
fi

if [ "$build_ok" -eq 0 ]; then
  echo "warning: some targets failed to build (see above); starting quiver-server anyway." >&2
fi

# Without extra flags the default ports are used: say so clearly if they are taken.
if [ $# -eq 0 ]; then
  for port in 4222 8222; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      qv_die "port $port is already in use (another NATS server?). Stop it, or pass other ports: tools/quickstart.sh -p 4333 -m 8333"
    fi
  done
fi

mkdir -p data
step "3/3 run: quiver-server --js --store_dir ./data -m 8222 $*"
if [ $# -eq 0 ]; then
  echo "    clients:    nats://127.0.0.1:4222"
  echo "    monitoring: http://127.0.0.1:8222/varz"
else
  echo "    ports: 4222 (clients) and 8222 (monitoring) unless your flags override them: $*"
fi
echo "    JetStream store: $root/data (fsync before every publish ack; see docs/storage.md)"
echo "    Ctrl-C stops the server. Next: tools/test.sh runs the whole test suite."
exec "$bin" --js --store_dir ./data -m 8222 "$@"
