#!/usr/bin/env bash
# The whole test suite: what CI runs (.ci/run) and the README's second command.
#
#   tools/test.sh                      every stage, all tests (unit, integration, interop, fuzz
#                                      corpus replay, conformance)
#   tools/test.sh --config=asan-clang  extra flags go to `bazel test`
#   tools/test.sh //codec/...          targets replace //... (the other stages still run)
#
# Stages, all run even when an earlier one fails:
#   1. deps     tools/install_deps.sh (apt-get only when a package is missing)
#   2. format   clang-format --dry-run -Werror over every *.h/*.cc (tools/format.sh --check)
#   3. lint     the ban list (tools/lint_bans.sh)
#   4. bazel    bazel test --keep_going over //... (chaos-tagged tests excluded: they are long
#               and run on their own)
#   5. extra    the hook section below
# The output ends with Bazel's own test summary and one line `N passed, M failed`: N/M count
# test targets, read from Bazel's build event file; M also counts non-test targets that failed
# to build, packages that failed to load and failed stages. Exit status 0 only when M is 0.
#
# Knobs: QV_BAZEL_STARTUP / QV_BAZEL_FLAGS (see tools/lib.sh); CI=true for CI-friendly output.
set -uo pipefail

# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$(qv_root)"
cd "$root" || exit 1

bazel_flags=()
targets=()
for arg in "$@"; do
  case "$arg" in
    -*) bazel_flags+=("$arg") ;;
    *) targets+=("$arg") ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then mapfile -t targets < <(qv_all_targets); fi
if [ "${CI:-}" = "true" ]; then
  # No progress bar in a log; print full command lines of failed actions.
  bazel_flags=(--curses=no --color=no --show_progress_rate_limit=30 --verbose_failures
    "${bazel_flags[@]}")
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/quiver-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

stage_names=()
stage_results=()
failed_stages=0

# run_stage NAME DESCRIPTION COMMAND... : runs the command with its output streamed, records
# ok/FAILED and the time taken.
run_stage() {
  local name="$1" desc="$2"
  shift 2
  local n=$((${#stage_names[@]} + 1))
  printf '\n==> [%d] %s: %s\n' "$n" "$name" "$desc"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  local took=$((SECONDS - start))
  stage_names+=("$name")
  if [ "$rc" -eq 0 ]; then
    stage_results+=("ok (${took}s)")
  else
    stage_results+=("FAILED (exit $rc, ${took}s)")
    failed_stages=$((failed_stages + 1))
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# Stages 1-3: tools and hygiene.
run_stage deps "tools/install_deps.sh" bash tools/install_deps.sh
run_stage format "clang-format --dry-run -Werror on all C++ files" bash tools/format.sh --check
run_stage lint "banned constructs (tools/lint_bans.sh)" bash tools/lint_bans.sh

# ---------------------------------------------------------------------------------------------
# Stage 4: every Bazel test. Its result is counted per target (below), not as a stage.
bazel_log="$work/bazel.log"
bep="$work/bep.json"
printf '\n==> [%d] bazel: bazel test --keep_going %s %s\n' "$((${#stage_names[@]} + 1))" \
  "${bazel_flags[*]}" "${targets[*]}"
bazel_start=$SECONDS
qv_bazel test --keep_going --test_summary=short --test_tag_filters=-chaos --nosandbox_debug \
  --build_event_json_file="$bep" "${bazel_flags[@]}" -- "${targets[@]}" 2>&1 |
  qv_bazel_filter | tee "$bazel_log"
bazel_rc=${PIPESTATUS[0]}
bazel_took=$((SECONDS - bazel_start))

# ---------------------------------------------------------------------------------------------
# Stage 5: HOOK SECTION (lead). Suites that are not Bazel tests go here, one run_stage line
# each; they run after the Bazel stage, so the binaries it built are in the cache. The
# conformance suite and the interop runs are Bazel tests (//conformance/..., //testing/interop/...)
# and already ran in stage 4. Example:
#   run_stage conformance-ref "conformance suite vs nats-server" \
#     qv_bazel run //conformance:runner -- --broker=/usr/sbin/nats-server
# --- begin hook stages ---
# --- end hook stages ---

# ---------------------------------------------------------------------------------------------
# Summary.
tests_passed=0
tests_failed=0
targets_broken=0
packages_broken=0
failures=()
if [ -s "$bep" ]; then
  while read -r key value; do
    case "$key" in
      tests_passed) tests_passed=$value ;;
      tests_failed) tests_failed=$value ;;
      targets_broken) targets_broken=$value ;;
      packages_broken) packages_broken=$value ;;
      fail) failures+=("$value") ;;
    esac
  done < <(python3 tools/bep_summary.py "$bep" "$bazel_log")
fi
bazel_failures=$((tests_failed + targets_broken + packages_broken))
# Bazel failed but named no failing target (bad flag, crash, interrupted): count the stage.
bazel_unexplained=0
if [ "$bazel_rc" -ne 0 ] && [ "$bazel_failures" -eq 0 ]; then bazel_unexplained=1; fi
if [ "$bazel_rc" -eq 0 ]; then
  bazel_result="ok (${bazel_took}s)"
else
  bazel_result="FAILED (exit $bazel_rc, ${bazel_took}s)"
fi

printf '\n==> summary\n'
for i in "${!stage_names[@]}"; do
  printf '  %-16s %s\n' "${stage_names[$i]}" "${stage_results[$i]}"
done
printf '  %-16s %s: tests %d passed, %d failed; broken non-test targets %d, packages %d\n' \
  "bazel" "$bazel_result" "$tests_passed" "$tests_failed" "$targets_broken" "$packages_broken"
for f in "${failures[@]}"; do printf '    failed: %s\n' "$f"; done

# Bazel's own summary (the per-target result lines and "Executed N out of M tests"), repeated
# here so that it closes the output: everything after the last "INFO: Elapsed time" line (Bazel
# prints "Build completed" twice when it writes a build event file; uniq keeps one).
printf '\n'
summary="$(awk '
  /^INFO: Elapsed time:/ { n = 0; started = 1; next }
  started { block[n++] = $0 }
  END { for (i = 0; i < n; i++) print block[i] }
' "$bazel_log" | grep -v -E '^INFO: (Build Event Protocol files produced|[0-9]+ processes)' |
  sed -e '/./,$!d' | uniq)"
if [ -n "$summary" ]; then
  printf '%s\n' "$summary"
else
  printf 'bazel test printed no test summary (exit %d); see the errors above.\n' "$bazel_rc"
fi

passed=$tests_passed
failed=$((bazel_failures + bazel_unexplained + failed_stages))
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
