"""Builds the quiver wheel from the package sources and the Bazel-built extension, offline.

A wheel is a zip of the package files plus quiver-<v>.dist-info/{METADATA,WHEEL,RECORD}; this
writes one without setuptools or network access. The entries are sorted and dated 1980-01-01,
so the same inputs give the same bytes.

    bazel run --config=opt //bindings/python:build_wheel          # -> ./dist/quiver-*.whl
    bazel run //bindings/python:build_wheel -- --out /tmp/dist
    python3 bindings/python/build_wheel.py --so <path/to/_quiver.so> --out dist

The wheel is tagged for the interpreter running this script (cp311-cp311-linux_x86_64 with
Debian 12's python3) and needs the system libraries the extension links (libboost_json).
"""

import argparse
import base64
import hashlib
import os
import re
import sys
import sysconfig
import zipfile
from typing import List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(HERE, "quiver")
SUMMARY = "asyncio NATS client (nats-py's API) over Quiver's C++ client"
DATE = (1980, 1, 1, 0, 0, 0)


def version() -> str:
    with open(os.path.join(PACKAGE, "__init__.py"), encoding="utf-8") as f:
        match = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not match:
        raise SystemExit("build_wheel: no __version__ in quiver/__init__.py")
    return match.group(1)


def tags() -> Tuple[str, str, str]:
    impl = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return impl, impl, platform


def record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def package_files(so_path: str) -> List[Tuple[str, bytes]]:
    files = []
    for root, dirs, names in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        rel = os.path.relpath(root, os.path.dirname(PACKAGE)).replace(os.sep, "/")
        for name in sorted(names):
            if name.endswith((".py", ".pyi")) or name == "py.typed":
                with open(os.path.join(root, name), "rb") as f:
                    files.append((f"{rel}/{name}", f.read()))
    with open(so_path, "rb") as f:
        files.append((f"quiver/_quiver{sysconfig.get_config_var('EXT_SUFFIX')}", f.read()))
    return files


def build(so_path: str, out_dir: str) -> str:
    ver = version()
    impl, abi, platform = tags()
    tag = f"{impl}-{abi}-{platform}"
    dist_info = f"quiver-{ver}.dist-info"
    metadata = (
        "Metadata-Version: 2.1\n"
        "Name: quiver\n"
        f"Version: {ver}\n"
        f"Summary: {SUMMARY}\n"
        f"Requires-Python: =={sys.version_info.major}.{sys.version_info.minor}.*\n"
        "Classifier: Framework :: AsyncIO\n"
        "Classifier: Programming Language :: Python :: 3\n"
        "Classifier: Typing :: Typed\n"
    ).encode()
    wheel = (
        "Wheel-Version: 1.0\n"
        "Generator: quiver build_wheel.py\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {tag}\n"
    ).encode()
    entries = package_files(so_path)
    entries += [(f"{dist_info}/METADATA", metadata), (f"{dist_info}/WHEEL", wheel)]
    record = "".join(f"{name},{record_hash(data)},{len(data)}\n" for name, data in entries)
    record += f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"quiver-{ver}-{tag}.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            zf.writestr(info, data)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--so",
        default=os.path.join(PACKAGE, "_quiver.so"),
        help="the extension Bazel built (default: quiver/_quiver.so next to this script, "
        "which is where `bazel run` puts it)",
    )
    parser.add_argument(
        "--out",
        default=os.path.join(os.environ.get("BUILD_WORKING_DIRECTORY", os.getcwd()), "dist"),
        help="output directory (default: ./dist of the directory bazel run was called from)",
    )
    args = parser.parse_args()
    if not os.path.exists(args.so):
        raise SystemExit(f"build_wheel: {args.so} not found; build //bindings/python:_quiver.so")
    print(build(args.so, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
