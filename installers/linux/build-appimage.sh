#!/usr/bin/env bash
# An AppImage from the same PyInstaller folder as the .deb, for distributions without apt.
#
#     installers/linux/build-appimage.sh build/dist/SalesMirror build/dist
#
# Needs appimagetool (https://github.com/AppImage/appimagetool): on the PATH, or its path in
# APPIMAGETOOL; without it this prints how to get it and exits 1 (the release workflow fetches it).
# Like the .deb, the AppImage leaves the system libraries to the host (the spec's
# exclude_system_libraries), PortAudio included, so the host needs libportaudio2 (or its
# distribution's portaudio package) for the microphone.
set -euo pipefail

bundle=$(realpath "${1:?usage: build-appimage.sh BUNDLE_FOLDER OUTPUT_FOLDER}")
output=${2:?usage: build-appimage.sh BUNDLE_FOLDER OUTPUT_FOLDER}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app_id=io.github.salesmirror.SalesMirror
tool=${APPIMAGETOOL:-$(command -v appimagetool || true)}
if [ -z "$tool" ]; then
  arch=$(uname -m)
  tool=$(mktemp -d)/appimagetool
  url=https://github.com/AppImage/appimagetool/releases/download/continuous/appimagetool-$arch.AppImage
  echo "appimagetool not found: fetching $url (set APPIMAGETOOL to use your own)" >&2
  curl -fsSL -o "$tool" "$url" || { echo "could not fetch appimagetool" >&2; exit 1; }
  chmod +x "$tool"
fi

version=$("$bundle/salesmirror-cli" --version | awk '{print $2}')
appdir=$(mktemp -d)/SalesMirror.AppDir
trap 'rm -rf "$(dirname "$appdir")"' EXIT
mkdir -p "$appdir/usr/lib" "$appdir/usr/share/metainfo" "$appdir/usr/share/applications"
cp -a "$bundle" "$appdir/usr/lib/salesmirror"
cat >"$appdir/AppRun" <<'EOF'
#!/bin/sh
# `SalesMirror.AppImage` starts the window; `SalesMirror.AppImage analyze ...` works as the CLI.
here=$(dirname "$(readlink -f "$0")")
exec "$here/usr/lib/salesmirror/salesmirror" "$@"
EOF
chmod +x "$appdir/AppRun"
install -m 644 "$here/$app_id.desktop" "$appdir/$app_id.desktop"
install -m 644 "$here/$app_id.desktop" "$appdir/usr/share/applications/$app_id.desktop"
install -m 644 "$root/salesmirror/data/icon/salesmirror-256.png" "$appdir/$app_id.png"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(git -C "$root" log -1 --format=%cs)/" \
  "$here/$app_id.metainfo.xml" >"$appdir/usr/share/metainfo/$app_id.appdata.xml"

mkdir -p "$output"
image="$output/SalesMirror-$version-$(uname -m).AppImage"
ARCH=$(uname -m) "$tool" --no-appstream "$appdir" "$image" >/dev/null
echo "$image"
