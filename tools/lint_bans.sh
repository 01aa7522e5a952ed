#!/usr/bin/env bash
# Ban list for our C++ (the Envoy check_format idea, CONTRIBUTING.md "Lint and format"):
#
#   std-regex        std::regex outside test code (slow, throws, blows the stack on long input)
#   sleep-in-test    sleep_for in *_test.cc (poll with a deadline instead; tests must not be timed)
#   using-namespace  `using namespace` in a header (leaks into every includer)
#   detached         asio::detached outside test code (an exception in the coroutine vanishes:
#                    give co_spawn a completion handler that logs)
#   co-spawn-ref     co_spawn( ... [& (a capturing lambda co_spawned: its captures dangle once
#                    the caller returns; pass state as by-value coroutine parameters)
#   endl             std::endl (flushes on every line; write '\n')
#
# Test code is *_test.cc, *_fuzz.cc and everything under testing/ and conformance/.
# Comments and string literals are not searched. A line that really needs an exception carries
# `// qv-lint: allow(<rule>)` with the rule name above, and says why.
#
# Usage: tools/lint_bans.sh [FILE...]   (default: every *.h/*.cc of the repository)
# Prints file:line: [rule] text for every hit; exits 1 when there is any.
set -euo pipefail

# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$(qv_root)"

files=()
if [ $# -gt 0 ]; then
  # Named files: paths relative to the repository root when inside it, so that the test-code
  # rules (testing/, *_test.cc) apply as they would in a full run.
  for f in "$@"; do files+=("$(realpath -m --relative-base="$root" "$f")"); done
  cd "$root"
else
  cd "$root"
  mapfile -t files < <(qv_cpp_files)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "lint_bans: no C++ files"
  exit 0
fi

printf '%s\0' "${files[@]}" | python3 -c '
import re
import sys

# rule -> (pattern, applies(path))
def is_test(path):
    return (path.endswith("_test.cc") or path.endswith("_fuzz.cc")
            or path.startswith(("testing/", "conformance/")))

RULES = [
    ("std-regex", re.compile(r"\bstd::w?regex\w*|#\s*include\s*<regex>"),
     lambda p: not is_test(p)),
    ("sleep-in-test", re.compile(r"\bsleep_for\b"), lambda p: p.endswith("_test.cc")),
    ("using-namespace", re.compile(r"\busing\s+namespace\b"), lambda p: p.endswith(".h")),
    ("detached", re.compile(r"\bdetached\b"), lambda p: not is_test(p)),
    ("endl", re.compile(r"\bstd::endl\b|\bendl\s*;"), lambda p: True),
]
CO_SPAWN = re.compile(r"\bco_spawn\s*\(")
REF_CAPTURE = re.compile(r"\[\s*(?:[\w\s]*,\s*)*&")  # [&], [&x], [this, &x]
ALLOW = re.compile(r"qv-lint:\s*allow\(([\w, -]+)\)")

def strip(line, in_block):
    """Returns (code without comments and string/char literals, still inside /* */)."""
    out = []
    i, n = 0, len(line)
    while i < n:
        if in_block:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out), True
            i, in_block = end + 2, False
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            in_block, i = True, i + 2
            continue
        if c in "\"\x27":
            # A raw string R"(...)" on one line is handled like a plain one: good enough here.
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out), in_block

hits = 0
paths = [p for p in sys.stdin.read().split("\0") if p]
for path in paths:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read().split("\n")
    except OSError as e:
        print(f"{path}: cannot read: {e}")
        hits += 1
        continue
    code, in_block = [], False
    for line in raw:
        c, in_block = strip(line, in_block)
        code.append(c)

    def report(lineno, rule):
        global hits
        allow = ALLOW.search(raw[lineno])
        if allow and rule in [r.strip() for r in allow.group(1).split(",")]:
            return
        print(f"{path}:{lineno + 1}: [{rule}] {raw[lineno].strip()}")
        hits += 1

    for idx, c in enumerate(code):
        for rule, pattern, applies in RULES:
            if applies(path) and pattern.search(c):
                report(idx, rule)
        m = CO_SPAWN.search(c)
        if m:
            # The arguments of co_spawn( up to the closing parenthesis or the end of the
            # statement, over at most a few lines (clang-format wraps long calls).
            text, depth, j = c[m.end():], 1, idx
            window = ""
            while True:
                for ch in text:
                    if ch == "(":
                        depth += 1
                    elif ch == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    window += ch
                else:
                    j += 1
                    if j < len(code) and j <= idx + 6 and ";" not in window:
                        text = code[j]
                        window += "\n"
                        continue
                break
            # Only the top level of the call: a lambda passed as the function argument.
            if REF_CAPTURE.search(window):
                report(idx, "co-spawn-ref")

if hits:
    print(f"lint_bans: {hits} banned construct(s) in {len(paths)} files", file=sys.stderr)
    sys.exit(1)
print(f"lint_bans: {len(paths)} files clean")
'
