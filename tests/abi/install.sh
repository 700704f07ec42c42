#!/bin/sh
# An out-of-tree plugin builds against the installed headers: install the
# build into a temporary DESTDIR, copy plugins/example elsewhere, compile
# it with the flags `pkg-config --cflags plimsoll` gives for that install,
# load it into the built plimsoll with --plugin and check what it writes.
#
#   install.sh BUILD_DIR SOURCE_DIR PLIMSOLL CC
set -u
build=$1
src=$2
plimsoll=$(readlink -f "$3")
cc=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! meson install -C "$build" --destdir "$tmp/root" --no-rebuild \
	--quiet >"$tmp/install.log" 2>&1; then
	echo "meson install failed:"
	cat "$tmp/install.log"
	exit 1
fi
pc=$(find "$tmp/root" -name plimsoll.pc | head -n 1)
if [ -z "$pc" ]; then
	echo "no plimsoll.pc installed"
	exit 1
fi
# The .pc names the real prefix; the sysroot points it into the DESTDIR.
cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_LIBDIR=/nonexistent \
	PKG_CONFIG_SYSROOT_DIR="$tmp/root" pkg-config --cflags plimsoll) || {
	echo "pkg-config does not know plimsoll"
	exit 1
}
echo "pkg-config --cflags plimsoll: $cflags"
case "$cflags" in
*"$tmp/root"*) ;;
*) echo "the cflags do not point into the install"; exit 1 ;;
esac
if [ ! -f "$tmp/root$(echo "$cflags" | sed -nE 's/.*-I[^ ]*root([^ ]*).*/\1/p')/plimsoll/plugin.h" ]; then
	echo "plimsoll/plugin.h is not under the installed include directory"
	exit 1
fi

mkdir "$tmp/plugin"
cp "$src/plugins/example/example.c" "$tmp/plugin/csv.c"
# Only the installed headers: no -I into the source tree.
# shellcheck disable=SC2086
if ! $cc -std=c11 -Wall -Wextra -Werror -shared -fPIC $cflags \
	"$tmp/plugin/csv.c" -o "$tmp/plugin/csv.so"; then
	echo "the plugin does not build against the installed headers"
	exit 1
fi

cat >"$tmp/Dockerfile" <<'DOCKERFILE'
FROM ubuntu:latest
USER root
RUN sudo apt-get install -y curl
DOCKERFILE
cd "$tmp" || exit 1
# Two rules only: the test is about the plugin, not the catalogue.
"$plimsoll" scan --plugin "$tmp/plugin/csv.so" --format csv \
	--only runs-as-root,sudo-in-build Dockerfile \
	>"$tmp/out.csv" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 1 ]; then
	echo "scan exit status $rc, expected 1 (findings):"
	cat "$tmp/err"
	exit 1
fi
cat >"$tmp/want.csv" <<'CSV'
path,line,column,severity,rule,message
Dockerfile,2,6,high,runs-as-root,the image runs as root (user root)
Dockerfile,3,1,medium,sudo-in-build,RUN uses sudo: sudo apt-get install -y curl
CSV
# The plugin writes CRLF rows (RFC 4180).
tr -d '\r' <"$tmp/out.csv" >"$tmp/got.csv"
if ! diff -u "$tmp/want.csv" "$tmp/got.csv"; then
	echo "the plugin's output differs"
	exit 1
fi
echo "plugin built with $cflags loaded and wrote $(wc -l <"$tmp/got.csv") rows"
