#!/usr/bin/env bash
# Runs the third-party client interop tests (nats.c and nats.js) against NATS servers.
#
#   run_interop.sh [--server-cmd 'CMD with {port}'] [--js-server-cmd 'CMD with {port} {store_dir}']
#                  [--name NAME] [--only c|js] [--natsc PATH] [--natsc-js PATH]
#                  [--js-package PATH/package.json]
#
# --server-cmd runs the core suites (natsc_interop, js/test/*.test.mjs except js_*);
# --js-server-cmd runs the JetStream suites (natsc_js_interop, js/test/js_*.test.mjs) against a
# JetStream-enabled server; at least one is required, both run one after the other. Each CMD
# starts with {port} replaced by a free port on 127.0.0.1 and {store_dir} by a fresh temporary
# directory (removed afterwards); the script waits until it accepts, runs the tests against
# nats://127.0.0.1:PORT, stops the server by its pid (also on failure or ^C) and finally prints
# `interop(NAME): N passed, M failed`. Exit status 0 only when nothing failed.
#
# Under Bazel (//testing/interop:interop_*_test) --natsc, --natsc-js and --js-package come from
# the runfiles. Standalone, the nats.c tests are compiled with c++ into a cache directory and
# the nats.js tests run from the source tree after js/install.sh (npm ci) when needed.
set -uo pipefail

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

server_cmd=""
js_server_cmd=""
name="server"
only="all"
natsc=""
natsc_js=""
js_package=""
while [ $# -gt 0 ]; do
  case "$1" in
    --server-cmd) server_cmd="${2:-}"; shift 2 ;;
    --server-cmd=*) server_cmd="${1#*=}"; shift ;;
    --js-server-cmd) js_server_cmd="${2:-}"; shift 2 ;;
    --js-server-cmd=*) js_server_cmd="${1#*=}"; shift ;;
    --name) name="${2:-}"; shift 2 ;;
    --name=*) name="${1#*=}"; shift ;;
    --only) only="${2:-}"; shift 2 ;;
    --only=*) only="${1#*=}"; shift ;;
    --natsc) natsc="${2:-}"; shift 2 ;;
    --natsc=*) natsc="${1#*=}"; shift ;;
    --natsc-js) natsc_js="${2:-}"; shift 2 ;;
    --natsc-js=*) natsc_js="${1#*=}"; shift ;;
    --js-package) js_package="${2:-}"; shift 2 ;;
    --js-package=*) js_package="${1#*=}"; shift ;;
    -h | --help) usage ;;
    *) echo "run_interop: unknown argument: $1" >&2; usage ;;
  esac
done
if [ -z "$server_cmd" ] && [ -z "$js_server_cmd" ]; then
  echo "run_interop: --server-cmd or --js-server-cmd is required" >&2
  usage
fi
for cmd in "$server_cmd" "$js_server_cmd"; do
  if [ -n "$cmd" ] && [[ "$cmd" != *"{port}"* ]]; then
    echo "run_interop: a server command must contain {port}: $cmd" >&2
    usage
  fi
done
case "$only" in all | c | js) ;; *) echo "run_interop: --only takes c or js" >&2; usage ;; esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]; then
  work="$TEST_UNDECLARED_OUTPUTS_DIR"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX")"
fi

passed=0
failed=0
failures=()
server_pid=""
store_dir=""

remove_store_dir() {
  [ -n "$store_dir" ] || return 0
  rm -rf -- "$store_dir"
  store_dir=""
}

stop_server() {
  [ -n "$server_pid" ] || { remove_store_dir; return 0; }
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    # Bounded: a server that ignores SIGTERM for 5 s gets SIGKILL.
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null
  fi
  wait "$server_pid" 2>/dev/null
  server_pid=""
  # The store is removed only once the server that wrote it is gone.
  remove_store_dir
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
    return
  fi
  # Without python: a random high port that nothing accepts on.
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  return 1
}

# Starts the server command $1. Returns 1 if it exits during startup (perhaps the port was
# taken: worth a retry), 2 if it does not accept within 10 s.
start_server() {
  port="$(free_port)" || { echo "run_interop: no free port" >&2; return 1; }
  local cmd="${1//\{port\}/$port}"
  if [[ "$cmd" == *"{store_dir}"* ]]; then
    store_dir="$(mktemp -d "${TMPDIR:-/tmp}/interop-store.XXXXXX")" || {
      echo "run_interop: cannot create a store directory" >&2
      return 2
    }
    cmd="${cmd//\{store_dir\}/$store_dir}"
  fi
  server_log="$work/server-$port.log"
  echo "run_interop: starting: $cmd" >&2
  # exec: $! is the server itself, so stop_server signals the server, not a wrapper shell.
  bash -c "exec $cmd" >"$server_log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + 10))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      wait "$server_pid" 2>/dev/null
      echo "run_interop: server exited during startup; log:" >&2
      tail -n 20 "$server_log" >&2
      server_pid=""
      remove_store_dir
      return 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  echo "run_interop: server did not accept on 127.0.0.1:$port within 10 s; log:" >&2
  tail -n 20 "$server_log" >&2
  stop_server
  return 2
}

record() { # part pass fail
  passed=$((passed + $2))
  failed=$((failed + $3))
  [ "$3" -eq 0 ] || failures+=("$1")
  echo "run_interop: $1: $2 passed, $3 failed" >&2
}

# Runs a gtest interop program: run_natsc PART BINARY SOURCE. BINARY empty means standalone:
# compile SOURCE (the same file Bazel builds, with the same warning flags) into a cache.
run_natsc() {
  local part="$1" bin="$2" src="$here/$3"
  if [ -z "$bin" ]; then
    local cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/quiver-interop"
    bin="$cache/$(basename "$src" _test.cc)"
    mkdir -p "$cache"
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
      echo "run_interop: compiling $bin" >&2
      if ! c++ -std=c++20 -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
        -Wno-missing-field-initializers "$src" -o "$bin" \
        -lnats -lgtest -lgtest_main -lpthread; then
        record "$part" 0 1
        return
      fi
    fi
  fi
  local out="$work/$part.log"
  "$bin" --gtest_color=no 2>&1 | tee "$out" >&2
  local rc=${PIPESTATUS[0]}
  local ok fail
  ok=$(grep -c '^\[       OK \] ' "$out")
  # Only the per-test lines carry a duration; the final list repeats the names without one.
  fail=$(grep -cE '^\[  FAILED  \] .* \([0-9]+ ms\)$' "$out")
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    echo "run_interop: $(basename "$bin") exited with $rc without a failed test (crash?)" >&2
    fail=1
  fi
  if [ "$rc" -eq 0 ] && [ "$ok" -eq 0 ]; then
    echo "run_interop: $(basename "$bin") ran no tests" >&2
    fail=1
  fi
  record "$part" "$ok" "$fail"
}

# Runs the nats.js tests of one suite: run_js PART core|jetstream. JetStream test files are
# named js_*.test.mjs; the core suite is every other *.test.mjs.
run_js() {
  local part="$1" suite="$2"
  local js_dir
  if [ -n "$js_package" ]; then
    # Bazel's runfiles hold symlinks to the source files; node_modules lives next to the real
    # package.json in the source tree, where install.sh put it.
    js_dir="$(dirname "$(readlink -f "$js_package")")"
  else
    js_dir="$here/js"
  fi
  local install_args=()
  # Inside a Bazel test there is no network and the source tree is read-only: only check.
  [ -n "${TEST_SRCDIR:-}" ] && install_args=(--check)
  if ! "$js_dir/install.sh" "${install_args[@]}"; then
    record "$part" 0 1
    return
  fi
  if ! command -v node >/dev/null 2>&1; then
    echo "run_interop: node not found" >&2
    record "$part" 0 1
    return
  fi
  local files=() f
  for f in "$js_dir"/test/*.test.mjs; do
    case "$(basename "$f")" in
      js_*) [ "$suite" = jetstream ] && files+=("test/$(basename "$f")") ;;
      *) [ "$suite" = core ] && files+=("test/$(basename "$f")") ;;
    esac
  done
  if [ "${#files[@]}" -eq 0 ]; then
    echo "run_interop: no $suite test files in $js_dir/test" >&2
    record "$part" 0 1
    return
  fi
  local out="$work/$part.tap"
  (cd "$js_dir" && node --test --test-reporter=tap "${files[@]}") 2>&1 | tee "$out" >&2
  local rc=${PIPESTATUS[0]}
  local ok fail cancelled
  ok=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
  cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$out" | tail -n 1)
  ok=${ok:-0}
  fail=$((${fail:-0} + ${cancelled:-0}))
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    echo "run_interop: node --test exited with $rc without a failed test" >&2
    fail=1
  fi
  if [ "$rc" -eq 0 ] && [ "$ok" -eq 0 ]; then
    echo "run_interop: node --test ran no tests" >&2
    fail=1
  fi
  record "$part" "$ok" "$fail"
}

# The free port is only reserved until python closes it; retry if another process took it.
# Returns 0 with the server running and NATS_URL set.
start_with_retries() {
  local cmd="$1" rc
  for _ in 1 2 3; do
    start_server "$cmd"
    rc=$?
    case $rc in
      0)
        export NATS_URL="nats://127.0.0.1:$port"
        echo "run_interop: server pid $server_pid at $NATS_URL" >&2
        return 0
        ;;
      2) return 1 ;;
    esac
  done
  return 1
}

# Runs one phase: run_phase LABEL CMD PARTS, where PARTS is the function running the tests.
run_phase() {
  local label="$1" cmd="$2" parts="$3"
  if ! start_with_retries "$cmd"; then
    echo "run_interop: the $label server did not start" >&2
    record "$label-server" 0 1
    return
  fi
  "$parts"
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run_interop: the $label server died during the tests; log:" >&2
    tail -n 20 "$server_log" >&2
    record "$label-server" 0 1
  fi
  stop_server
}

core_parts() {
  [ "$only" = "js" ] || run_natsc natsc "$natsc" natsc_interop_test.cc
  [ "$only" = "c" ] || run_js nats.js core
}

jetstream_parts() {
  [ "$only" = "js" ] || run_natsc natsc-jetstream "$natsc_js" natsc_js_interop_test.cc
  [ "$only" = "c" ] || run_js nats.js-jetstream jetstream
}

[ -z "$server_cmd" ] || run_phase core "$server_cmd" core_parts
[ -z "$js_server_cmd" ] || run_phase jetstream "$js_server_cmd" jetstream_parts

echo "interop($name): $passed passed, $failed failed${failures[*]:+ (failing: ${failures[*]})}"
echo "run_interop: logs in $work" >&2
[ "$failed" -eq 0 ]
