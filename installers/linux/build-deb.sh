#!/usr/bin/env bash
# Lays the PyInstaller folder out as a Debian package and builds it with dpkg-deb:
#   /opt/salesmirror/                      the bundle (both programs and their libraries)
#   /usr/bin/salesmirror, salesmirror-cli  links onto the PATH
#   /usr/share/applications, metainfo, icons/hicolor   the menu entry, AppStream data, the icon
#
#     installers/linux/build-deb.sh build/dist/SalesMirror build/dist
#
# Prints the path of the .deb it wrote. Depends lists the host libraries the bundle leaves out (the
# spec's exclude_system_libraries); it was found with ldd in a pristine Debian made with debootstrap
# and is proven by installers/linux/check-in-debian.sh. SALESMIRROR_DEB_COMPRESSION picks dpkg-deb's
# compressor: xz (default, the smallest download) or zstd (seconds instead of a minute, for CI).
set -euo pipefail

bundle=${1:?usage: build-deb.sh BUNDLE_FOLDER OUTPUT_FOLDER}
output=${2:?usage: build-deb.sh BUNDLE_FOLDER OUTPUT_FOLDER}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app_id=io.github.salesmirror.SalesMirror

# What ldd finds missing in the bundle on a pristine minbase Debian, by package. "X | Y" covers
# Debian 13 and Ubuntu 24.04, where the 64-bit time transition renamed some libraries.
depends=(
  libc6
  libportaudio2                       # sounddevice loads the host's PortAudio (ALSA, JACK)
  "libglib2.0-0t64 | libglib2.0-0" "libssl3t64 | libssl3" "libreadline8t64 | libreadline8"
  libsqlite3-0 libffi8 libbz2-1.0 liblzma5 zlib1g
  libfontconfig1 libfreetype6 libbrotli1
  libgl1 libegl1 libdrm2 libdbus-1-3 libgssapi-krb5-2
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  libx11-6 libx11-xcb1 libxkbcommon0 libxkbcommon-x11-0
  libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1
)

version=$("$bundle/salesmirror-cli" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
release_date=$(git -C "$root" log -1 --format=%cs 2>/dev/null || date -u +%F)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
package=$stage/salesmirror
install -d "$package/DEBIAN" "$package/opt/salesmirror" "$package/usr/bin" \
  "$package/usr/share/applications" "$package/usr/share/metainfo" "$package/usr/share/doc/salesmirror"
cp -a "$bundle/." "$package/opt/salesmirror/"
ln -s /opt/salesmirror/salesmirror "$package/usr/bin/salesmirror"
ln -s /opt/salesmirror/salesmirror-cli "$package/usr/bin/salesmirror-cli"
install -m 644 "$here/$app_id.desktop" "$package/usr/share/applications/"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$release_date/" "$here/$app_id.metainfo.xml" \
  > "$package/usr/share/metainfo/$app_id.metainfo.xml"
for size in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "$root/salesmirror/data/icon/salesmirror-$size.png" \
    "$package/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
install -D -m 644 "$root/resources/icon/salesmirror.svg" "$package/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
install -m 644 "$here/copyright" "$package/usr/share/doc/salesmirror/copyright"
chmod -R u=rwX,go=rX "$package/opt" "$package/usr"

installed_kib=$(du -sk --exclude=DEBIAN "$package" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_kib/" \
  -e "s/@DEPENDS@/$(IFS=,; echo "${depends[*]}" | sed 's/,/, /g')/" "$here/control.in" > "$package/DEBIAN/control"

mkdir -p "$output"
deb="$output/salesmirror_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${SALESMIRROR_DEB_COMPRESSION:-xz}" -b "$package" "$deb" >/dev/null
echo "$deb"
