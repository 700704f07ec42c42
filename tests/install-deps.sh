#!/usr/bin/env bash
# Installs what building and testing plimsoll needs on Debian 12, with
# apt-get, and only what is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
	gcc g++ pkg-config meson ninja-build
	liblua5.4-dev libyaml-dev libjansson-dev libcmocka-dev
	python3 valgrind strace libxml2-utils clang clang-format libclang-rt-14-dev
	chromium
	neovim
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
# Node.js may come from another distribution that bundles npm: look for the
# commands rather than Debian's package names.
if ! command -v node >/dev/null 2>&1; then
	missing+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
	missing+=(npm)
fi
if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
