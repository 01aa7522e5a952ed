#!/usr/bin/env bash
# Runs the conformance suite against one broker command, for CI and Bazel.
#
#   run_conformance.sh --server-cmd 'CMD with {port} [{config} {http_port} {store} {host}]'
#                      [--cluster-cmd 'CMD with {port} {cluster_port} {routes} [{name}]']
#                      [--runner PATH] [any other runner argument...]
#
# Everything but --runner goes to the runner unchanged. Under Bazel the JUnit report goes to
# $XML_OUTPUT_FILE (Bazel shows it as the test's result) and broker configs and logs to
# $TEST_UNDECLARED_OUTPUTS_DIR. Exit status is the runner's: 0 when no case failed.
set -uo pipefail

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

runner=""
args=()
have_server_cmd=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runner) runner="${2:-}"; shift 2 ;;
    --runner=*) runner="${1#*=}"; shift ;;
    -h | --help) usage ;;
    --server-cmd | --server-cmd=*) have_server_cmd=1; args+=("$1"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[ "$have_server_cmd" = 1 ] || { echo "run_conformance: --server-cmd is required" >&2; usage; }

if [ -z "$runner" ]; then
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  runner="$here/conformance"
fi
[ -x "$runner" ] || { echo "run_conformance: runner not found at $runner (pass --runner)" >&2; exit 2; }

if [ -n "${XML_OUTPUT_FILE:-}" ]; then
  args+=("--junit" "$XML_OUTPUT_FILE")
elif [ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]; then
  args+=("--junit" "$TEST_UNDECLARED_OUTPUTS_DIR/conformance.xml")
fi
if [ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]; then
  args+=("--work-dir" "$TEST_UNDECLARED_OUTPUTS_DIR/brokers")
fi

exec "$runner" "${args[@]}"
