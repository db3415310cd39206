#!/bin/sh
# Builds the rtforge Debian package with dpkg-buildpackage (debhelper) and
# checks it with lintian. `make deb` runs this.
#
#   packaging/build-deb.sh [OUTDIR]        (default OUTDIR: bin/)
#
# The sources as they are in the checkout (committed or not, build output
# left out) are copied to a scratch directory with packaging/debian/ as
# debian/, and built there, so the checkout gets no debian/ and no build
# droppings. The .deb (and the .changes lintian read) go to OUTDIR; the last
# line printed is the .deb's path. lintian errors or warnings fail the
# build; set RTFORGE_DEB_NO_LINTIAN=1 to skip lintian.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/bin}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in dpkg-buildpackage dh; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "build-deb: $tool is missing (make deps installs dpkg-dev and debhelper)" >&2
		exit 1
	}
done

# The package version is the daemon's: refuse a changelog that disagrees.
version=$(sed -n 's/^#define RTFORGE_VERSION "\(.*\)"$/\1/p' "$repo/daemon/main.c")
[ -n "$version" ] || { echo "build-deb: no RTFORGE_VERSION in daemon/main.c" >&2; exit 1; }
debversion=$(dpkg-parsechangelog -l "$repo/packaging/debian/changelog" -S Version)
case "$debversion" in
"$version"-*) ;;
*)	echo "build-deb: packaging/debian/changelog is at $debversion but rtforged is $version;" \
	    "add a changelog entry (dch -v $version-1)" >&2
	exit 1 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/rtforge-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$work/rtforge-$version"
mkdir "$src" "$src/packaging"
cp -a "$repo/Makefile" "$repo/README.md" "$repo/common" "$repo/daemon" \
	"$repo/worker-build" "$repo/worker-sign" "$repo/web" "$src/"
cp -a "$repo/packaging/man" "$repo/packaging/rtforge.json.example" \
	"$repo/packaging/rtforge.service" "$repo/packaging/rtforge.sysusers" \
	"$repo/packaging/rtforge.tmpfiles" "$repo/packaging/nginx-rtforge.conf" \
	"$src/packaging/"
# -L: debian/rtforge.service is a link to packaging/rtforge.service.
cp -RL "$repo/packaging/debian" "$src/debian"

log="$work/build.log"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) >"$log" 2>&1; then
	tail -n 60 "$log" >&2
	echo "build-deb: dpkg-buildpackage failed (the last 60 lines above)" >&2
	exit 1
fi

arch=$(dpkg --print-architecture)
changes="$work/rtforge_${debversion}_$arch.changes"
deb="$work/rtforge_${debversion}_$arch.deb"
[ -f "$deb" ] || { echo "build-deb: dpkg-buildpackage made no $deb" >&2; exit 1; }

if [ "${RTFORGE_DEB_NO_LINTIAN:-}" != 1 ]; then
	if command -v lintian >/dev/null 2>&1; then
		# Info tags are shown too; errors and warnings fail.
		lintian --display-info --fail-on error,warning "$changes" >&2 ||
			{ echo "build-deb: lintian found errors or warnings" >&2; exit 1; }
		echo "build-deb: lintian: no errors, no warnings" >&2
	else
		echo "build-deb: lintian is not installed; skipped (make deps installs it)" >&2
	fi
fi

# Only the files this build made, so an old build never passes for new.
for f in "$work"/*.deb "$work"/*.ddeb "$changes" "$work"/*.buildinfo; do
	[ -f "$f" ] && cp "$f" "$out/"
done
echo "$out/$(basename "$deb")"
