#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time.
#
#   tools/fuzz.sh TARGET SECONDS [LIBFUZZER_FLAG...]
#   tools/fuzz.sh parser_fuzz_test 60
#   tools/fuzz.sh //codec:subject_fuzz_test 600 -max_len=256
#
# TARGET is a qv_cc_fuzz_test name in codec/ (or a full label). The script builds it with
# --config=fuzz (clang, ASan+UBSan, libFuzzer), copies its committed corpus
# (<package>/testdata/<name without _test>_corpus) to a scratch directory, so the committed one
# only changes by hand, and runs the fuzzer there for SECONDS. It prints libFuzzer's summary and
# exits non-zero on a crash, leak or timeout; the reproducer is kept and its path printed.
# Commit a reproducer into the corpus once the bug is fixed: from then on `bazel test` replays it.
set -euo pipefail

# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$(qv_root)"
cd "$root"

if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
target="$1"
seconds="$2"
shift 2
[[ "$seconds" =~ ^[0-9]+$ ]] || qv_die "SECONDS must be a whole number, got '$seconds'"

case "$target" in
  //*:*) label="$target" ;;
  *:*) label="//$target" ;;
  *) label="//codec:$target" ;;
esac
package="${label#//}"
package="${package%%:*}"
name="${label##*:}"
corpus="$package/testdata/${name%_test}_corpus"
[ -d "$corpus" ] || qv_die "no corpus directory $corpus for $label"

echo "fuzz: building $label with --config=fuzz"
# ld.gold warns once per ASan helper symbol when linking a sanitized binary; it is harmless.
qv_bazel build --config=fuzz --nosandbox_debug "$label" 2>&1 | qv_bazel_filter |
  grep -v "ld.gold: warning: Cannot export local symbol"
bin="$(qv_bazel info --config=fuzz bazel-bin 2>/dev/null)/$package/$name"
[ -x "$bin" ] || qv_die "fuzzer binary not found at $bin"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/quiver-fuzz-$name.XXXXXX")"
mkdir -p "$scratch/corpus" "$scratch/artifacts"
cp -R "$corpus/." "$scratch/corpus/"
seeds=$(find "$scratch/corpus" -type f | wc -l)
echo "fuzz: running $name for ${seconds}s from $seeds seed inputs (scratch: $scratch)"

log="$scratch/fuzz.log"
rc=0
# halt_on_error: UBSan findings are crashes too; the run stops at the first one.
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
  "$bin" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$scratch/artifacts/" "$@" "$scratch/corpus" >"$log" 2>&1 || rc=$?

# libFuzzer's summary: the last status line, the final stats and, on a crash, the report.
echo "---- libFuzzer ($name) ----"
grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "$log" | tail -n 1 || true
grep -E '^Done [0-9]+ runs' "$log" || true
grep -E '^stat::' "$log" || true
artifacts=()
while IFS= read -r -d '' f; do artifacts+=("$f"); done \
  < <(find "$scratch/artifacts" -type f -print0)
if [ "$rc" -ne 0 ] || [ ${#artifacts[@]} -gt 0 ]; then
  grep -E '^==[0-9]+==ERROR|^SUMMARY:|runtime error:|deadly signal|Test unit written' "$log" |
    head -n 20 || true
  echo "fuzz: $name FAILED (exit $rc); full log $log"
  for f in "${artifacts[@]}"; do echo "fuzz: reproducer $f  (replay: $bin $f)"; done
  exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log")
new=$(($(find "$scratch/corpus" -type f | wc -l) - seeds))
echo "fuzz: $name OK: ${runs:-?} execs in ${seconds}s, 0 crashes, $new new corpus inputs"
rm -rf "$scratch"
