#!/usr/bin/env bash
# Installs every Debian package Quiver needs to build, test and benchmark. Idempotent: it only
# calls apt-get when something is missing. Runs as root (or through sudo when available).
set -euo pipefail

packages=(
  bazel-bootstrap
  g++ clang clang-format clang-tidy libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev
  libssl-dev libcrypt-dev
  protobuf-compiler libprotobuf-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-pytest python3-venv
  nats-server libnats-dev
  git ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# nats.js tests need Node and npm; images that ship their own Node must keep it (Debian's npm
# package conflicts with it), so Debian's is installed only when there is none.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} Debian packages present"
else
  echo "install_deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages the interop tests need (nats.js, pinned by its lock file). Bazel tests run
# without network, so they are installed into the source tree here, before any test runs.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -x "$repo_root/testing/interop/js/install.sh" ]; then
  "$repo_root/testing/interop/js/install.sh"
fi
