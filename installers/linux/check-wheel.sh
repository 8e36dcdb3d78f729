#!/usr/bin/env bash
# The wheel as a user installs it: into a fresh environment (not editable), run from a folder far
# from the checkout, with a throwaway HOME. Runs analyze on a script and on recordings, the demo
# for 10 s offscreen, and opens every window (installers/check_windows.py).
#
#     installers/linux/check-wheel.sh VENV_PYTHON
set -euo pipefail

python="$(cd "$(dirname "${1:?usage: check-wheel.sh VENV_PYTHON}")" && pwd)/$(basename "$1")"  # not resolved: the venv is the link
bin=$(dirname "$python")
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/../../tests/data" && pwd)
away=$(mktemp -d /tmp/salesmirror-wheel.XXXXXX)
trap 'rm -rf "$away"' EXIT
cd "$away"
export HOME=$away/home QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"

say() { printf '[wheel] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

case "$("$python" -c 'import salesmirror, pathlib; print(pathlib.Path(salesmirror.__file__).parent)')" in
  */site-packages/salesmirror) ;;
  *) fail "salesmirror is not installed from the wheel in $bin" ;;
esac
say "$("$bin/salesmirror-cli" --version), installed in $bin"
"$bin/salesmirror-cli" analyze --script "$data/conversations/pyannote_sample.jsonl" >/dev/null || fail "analyze --script"
"$bin/salesmirror-cli" analyze --you "$data/speech/jfk.flac" --them "$data/speech/librispeech_2412-153948-0000.flac" \
  >/dev/null || fail "analyze --you/--them"
say "analyze (script and recordings) ran from $away"

"$bin/salesmirror" demo >demo.log 2>&1 &
demo=$!
sleep 10
kill -0 "$demo" 2>/dev/null || { cat demo.log; fail "the demo died within 10 s"; }
kill -TERM "$demo"
wait "$demo" || { cat demo.log; fail "the demo did not end cleanly on SIGTERM"; }
if grep -q Traceback demo.log; then cat demo.log; fail "the demo printed a traceback"; fi
say "the demo ran 10 s and ended cleanly"

"$python" "$here/../check_windows.py" 2>windows.log || { cat windows.log; fail "a window did not open"; }
