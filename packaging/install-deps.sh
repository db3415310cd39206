#!/bin/sh
# Installs, idempotently, everything rtforge needs to build, run and test
# on Debian 12: the -dev libraries, the test tools, the pinned npm test
# tooling, a Rust toolchain the role users can run, and the role users.
# Run from the repository root (make deps does). Quiet when nothing is
# missing.
set -eu

say() { printf 'deps: %s\n' "$*"; }

APT_PACKAGES="build-essential pkg-config libevent-dev libjansson-dev
libseccomp-dev libcap-dev libsodium-dev libzstd-dev zstd curl cppcheck
nginx python3-mnemonic chromium coreutils procps psmisc util-linux git valgrind
clang libclang-rt-14-dev
debhelper dpkg-dev fakeroot lintian man-db"

RUST_DIR=/opt/rtforge/rust
ROLE_USERS="rtforge-web rtforge-build rtforge-sign"
# An unprivileged account for the integration tests' non-root run.
TEST_USER=rtforge-test

is_root() { [ "$(id -u)" -eq 0 ]; }

install_apt() {
	missing=""
	for p in $APT_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if ! is_root; then
		say "missing Debian packages:$missing (run 'make deps' as root)"
		exit 1
	fi
	say "installing Debian packages:$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

install_npm() {
	if ! command -v npm >/dev/null 2>&1; then
		say "npm is missing; installing Debian's nodejs and npm"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
	fi
	stamp=node_modules/.rtforge-lock
	if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
		return 0
	fi
	say "installing the npm test tooling (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	cp package-lock.json "$stamp"
}

# The toolchain rustup installed for root lives under /root (mode 0700),
# which the build user cannot enter; give it a copy it can run.
find_toolchain() {
	for rustc in "${HOME:-/root}/.cargo/bin/rustc" /root/.cargo/bin/rustc \
	    "$(command -v rustc 2>/dev/null || true)"; do
		[ -n "$rustc" ] && [ -x "$rustc" ] || continue
		sysroot=$("$rustc" --print sysroot 2>/dev/null) || continue
		[ -x "$sysroot/bin/cargo" ] && { echo "$sysroot"; return 0; }
	done
	return 1
}

install_toolchain() {
	[ -x "$RUST_DIR/bin/cargo" ] && [ -x "$RUST_DIR/bin/rustc" ] && return 0
	is_root || { say "no toolchain in $RUST_DIR (run 'make deps' as root)"; exit 1; }
	if sysroot=$(find_toolchain); then
		say "copying the Rust toolchain $sysroot to $RUST_DIR"
		mkdir -p "$(dirname "$RUST_DIR")"
		rm -rf "$RUST_DIR.tmp"
		# Hard links when on the same file system: instant, no space.
		cp -al "$sysroot" "$RUST_DIR.tmp" 2>/dev/null ||
		    { rm -rf "$RUST_DIR.tmp"; cp -a "$sysroot" "$RUST_DIR.tmp"; }
		rm -rf "$RUST_DIR.tmp/share/doc"
		chmod -R a+rX "$RUST_DIR.tmp"
		mv "$RUST_DIR.tmp" "$RUST_DIR"
	else
		say "no rustup toolchain found; installing Debian's cargo"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cargo rustc >/dev/null
		mkdir -p "$RUST_DIR/bin"
		ln -sf /usr/bin/cargo "$RUST_DIR/bin/cargo"
		ln -sf /usr/bin/rustc "$RUST_DIR/bin/rustc"
	fi
	"$RUST_DIR/bin/cargo" --version >/dev/null
}

install_users() {
	is_root || return 0
	for u in $ROLE_USERS $TEST_USER; do
		id "$u" >/dev/null 2>&1 && continue
		say "creating system user $u"
		useradd --system --no-create-home --home-dir /nonexistent \
		    --shell /usr/sbin/nologin "$u"
	done
}

install_apt
install_npm
install_toolchain
install_users
