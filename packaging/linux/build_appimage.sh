#!/usr/bin/env bash
# Wrap the PyInstaller bundle as an AppImage (run by .github/workflows/release.yml: the
# AppImage tools are not in Debian's packages, so this does not run in `make package`).
#
#   packaging/linux/build_appimage.sh BUNDLE_DIR OUTPUT.AppImage PATH_TO_appimagetool
#
# Like the .deb, the bundle leaves the desktop's own libraries (GL, X11/xcb, fontconfig,
# D-Bus, GLib) to the host; two that Qt's xcb platform needs and many desktops lack are
# copied in from the build machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

bundle=${1:?usage: build_appimage.sh BUNDLE_DIR OUTPUT.AppImage APPIMAGETOOL}
output=${2:?usage: build_appimage.sh BUNDLE_DIR OUTPUT.AppImage APPIMAGETOOL}
tool=${3:?usage: build_appimage.sh BUNDLE_DIR OUTPUT.AppImage APPIMAGETOOL}
python=${PYTHON:-.venv/bin/python}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
appdir=$work/Slice.AppDir
mkdir -p "$appdir/usr/lib"
cp -a "$bundle" "$appdir/usr/lib/slice"
for lib in libxcb-cursor.so.0 libxkbcommon-x11.so.0; do
  path=$(ldconfig -p | awk -v lib="$lib" '$1 == lib { print $NF; exit }')
  [ -n "$path" ] || { echo "build_appimage: $lib is not installed here" >&2; exit 1; }
  cp -L "$path" "$appdir/usr/lib/slice/_internal/"
done
cat >"$appdir/AppRun" <<'EOF'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
exec "$here/usr/lib/slice/slice-chat" "$@"
EOF
chmod +x "$appdir/AppRun"
cp assets/slice-chat.desktop "$appdir/slice-chat.desktop"
"$python" packaging/render_icons.py "$work/icons" >/dev/null
cp "$work/icons/256.png" "$appdir/slice-chat.png"
ln -s slice-chat.png "$appdir/.DirIcon"
ARCH=x86_64 "$tool" --appimage-extract-and-run "$appdir" "$output"
echo "$output"
