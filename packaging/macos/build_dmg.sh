#!/usr/bin/env bash
# Sign, notarise and wrap Slice.app in a .dmg (macOS; run by .github/workflows/release.yml).
#
#   packaging/macos/build_dmg.sh build/dist/Slice.app build/Slice-<version>-macos-arm64.dmg
#
# Signing happens only when MACOS_SIGN_IDENTITY is set, notarisation only when the three
# APPLE_* variables are set too. In the release workflow they come from these secrets:
#   MACOS_CERT_P12        base64 of a "Developer ID Application" certificate + key (.p12)
#   MACOS_CERT_PASSWORD   the .p12's password
#   MACOS_SIGN_IDENTITY   the certificate's name: "Developer ID Application: Name (TEAMID)"
#   APPLE_ID              the Apple ID of a member of the developer team
#   APPLE_TEAM_ID         the team's ten-character ID
#   APPLE_APP_PASSWORD    an app-specific password for that Apple ID (appleid.apple.com)
# (the workflow imports the certificate into a temporary keychain before calling this).
# Without them the .dmg is unsigned, and Gatekeeper asks users to confirm the first launch
# (right-click the app, Open).
set -euo pipefail

app=${1:?usage: build_dmg.sh PATH_TO_Slice.app OUTPUT.dmg}
dmg=${2:?usage: build_dmg.sh PATH_TO_Slice.app OUTPUT.dmg}
here=$(cd "$(dirname "$0")" && pwd)
say() { printf '==> %s\n' "$*"; }

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  say "Signing $app as '$MACOS_SIGN_IDENTITY' (hardened runtime)"
  sign=(codesign --force --timestamp --options runtime
        --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY")
  # Inside out: every library and executable first, then the bundle itself.
  find "$app/Contents" -type f \( -name '*.dylib' -o -name '*.so' -o -perm -u+x \) -print0 |
    xargs -0 -n 20 "${sign[@]}"
  "${sign[@]}" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
else
  say "MACOS_SIGN_IDENTITY is not set: the app stays ad-hoc signed (PyInstaller's)"
fi

say "Creating $dmg"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname Slice -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi
if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
   && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  say "Notarising $dmg (this waits for Apple's answer)"
  xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$dmg"
else
  say "Not notarised (APPLE_ID, APPLE_TEAM_ID or APPLE_APP_PASSWORD is not set)"
fi
say "Done: $dmg"
