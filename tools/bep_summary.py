#!/usr/bin/env python3
"""Counts test and build outcomes from a Bazel Build Event Protocol JSON file.

    bazel test --build_event_json_file=bep.json //... 2>&1 | tee console.log
    tools/bep_summary.py bep.json [console.log]

Reads what Bazel itself recorded (rather than scraping the console) and prints:

    tests_passed N
    tests_failed M
    targets_broken K          non-test targets that failed to build or analyse
    packages_broken P         packages (or patterns) that failed to load
    fail <label> <STATUS>     one line per failure, e.g. fail //codec:x_test FAILED_TO_BUILD

A test counts as passed when its overall status is PASSED or FLAKY (passed on a retry). A test
that never ran because it (or a dependency) failed to build counts as failed; one that built but
was filtered out (--test_tag_filters) is not counted. Bazel 4.2.3 records no build event for a
package that fails to load under --keep_going, so those are read from the console log. Used by
tools/test.sh; works with Bazel 4.2.3's BEP.
"""

import json
import re
import sys

PASSING = {"PASSED", "FLAKY"}
LOAD_ERROR = re.compile(
    r"^ERROR: (?:package contains errors: (\S+)|error loading package '([^']*)')")


def broken_packages(console_path: str) -> list:
    found = []
    with open(console_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LOAD_ERROR.match(line)
            if m:
                pkg = "//" + (m.group(1) or m.group(2) or "").lstrip("/")
                if pkg not in found:
                    found.append(pkg)
    return found


def main(path: str, console_path: str = "") -> int:
    kinds = {}  # label -> rule kind, e.g. "cc_test rule"
    built = {}  # label -> True/False (target completed successfully or not)
    status = {}  # label -> overall test status
    broken_patterns = []
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as e:
        print(f"bep_summary: cannot read {path}: {e}", file=sys.stderr)
        return 2

    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a truncated last line when Bazel was interrupted
        ident = event.get("id", {})
        aborted = event.get("aborted")
        if "targetConfigured" in ident:
            label = ident["targetConfigured"].get("label", "")
            if aborted:
                built[label] = False
            else:
                kinds[label] = event.get("configured", {}).get("targetKind", "")
        elif "targetCompleted" in ident:
            label = ident["targetCompleted"].get("label", "")
            ok = bool(event.get("completed", {}).get("success", False)) and not aborted
            built[label] = built.get(label, True) and ok
        elif "testSummary" in ident:
            label = ident["testSummary"].get("label", "")
            status[label] = event.get("testSummary", {}).get("overallStatus", "NO_STATUS")
        elif ("pattern" in ident or "unconfiguredLabel" in ident) and aborted:
            what = ident.get("pattern", {}).get("pattern") or [
                ident.get("unconfiguredLabel", {}).get("label", "?")
            ]
            reason = aborted.get("reason", "ABORTED")
            broken_patterns.append((" ".join(what), reason))

    if console_path:
        known = {what for what, _ in broken_patterns}
        for pkg in broken_packages(console_path):
            if pkg not in known:
                broken_patterns.append((pkg, "LOADING_FAILURE"))

    def is_test(label: str) -> bool:
        kind = kinds.get(label)
        if kind:
            # A test_suite has no result of its own; its tests report theirs.
            return kind.endswith("_test rule")
        return label.endswith("_test")  # analysis failed before the kind was known

    passed = 0
    failures = []
    broken_targets = []
    for label in sorted(set(kinds) | set(built) | set(status)):
        if is_test(label):
            st = status.get(label)
            if st is None:
                if built.get(label) is not False:
                    continue  # built but not run: excluded by --test_tag_filters
                st = "FAILED_TO_BUILD"
            if st in PASSING:
                passed += 1
            else:
                failures.append((label, st))
        elif built.get(label) is False:
            broken_targets.append(label)

    print(f"tests_passed {passed}")
    print(f"tests_failed {len(failures)}")
    print(f"targets_broken {len(broken_targets)}")
    print(f"packages_broken {len(broken_patterns)}")
    for label, st in failures:
        print(f"fail {label} {st}")
    for label in broken_targets:
        print(f"fail {label} BUILD_FAILED")
    for what, reason in broken_patterns:
        print(f"fail {what} {reason}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
