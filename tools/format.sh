#!/usr/bin/env bash
# Formats our C++ with clang-format 14 and the repository's .clang-format.
#
#   tools/format.sh            rewrite every *.h/*.cc (tracked, or untracked and not ignored)
#   tools/format.sh --check    change nothing; list the files that need formatting, exit 1 if any
#   tools/format.sh [--check] FILE...   only these files
set -euo pipefail

# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$(qv_root)"

check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi

command -v clang-format >/dev/null || qv_die "clang-format not found (run tools/install_deps.sh)"

files=()
if [ $# -gt 0 ]; then
  for f in "$@"; do files+=("$(realpath "$f")"); done
  cd "$root"
else
  cd "$root"
  mapfile -t files < <(qv_cpp_files)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "format: no C++ files"
  exit 0
fi

if [ "$check" -eq 0 ]; then
  clang-format -i --style=file "${files[@]}"
  echo "format: formatted ${#files[@]} files"
  exit 0
fi

bad=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run -Werror --style=file "$f" >/dev/null 2>&1; then
    bad+=("$f")
  fi
done
if [ ${#bad[@]} -gt 0 ]; then
  for f in "${bad[@]}"; do
    echo "format: needs clang-format: $f"
    # The first few offending lines, as clang-format reports them, to make the problem visible.
    clang-format --dry-run --style=file "$f" 2>&1 | grep -m 3 'warning:' | sed 's/^/    /' || true
  done
  echo "format: ${#bad[@]} of ${#files[@]} files need formatting (fix: tools/format.sh)"
  exit 1
fi
echo "format: ${#files[@]} files clean"
