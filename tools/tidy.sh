#!/usr/bin/env bash
# clang-tidy 14 with the repository's .clang-tidy, over the C++ sources of some packages.
#
#   tools/tidy.sh                      codec/ and common/
#   tools/tidy.sh //server/core/...    other Bazel target patterns
#   tools/tidy.sh --fix ...            also apply the suggested fixes (review the diff!)
#
# It writes compile_commands.json at the repository root (ignored by git; clangd reads it too)
# from `bazel aquery` (tools/compdb.py), then runs clang-tidy on every source of the targets,
# two files at a time. Prints the findings and a count per check; exits 1 when there is any.
# Advisory: not part of tools/test.sh.
set -euo pipefail

# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$(qv_root)"
cd "$root"

fix=()
if [ "${1:-}" = "--fix" ]; then
  fix=(--fix)
  shift
fi
patterns=("$@")
if [ ${#patterns[@]} -eq 0 ]; then patterns=(//codec/... //common/...); fi
command -v clang-tidy >/dev/null || qv_die "clang-tidy not found (run tools/install_deps.sh)"

work="$(mktemp -d "${TMPDIR:-/tmp}/quiver-tidy.XXXXXX")"
trap 'rm -rf "$work"' EXIT

query="mnemonic(\"CppCompile\", $(printf '%s + ' "${patterns[@]}" | sed 's/ + $//'))"
echo "tidy: bazel aquery '$query'"
qv_bazel aquery --keep_going "$query" --output=jsonproto >"$work/aquery.json" 2>"$work/aquery.err" ||
  { qv_bazel_filter <"$work/aquery.err" | grep -E '^ERROR' >&2 || true; }
[ -s "$work/aquery.json" ] || qv_die "bazel aquery produced nothing (see errors above)"
execroot="$(qv_bazel info execution_root 2>/dev/null)"
python3 tools/compdb.py --execroot "$execroot" --workspace "$root" "$work/aquery.json" \
  >compile_commands.json

mapfile -t files < <(python3 -c '
import json, os, sys
root = sys.argv[1]
for e in json.load(open("compile_commands.json")):
    rel = os.path.relpath(e["file"], root)
    if not rel.startswith("..") and os.path.exists(e["file"]):
        print(rel)
' "$root")
[ ${#files[@]} -gt 0 ] || qv_die "no sources found for ${patterns[*]}"
echo "tidy: clang-tidy on ${#files[@]} files"

# One process per file keeps the output of a file together; -P runs two at a time.
printf '%s\0' "${files[@]}" |
  xargs -0 -n 1 -P "$(nproc 2>/dev/null || echo 2)" \
    clang-tidy -p "$root" --quiet "${fix[@]}" >"$work/tidy.out" 2>"$work/tidy.err" || true

# Keep the diagnostics (and the code snippets under them); drop "N warnings generated" noise.
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter' \
  "$work/tidy.out" "$work/tidy.err" -h || true
count="$(grep -h -c -E ': (warning|error): .* \[[A-Za-z0-9.,-]+\]$' "$work/tidy.out" || true)"
if [ "${count:-0}" -gt 0 ]; then
  echo "tidy: $count findings by check:"
  grep -h -o -E ': (warning|error): .* \[[A-Za-z0-9.,-]+\]$' "$work/tidy.out" |
    sed -E 's/.*\[([A-Za-z0-9.,-]+)\]$/\1/' | sort | uniq -c | sort -rn | sed 's/^/  /'
  exit 1
fi
echo "tidy: ${#files[@]} files clean"
