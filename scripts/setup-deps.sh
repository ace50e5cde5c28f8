#!/bin/sh
# Installs the Debian 12 packages needed to build and test crmake, if any are missing.
set -eu

PACKAGES="build-essential autoconf automake pkg-config libsqlite3-dev
libtree-sitter-dev libmd-dev libjansson-dev libcmocka-dev npm mandoc python3-pytest python3-coverage
libpython3.11-testsuite git ca-certificates procps openssh-client
openssh-server iproute2 python3-jsonschema chromium valgrind clang libclang-rt-14-dev"

# npm also comes bundled with other builds of Node.js (e.g. NodeSource's
# nodejs, which conflicts with Debian's npm): any npm on PATH will do.
installed() {
	case $1 in
	npm) command -v npm >/dev/null 2>&1 && return 0 ;;
	esac
	dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=
for p in $PACKAGES; do
	installed "$p" || missing="$missing $p"
done
test -z "$missing" && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup-deps.sh: missing packages:$missing (and no apt-get to install them)" >&2
	exit 1
fi
if test "$(id -u)" -eq 0; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "setup-deps.sh: missing packages:$missing; run as root or install sudo" >&2
	exit 1
fi

echo "setup-deps.sh: installing$missing" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $missing >/dev/null
