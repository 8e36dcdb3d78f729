#!/usr/bin/env bash
# The README's screenshots, taken as a user sees the app: the real program on an X server (Xvfb)
# at 1366×768 and 1920×1080, captured with ImageMagick's `import`, during the bundled demo call.
#
#     resources/screenshots/take.sh        (needs xvfb and imagemagick; writes beside itself)
#
# Writes live-W.png (the live window 0:45 into the demo, its first nudge showing), presentation-W.png (presentation mode
# 1:19 into it) and replay-W.png (a stored call, the badly run pitch) for each width W. Check them by eye.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app=${SALESMIRROR:-$(cd "$here/../.." && pwd)/.venv/bin/salesmirror}
home=$(mktemp -d)
trap 'rm -rf "$home"; kill $(jobs -p) 2>/dev/null || true' EXIT
export SALESMIRROR_HOME=$home QT_QPA_PLATFORM=xcb

shot() {  # display, window name or root, file
  if [ "$2" = root ]; then import -display "$1" -window root "$3"; else import -display "$1" -window "$2" "$3"; fi
}

display=:97
for size in 1366x768 1920x1080; do
  width=${size%x*}
  Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
  server=$!
  sleep 1
  DISPLAY=$display "$app" demo --speed 4 >/dev/null 2>&1 &
  sleep 14  # 0:45 into the demo at 4× (its first nudge fires at 0:44), and the start
  shot "$display" SalesMirror "$here/live-$width.png"
  kill -TERM $! && wait $! || true
  DISPLAY=$display "$app" demo --present --speed 4 >/dev/null 2>&1 &
  sleep 22  # 1:19 into the demo
  shot "$display" root "$here/presentation-$width.png"
  kill -TERM $! && wait $! || true
  # A stored call to replay: the badly run pitch (demo runs left part way are not stored).
  "${app%/salesmirror}/salesmirror-cli" analyze --save \
    --script "$here/../../tests/data/playbook/calls/badly_run_pitch.jsonl" >/dev/null 2>&1
  latest=$("${app%/salesmirror}/salesmirror-cli" sessions list --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  DISPLAY=$display "$app" sessions open "$latest" >/dev/null 2>&1 &
  sleep 4
  # The window alone: the empty (black) screen around it trimmed away.
  import -display "$display" -window root png:- | convert - -trim +repage "$here/replay-$width.png"
  kill -TERM $! && wait $! || true
  kill "$server" && wait "$server" || true
done
ls -l "$here"/*.png
