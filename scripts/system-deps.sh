#!/usr/bin/env bash
# Install the system libraries Qt needs (offscreen or on a display), where missing.
# Debian/Ubuntu only; elsewhere it says what to install and carries on.
set -euo pipefail
needed=(libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libglib2.0-0)
[ "${1:-}" = "--display" ] && needed+=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0)
command -v dpkg-query >/dev/null || { echo "not Debian: make sure ${needed[*]} are installed"; exit 0; }
missing=()
for pkg in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing system libraries for Qt: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
