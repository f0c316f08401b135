#!/usr/bin/env bash
# Installs the Debian 12 packages Switchboard needs, skipping those already present.
# Usage: tools/install-deps.sh [--test | --fuzz]   (--test adds what the test suite needs;
# --fuzz what tools/fuzz.sh needs: clang, whose package brings libFuzzer and the sanitizers)
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config
          libcaf-dev libboost1.81-dev libboost-json1.81-dev libsoci-dev libsqlite3-dev libpq-dev
          libfmt-dev libspdlog-dev libtomlplusplus-dev libssl-dev libsodium-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(catch2 postgresql util-linux curl python3-aiosmtpd coturn nodejs clang-format)
  # Some Node.js packages (NodeSource's) bundle npm; Debian's npm would conflict with them.
  command -v npm >/dev/null || packages+=(npm)
fi
[[ "${1:-}" == "--fuzz" ]] && packages+=(clang)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
