#!/usr/bin/env bash
# macOS: freezes SalesMirror.app, signs it with the hardened runtime and the audio-input
# entitlement, wraps it in a .dmg with an Applications link, and notarizes and staples the .dmg.
#
#     installers/macos/build-dmg.sh            (from the repository root, in the freeze environment)
#
# Signing and notarization are driven by the environment, so a release pipeline supplies the
# identity and a developer builds unsigned (ad-hoc) without changing anything:
#   SALESMIRROR_CODESIGN_IDENTITY  "Developer ID Application: Name (TEAMID)"; unset: ad-hoc signing
#   SALESMIRROR_NOTARY_APPLE_ID, SALESMIRROR_NOTARY_TEAM_ID, SALESMIRROR_NOTARY_PASSWORD
#                                  an app-specific password; all three set: notarize and staple
# The entitlements (installers/macos/entitlements.plist) go to every binary PyInstaller signs and
# to the .app; the .dmg itself is signed without them (a disk image has none).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
identity=${SALESMIRROR_CODESIGN_IDENTITY:-}
entitlements=installers/macos/entitlements.plist

pyinstaller --noconfirm --clean --log-level WARN --distpath build/dist --workpath build/work \
  installers/salesmirror.spec
app=build/dist/SalesMirror.app
version=$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$app/Contents/Info.plist")
arch=$(uname -m)

# PyInstaller signed every collected binary, both programs and the .app itself with the identity,
# the hardened runtime (--options=runtime) and the entitlements; check the result.
codesign --verify --deep --strict --verbose=2 "$app"
codesign --display --entitlements - "$app" | grep -q com.apple.security.device.audio-input \
  || { echo "the audio-input entitlement is missing from $app" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg=build/dist/SalesMirror-$version-macos-$arch.dmg
rm -f "$dmg"
hdiutil create -volname "SalesMirror $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"

if [ -n "$identity" ]; then
  codesign --force --timestamp --sign "$identity" "$dmg"
fi
if [ -n "${SALESMIRROR_NOTARY_APPLE_ID:-}" ] && [ -n "${SALESMIRROR_NOTARY_TEAM_ID:-}" ] \
  && [ -n "${SALESMIRROR_NOTARY_PASSWORD:-}" ]; then
  xcrun notarytool submit "$dmg" --wait \
    --apple-id "$SALESMIRROR_NOTARY_APPLE_ID" --team-id "$SALESMIRROR_NOTARY_TEAM_ID" \
    --password "$SALESMIRROR_NOTARY_PASSWORD"
  xcrun stapler staple "$dmg"
  spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
else
  echo "not notarized (SALESMIRROR_NOTARY_* unset): Gatekeeper will ask users to confirm the first start" >&2
fi
echo "$dmg"
