#!/usr/bin/env python3
"""Writes compile_commands.json (for clang-tidy and clangd) from `bazel aquery` output.

    bazel aquery 'mnemonic("CppCompile", //codec/...)' --output=jsonproto > aquery.json
    tools/compdb.py --execroot "$(bazel info execution_root)" --workspace . \\
        < aquery.json > compile_commands.json

No download (hedron's extractor needs one): aquery's jsonproto already has every compile
command's argv. The entries use the workspace as their directory, so diagnostics name files as
`codec/parser.h`; paths into Bazel's output trees (bazel-out/, external/) are made absolute
under the execution root. The commands come from the default gcc toolchain, so gcc-only flags
are dropped and the compiler becomes clang++ for clang's tools. tools/tidy.sh runs all this.
"""

import argparse
import json
import os
import sys

# gcc flags clang does not know (it would report them as errors under -Werror).
GCC_ONLY = {
    "-fno-canonical-system-headers",
    "-Wno-free-nonheap-object",
    "-Wunused-but-set-parameter",
}
# Flags that only matter for producing outputs; clang-tidy only parses.
DROP_WITH_VALUE = {"-MF", "-o"}
DROP = {"-MD", "-Werror"}
PATH_FLAGS = ("-iquote", "-isystem", "-I", "-include", "-isysroot")


def absolutize(path: str, execroot: str) -> str:
    if path.startswith(("bazel-out/", "external/")) or path in ("bazel-out", "external"):
        return os.path.join(execroot, path)
    return path


def convert(args: list, execroot: str, workspace: str):
    """Returns (arguments, source file) for one compile action, or None if it has no -c."""
    out = ["clang++"]
    source = None
    i = 1
    while i < len(args):
        a = args[i]
        if a in DROP_WITH_VALUE:
            i += 2
            continue
        if a in DROP or a in GCC_ONLY or a.startswith("-frandom-seed="):
            i += 1
            continue
        if a == "-c" and i + 1 < len(args):
            source = args[i + 1]
            out += ["-c", os.path.join(workspace, source)]
            i += 2
            continue
        if a in PATH_FLAGS and i + 1 < len(args):
            out += [a, absolutize(args[i + 1], execroot)]
            i += 2
            continue
        joined = next((f for f in PATH_FLAGS if a.startswith(f) and a != f), None)
        if joined:
            out.append(joined + absolutize(a[len(joined):], execroot))
        else:
            out.append(a)
        i += 1
    if source is None:
        return None
    return out, source


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execroot", required=True, help="bazel info execution_root")
    parser.add_argument("--workspace", required=True, help="the repository root")
    parser.add_argument("input", nargs="?", help="aquery jsonproto (default: stdin)")
    opts = parser.parse_args()
    workspace = os.path.abspath(opts.workspace)

    data = json.load(open(opts.input) if opts.input else sys.stdin)
    entries = {}
    for action in data.get("actions", []):
        if action.get("mnemonic") != "CppCompile":
            continue
        converted = convert(action.get("arguments", []), opts.execroot, workspace)
        if converted is None:
            continue
        args, source = converted
        # Bazel compiles a source twice (PIC and not) for libraries; one entry is enough.
        if source.startswith(("bazel-out/", "external/")) or source in entries:
            continue
        entries[source] = {
            "directory": workspace,
            "file": os.path.join(workspace, source),
            "arguments": args,
        }
    json.dump([entries[k] for k in sorted(entries)], sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"compdb: {len(entries)} source files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
