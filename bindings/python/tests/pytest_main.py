"""Bazel entry point of the quiver py_tests: runs pytest on the files named after the server.

Usage: pytest_main.py QUIVER_SERVER_BINARY TEST_FILE...
Exit code is pytest's: 5 (nothing collected) fails the Bazel test like any other non-zero.
"""

import os
import sys

import pytest


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: pytest_main.py QUIVER_SERVER_BINARY TEST_FILE...", file=sys.stderr)
        return 2
    os.environ["QUIVER_SERVER"] = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    args = [
        "-v",
        "-p",
        "no:cacheprovider",  # the runfiles tree is read-only
        "-o",
        "faulthandler_timeout=120",  # a hang prints every thread's stack
        "--rootdir",
        here,
    ]
    xml = os.environ.get("XML_OUTPUT_FILE")
    if xml:
        args += ["--junitxml", xml]
    args += [os.path.join(here, f) for f in sys.argv[2:]]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main())
