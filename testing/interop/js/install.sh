#!/usr/bin/env bash
# Installs the nats.js interop tests' node_modules exactly as package-lock.json pins them
# (`npm ci`). Idempotent: a stamp inside node_modules records the hash of the manifest and lock
# it was installed from, so a second run does nothing until one of them changes.
#
#   install.sh           install when missing or stale (needs the npm registry)
#   install.sh --check   only report: exit 0 when up to date, 1 otherwise (no network; what
#                        the Bazel test uses, since its sandbox has no network)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
stamp="$here/node_modules/.quiver-install-stamp"

want="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"

if [ "$want" = "$have" ] && [ -f "$here/node_modules/nats/package.json" ]; then
  exit 0
fi

if [ "${1:-}" = "--check" ]; then
  echo "install.sh: $here/node_modules is missing or stale; run $here/install.sh" >&2
  exit 1
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: npm not found; run tools/install_deps.sh first" >&2
  exit 1
fi

echo "install.sh: npm ci in $here" >&2
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
