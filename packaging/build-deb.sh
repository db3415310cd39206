#!/bin/sh
# Builds the rtforge Debian package with dpkg-deb from a staged tree.
#
#   packaging/build-deb.sh [OUTDIR]        (default OUTDIR: the checkout)
#
# Uses bin/rtforged, bin/rtforge-build and bin/rtforge-sign as they are
# (runs `make all` first only when one is missing). Prints the path of the
# .deb on its last line. Needs dpkg-deb; dpkg-shlibdeps (dpkg-dev) is used
# for Depends: when present, else a fixed list for Debian 12.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for b in rtforged rtforge-build rtforge-sign; do
	[ -x "$repo/bin/$b" ] || { make -C "$repo" all; break; }
done

version=$(sed -n 's/^#define RTFORGE_VERSION "\(.*\)"$/\1/p' "$repo/daemon/main.c")
[ -n "$version" ] || { echo "build-deb: no RTFORGE_VERSION in daemon/main.c" >&2; exit 1; }
debversion="$version-1"
arch=$(dpkg --print-architecture)

work=$(mktemp -d "${TMPDIR:-/tmp}/rtforge-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/rtforge_${debversion}_$arch"
umask 022

# --- the files ---------------------------------------------------------
install -d "$root/usr/sbin" "$root/usr/lib/rtforge" "$root/usr/share/rtforge" \
	"$root/etc/rtforge" "$root/lib/systemd/system" \
	"$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" \
	"$root/usr/share/man/man8" "$root/usr/share/doc/rtforge" "$root/DEBIAN"
install -m 0755 -s "$repo/bin/rtforged" "$root/usr/sbin/rtforged"
install -m 0755 -s "$repo/bin/rtforge-build" "$root/usr/lib/rtforge/rtforge-build"
install -m 0755 -s "$repo/bin/rtforge-sign" "$root/usr/lib/rtforge/rtforge-sign"
cp -R "$repo/web" "$root/usr/share/rtforge/web"
chmod -R u=rwX,go=rX "$root/usr/share/rtforge/web"
install -m 0644 "$repo/packaging/nginx-rtforge.conf" "$root/usr/share/rtforge/nginx-rtforge.conf"
install -m 0644 "$repo/packaging/rtforge.service" "$root/lib/systemd/system/rtforge.service"
install -m 0644 "$repo/packaging/rtforge.sysusers" "$root/usr/lib/sysusers.d/rtforge.conf"
install -m 0644 "$repo/packaging/rtforge.tmpfiles" "$root/usr/lib/tmpfiles.d/rtforge.conf"
gzip -9n -c "$repo/packaging/rtforge.8" > "$root/usr/share/man/man8/rtforge.8.gz"
chmod 0644 "$root/usr/share/man/man8/rtforge.8.gz"
for m in rtforged rtforge-build rtforge-sign; do
	ln -s rtforge.8.gz "$root/usr/share/man/man8/$m.8.gz"
done

# The shipped config: the example, with the workers where the package puts
# them. 0640: later releases keep token hashes in it.
sed 's#"libexec_dir": ""#"libexec_dir": "/usr/lib/rtforge"#' \
	"$repo/packaging/rtforge.json.example" > "$root/etc/rtforge/rtforge.json"
grep -q '"libexec_dir": "/usr/lib/rtforge"' "$root/etc/rtforge/rtforge.json" || {
	echo "build-deb: could not set libexec_dir in the shipped config" >&2; exit 1; }
chmod 0640 "$root/etc/rtforge/rtforge.json"
"$repo/bin/rtforged" -n -f "$root/etc/rtforge/rtforge.json" >/dev/null

cat > "$root/usr/share/doc/rtforge/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: rtforge
Comment: Built from the rtforge repository with packaging/build-deb.sh.
EOF
{
	printf 'rtforge (%s) unstable; urgency=medium\n\n' "$debversion"
	printf '  * Package built with packaging/build-deb.sh.\n\n'
	printf ' -- rtforge <root@localhost>  %s\n' "$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")"
} | gzip -9n > "$root/usr/share/doc/rtforge/changelog.Debian.gz"

# --- maintainer scripts ------------------------------------------------
echo /etc/rtforge/rtforge.json > "$root/DEBIAN/conffiles"

cat > "$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	# The role users: sysusers.d where systemd is installed, else useradd.
	if command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers rtforge.conf
	else
		for u in rtforge-web rtforge-build rtforge-sign; do
			getent passwd "$u" >/dev/null ||
				useradd --system --user-group --no-create-home \
				    --home-dir /nonexistent --shell /usr/sbin/nologin "$u"
		done
	fi
	# The directories, with the owners rtforged expects.
	if command -v systemd-tmpfiles >/dev/null 2>&1; then
		systemd-tmpfiles --create rtforge.conf
	else
		install -d -m 2750 -o rtforge-build -g rtforge-web /var/lib/rtforge
		install -d -m 2750 -o rtforge-build -g rtforge-build \
		    /var/lib/rtforge/target /var/lib/rtforge/cargo-home
		install -d -m 0700 -o rtforge-sign -g rtforge-sign /var/lib/rtforge-sign
	fi
	chown root:root /etc/rtforge/rtforge.json
	chmod 0640 /etc/rtforge/rtforge.json
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
		if [ -n "$2" ]; then
			# An upgrade: pick up the new binaries if it was running.
			systemctl try-restart rtforge.service || true
		fi
	fi
	if command -v deb-systemd-helper >/dev/null 2>&1; then
		# Enabled for the next boot, not started: set build.source_dir
		# in /etc/rtforge/rtforge.json first, then
		# systemctl start rtforge.
		deb-systemd-helper unmask rtforge.service >/dev/null || true
		if deb-systemd-helper --quiet was-enabled rtforge.service; then
			deb-systemd-helper enable rtforge.service >/dev/null || true
		else
			deb-systemd-helper update-state rtforge.service >/dev/null || true
		fi
	fi
fi
exit 0
EOF

cat > "$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	systemctl stop rtforge.service || true
fi
exit 0
EOF

cat > "$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
if [ "$1" = purge ]; then
	if command -v deb-systemd-helper >/dev/null 2>&1; then
		deb-systemd-helper purge rtforge.service >/dev/null || true
	fi
	# The build history and artifacts (/var/lib/rtforge), the key
	# directory and the role users stay: remove them by hand if wanted.
fi
exit 0
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

# --- control -----------------------------------------------------------
depends=
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
	mkdir -p "$work/src/debian"
	printf 'Source: rtforge\n\nPackage: rtforge\nArchitecture: any\n' \
		> "$work/src/debian/control"
	depends=$(cd "$work/src" && dpkg-shlibdeps -O \
		"$root/usr/sbin/rtforged" "$root/usr/lib/rtforge/rtforge-build" \
		"$root/usr/lib/rtforge/rtforge-sign" 2>/dev/null |
		sed -n 's/^shlibs:Depends=//p') || depends=
fi
if [ -z "$depends" ]; then
	depends="libc6 (>= 2.36), libevent-2.1-7, libjansson4, libsodium23, libzstd1, libseccomp2, libcap2"
fi
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: rtforge
Version: $debversion
Architecture: $arch
Maintainer: rtforge <root@localhost>
Installed-Size: $size
Depends: $depends, passwd
Recommends: nginx
Section: admin
Priority: optional
Description: runtime build service for Substrate chains on validator hosts
 rtforge compiles a Substrate chain's runtime WASM and node binary with
 cargo inside a jail (namespaces, cgroup limits, Landlock, seccomp),
 streams each build live over server-sent events behind a reverse proxy,
 and keeps every build's log and content-addressed artifact. A supervisor
 runs the web front, the build worker and the sign worker under separate
 users. Ships a hardened systemd unit and an nginx location snippet.
EOF

deb="$out/rtforge_${debversion}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
