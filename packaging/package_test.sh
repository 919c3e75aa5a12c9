#!/usr/bin/env bash
# The installer smoke test (`make package-test`): install the .deb as a user would, run the
# installed app in a real X window, try the bad cases, check every bundled library with
# ldd, report sizes, uninstall, and check that the user's data is still there.
#   packaging/package_test.sh build/slice-chat_<version>_<arch>.deb
# Needs root (it installs a package), as in CI. The package is removed at the end, pass or
# fail, so the machine is left as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

deb=$(realpath "${1:?usage: packaging/package_test.sh PATH_TO_DEB}")
python=.venv/bin/python
artifacts=$PWD/tests/artifacts
screenshot=$artifacts/package_self_test.png
package=slice-chat
app=/usr/bin/slice-chat
starter=SmolLM2-135M-Instruct.Q4_1.gguf

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "it installs a .deb, so it runs as root (as CI does): sudo make package-test"
command -v xvfb-run >/dev/null || fail "xvfb-run is missing: run scripts/setup.sh --package"
mkdir -p "$artifacts"
work=$(mktemp -d /tmp/slice-package-test.XXXXXX)
chmod 755 "$work"

cleanup() {
  if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "installed"; then
    say "Removing $package (the test installed it)"
    dpkg --purge "$package" >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A person's session: a fresh home, nothing from this shell (no SLICE_HOME, no offscreen Qt),
# except GGML_VK_VISIBLE_DEVICES: a Vulkan build is tested on lavapipe, which ggml leaves
# out unless it is named.
user_env() {
  local home=$1; shift
  env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    ${GGML_VK_VISIBLE_DEVICES:+GGML_VK_VISIBLE_DEVICES=$GGML_VK_VISIBLE_DEVICES} "$@"
}
# The same, as the unprivileged user nobody (who cannot read root's 0600 files).
nobody_env() {
  local home=$1; shift
  runuser -u nobody -- env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "$@"
}
# The one JSON line a self-test prints.
json_line() { grep -E '^\{' "$1" | tail -n 1; }
field() { "$python" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(v if v is not None else "")' "$1" "$2"; }

say "Installing $(basename "$deb") ($(du -h "$deb" | cut -f1))"
if ! dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
  # Depends not met yet on this machine: let apt bring them, as `apt install ./x.deb` does.
  say "dpkg -i left dependencies to install; asking apt-get for them"
  apt-get update -qq
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >>"$work/dpkg.log" 2>&1; then
    cat "$work/dpkg.log" >&2
    fail "the .deb does not install"
  fi
fi
dpkg-query -W -f='${Status}' "$package" | grep -q "install ok installed" || fail "$package is not installed"
for path in "$app" /opt/slice/slice-chat /usr/share/applications/slice-chat.desktop \
            /usr/share/icons/hicolor/256x256/apps/slice-chat.png \
            /usr/share/icons/hicolor/scalable/apps/slice-chat.svg; do
  [ -e "$path" ] || fail "the package did not install $path"
done

say "Installed app: --version, --help and chat on the command line"
user_env "$work/home-cli" "$app" --version | grep -q "^slice-chat " || fail "--version"
user_env "$work/home-cli" "$app" --help | grep -q "usage: slice-chat" || fail "--help"
user_env "$work/home-cli" "$app" chat --model /opt/slice/_internal/models/$starter \
  --prompt "Say hi." --max-tokens 8 --seed 1 --json >"$work/chat.json" \
  || fail "slice-chat chat exited $?: $(cat "$work/chat.json")"
[ -n "$(field "$(cat "$work/chat.json")" reply)" ] || fail "chat gave no reply: $(cat "$work/chat.json")"

say "Installed app: slice-chat serve answers the OpenAI API, then stops on Ctrl+C"
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# exec: $! must be the server itself (a backgrounded function's shell ignores SIGINT).
(exec env -i HOME="$work/home-cli" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  "$app" serve --port "$port" --threads 2 --ctx 1024 2>"$work/serve.err") &
serve_pid=$!
for _ in $(seq 1 120); do
  grep -q "Press Ctrl+C" "$work/serve.err" && break
  kill -0 "$serve_pid" 2>/dev/null || fail "slice-chat serve exited: $(cat "$work/serve.err")"
  sleep 0.5
done
key=$(sed -n 's/^API key: //p' "$work/serve.err")
[ -n "$key" ] || fail "slice-chat serve printed no key: $(cat "$work/serve.err")"
"$python" - "$port" "$key" >"$work/serve.json" <<'PY' || fail "the API did not answer: $(cat "$work/serve.json" "$work/serve.err")"
import json, sys, urllib.request
port, key = sys.argv[1], sys.argv[2]
body = {"messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8, "stream": True}
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/v1/chat/completions", data=json.dumps(body).encode(),
    headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
events = urllib.request.urlopen(request, timeout=120).read().decode().split("\n\n")
assert events[-2] == "data: [DONE]", events[-3:]
text = "".join(json.loads(e[6:])["choices"][0]["delta"].get("content") or ""
               for e in events[:-2] if json.loads(e[6:])["choices"])
assert text.strip(), events
print(json.dumps({"reply": text}))
PY
kill -INT "$serve_pid"
wait "$serve_pid" || fail "slice-chat serve did not stop cleanly on Ctrl+C: $(cat "$work/serve.err")"

say "Installed app: first launch in a real window (Xvfb), offline, with a fresh home"
home=$work/home
rm -f "$screenshot"
user_env "$home" xvfb-run -a "$app" --self-test --screenshot "$screenshot" >"$work/self-test.out" 2>"$work/self-test.err" \
  || { cat "$work/self-test.out" "$work/self-test.err" >&2; fail "the self-test exited non-zero"; }
report=$(json_line "$work/self-test.out")
echo "$report"
[ "$(field "$report" ok)" = "True" ] || fail "the self-test says not ok: $report"
case "$(field "$report" model)" in
  "$home"/*/"$starter") ;;
  *) fail "the starter model was not installed into the user's data folder: $report" ;;
esac
[ -s "$screenshot" ] || fail "no screenshot at $screenshot"
[ "$(field "$report" gui_native_libraries)" = "[]" ] || fail "llama.cpp was loaded into the window's process: $report"
if [ "${SLICE_BACKEND:-cpu}" = vulkan ]; then
  # Built for Vulkan and run on a Vulkan device (lavapipe in CI): the layers went there.
  [ "$(field "$report" backend)" = gpu ] || fail "the Vulkan build ran on the CPU: $report"
fi

say "Installed app: the engine probe (what the window knows of llama.cpp, from a child)"
probe=$(user_env "$work/home-probe" "$app" --engine-probe) || fail "--engine-probe exited $?"
"$python" - "$probe" <<'PY' || fail "the engine probe's answer is wrong: $probe"
import json, sys
answer = json.loads(sys.argv[1])
assert answer["engine"] and "llama" in answer["architectures"], answer
assert any(d["type"] == "cpu" for d in answer["devices"]), answer
PY

say "Bad case: a model file that does not exist"
if user_env "$work/home-bad" xvfb-run -a "$app" --self-test --model "$work/missing.gguf" >"$work/missing.out" 2>&1; then
  fail "the self-test passed on a missing model"
fi
grep -q "not found" <<<"$(json_line "$work/missing.out")" || fail "no reason given: $(cat "$work/missing.out")"
echo "    $(field "$(json_line "$work/missing.out")" error)"

say "Bad case: a model file the user cannot read"
cp "/opt/slice/_internal/models/$starter" "$work/private.gguf"
chmod 600 "$work/private.gguf"
mkdir -p "$work/home-nobody" && chown nobody "$work/home-nobody"
if nobody_env "$work/home-nobody" xvfb-run -a "$app" --self-test \
     --model "$work/private.gguf" >"$work/private.out" 2>&1; then
  fail "the self-test passed on an unreadable model"
fi
grep -qi "permission denied" <<<"$(json_line "$work/private.out")" || fail "no reason given: $(cat "$work/private.out")"
echo "    $(field "$(json_line "$work/private.out")" error)"

say "Bad case: no writable home folder"
if nobody_env /nonexistent xvfb-run -a "$app" --self-test >"$work/nohome.out" 2>"$work/nohome.err"; then
  fail "the app started with no writable home"
fi
grep -q "SLICE_HOME" "$work/nohome.err" || fail "no clear message: $(cat "$work/nohome.out" "$work/nohome.err")"
echo "    $(grep "error:" "$work/nohome.err" | head -n 1)"

say "Every bundled library, with ldd"
"$python" packaging/check_bundle.py /opt/slice --deb "$deb" --package "$package"

say "Uninstalling: the app goes, the user's data stays"
dpkg --purge "$package" >/dev/null
if [ -e /opt/slice ] || [ -e "$app" ]; then fail "files left behind after uninstall"; fi
[ -f "$home/.local/share/Slice/models/$starter" ] || fail "uninstalling removed the user's models"
[ -f "$home/.local/share/Slice/library.json" ] || fail "uninstalling removed the user's library"

echo "package-test: passed (screenshot of the installed app: $screenshot)"
