# Shared helpers for the scripts in tools/. Source it; it is not meant to be run.
#
# Environment knobs (all optional, word-split on purpose):
#   QV_BAZEL_STARTUP  startup options placed before the command, e.g.
#                     "--output_base=$HOME/.cache/bazel_other" to keep a separate server/cache
#   QV_BAZEL_FLAGS    options placed after the command (build/test/info/aquery; not query), e.g.
#                     "--jobs=2 --symlink_prefix=/"

# The repository root, whatever directory the script was started from.
qv_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# bazel with the knobs above: qv_bazel COMMAND [ARGS...]
qv_bazel() {
  local cmd="$1"
  shift
  # shellcheck disable=SC2086  # the knobs are lists of flags
  bazel ${QV_BAZEL_STARTUP:-} "$cmd" ${QV_BAZEL_FLAGS:-} "$@"
}

# bazel query with the startup knobs only: query rejects build flags such as --jobs.
qv_bazel_query() {
  # shellcheck disable=SC2086
  bazel ${QV_BAZEL_STARTUP:-} query "$@"
}

# Filters bazel's console output. Debian's /etc/bazel/bazelrc sets --sandbox_debug, so every
# sandboxed action prints "INFO: From ...:" and ~30 lines of sandbox trace. The scripts pass
# --nosandbox_debug where they can; this filter catches the rest: it drops the trace lines, and
# an "INFO: From" header unless real output (a compiler warning, a test log) follows it.
qv_bazel_filter() {
  # mawk (Debian's default awk) reads pipes in blocks unless told to be interactive, which would
  # hold back bazel's progress lines.
  local awk_cmd=(awk)
  if awk -W version 2>&1 | grep -q mawk; then awk_cmd=(awk -W interactive); fi
  "${awk_cmd[@]}" '
    /^[0-9]+\.[0-9]+: src\/main\/tools\/(linux-sandbox|process-wrapper)/ { next }
    /^INFO: From / { held = $0; next }
    {
      if (held != "") {
        if ($0 !~ /^(INFO: |WARNING: |ERROR: |FAILED: |FAIL: |PASS: |\[[0-9,]+ \/ [0-9,]+\]|$)/) print held
        held = ""
      }
      print
      fflush()
    }
  '
}

# The patterns for "everything", one per line: //:all plus //DIR/... for each top-level
# directory holding a BUILD file. Plain //... would also walk into bazel-bin, bazel-<dir> and the
# other convenience symlinks when they belong to a different output base
# (QV_BAZEL_STARTUP=--output_base=...): Bazel only skips its own, and loading the foreign
# execroot's packages fails. Run from the repository root.
qv_all_targets() {
  local d
  if [ -f BUILD ] || [ -f BUILD.bazel ]; then echo "//:all"; fi
  for d in */; do
    d="${d%/}"
    case "$d" in bazel-*) continue ;; esac
    [ -L "$d" ] && continue
    if [ -n "$(find "$d" \( -name BUILD -o -name BUILD.bazel \) -print -quit 2>/dev/null)" ]; then
      echo "//$d/..."
    fi
  done
}

# C++ sources we own: tracked plus untracked files that .gitignore does not exclude.
# Outside a git checkout (an exported tarball) every *.h/*.cc outside bazel's output trees.
qv_cpp_files() {
  local f
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -co --exclude-standard -- '*.h' '*.cc' | while IFS= read -r f; do
      # Tracked files deleted in the working tree are still listed by git.
      if [ -f "$f" ]; then printf '%s\n' "$f"; fi
    done
  else
    find . \( -name 'bazel-*' -o -name node_modules -o -name .git \) -prune -o \
      -type f \( -name '*.h' -o -name '*.cc' \) -print | sed 's|^\./||' | sort
  fi
}

qv_say() { printf '%s\n' "$*"; }
qv_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
