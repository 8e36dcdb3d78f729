#!/usr/bin/env bash
# Installs a SalesMirror .deb with apt-get into a pristine Debian made with debootstrap, and checks
# it there as a user would meet it:
#   --version; analyze --script and analyze --you/--them give the figures the source gives;
#   a bad input exits 2 with one line; the demo is alive after 10 s offscreen and ends cleanly on
#   SIGTERM with no traceback; a demo played to its end is stored; apt-get purge leaves nothing.
#
#     installers/linux/check-in-debian.sh build/dist/salesmirror_*.deb EXPECTED_FOLDER
#
# EXPECTED_FOLDER holds script.json and tracks.json: `analyze --json` of the same inputs run from
# source (the Makefile's installer-check writes them). Needs root, debootstrap and the Debian
# mirror. The pristine system is cached as a tarball (SALESMIRROR_DEBIAN_CACHE, default
# /var/cache/salesmirror-ci), so a second run on the same machine skips debootstrap.
set -euo pipefail

deb=$(realpath "${1:?usage: check-in-debian.sh PACKAGE.deb EXPECTED_FOLDER}")
expected=$(realpath "${2:?usage: check-in-debian.sh PACKAGE.deb EXPECTED_FOLDER}")
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/../../tests/data" && pwd)
suite=${SALESMIRROR_DEBIAN_SUITE:-bookworm}
mirror=${SALESMIRROR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${SALESMIRROR_DEBIAN_CACHE:-/var/cache/salesmirror-ci}
pristine=$cache/debian-$suite-minbase.tar

say() { printf '[debian %s] %s\n' "$suite" "$*"; }
fail() { say "FAILED: $*"; exit 1; }

root=$(mktemp -d /tmp/salesmirror-debian.XXXXXX)
cleanup() {
  for mount in dev/pts dev proc sys; do
    mountpoint -q "$root/$mount" && umount -l "$root/$mount"
  done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

if [ ! -f "$pristine" ]; then
  say "making a pristine system with debootstrap (cached in $pristine)"
  mkdir -p "$cache"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log"; fail "debootstrap"; }
  tar -C "$root" -cf "$pristine.part" . && mv "$pristine.part" "$pristine"
else
  say "pristine system from the cache ($pristine)"
  tar -C "$root" -xf "$pristine"
fi

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_debian() { chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

mkdir -p "$root/tmp/check"
cp "$deb" "$root/tmp/check/salesmirror.deb"
cp "$data/conversations/pyannote_sample.jsonl" "$data/speech/jfk.flac" \
  "$data/speech/librispeech_2412-153948-0000.flac" "$root/tmp/check/"

say "apt-get install $(basename "$deb")"
in_debian apt-get -o APT::Sandbox::User=root update -qq >/dev/null
started=$(date +%s)
in_debian env DEBIAN_FRONTEND=noninteractive apt-get -o APT::Sandbox::User=root install -y -qq --no-install-recommends \
  /tmp/check/salesmirror.deb >"$root/tmp/check/install.log" 2>&1 \
  || { tail -20 "$root/tmp/check/install.log"; fail "apt-get install"; }
say "installed in $(( $(date +%s) - started )) s: $(in_debian dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} KiB' salesmirror)"

version=$(in_debian salesmirror-cli --version)
[ "$version" = "salesmirror $(dpkg-deb -f "$deb" Version)" ] || fail "--version says '$version'"
say "--version: $version"

in_debian salesmirror-cli analyze --script /tmp/check/pyannote_sample.jsonl --json >"$root/tmp/check/script.json" \
  || fail "analyze --script"
cmp -s "$root/tmp/check/script.json" "$expected/script.json" || fail "analyze --script differs from source"
say "analyze --script: the same figures as from source"

in_debian salesmirror-cli analyze --you /tmp/check/jfk.flac --them /tmp/check/librispeech_2412-153948-0000.flac \
  --json >"$root/tmp/check/tracks.json" || fail "analyze --you/--them"
cmp -s "$root/tmp/check/tracks.json" "$expected/tracks.json" || fail "analyze --you/--them differs from source"
say "analyze --you/--them: the same figures as from source"

status=0
in_debian salesmirror-cli analyze --you /tmp/check/nothing.wav --them /tmp/check/jfk.flac \
  >"$root/tmp/check/bad.out" 2>&1 || status=$?
[ "$status" = 2 ] || fail "a missing file exited $status, not 2"
grep -q "Traceback" "$root/tmp/check/bad.out" && fail "a missing file gave a traceback"
say "a bad input exits 2: $(head -1 "$root/tmp/check/bad.out")"

chroot "$root" env -i HOME=/root PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
  salesmirror demo >"$root/tmp/check/demo.log" 2>&1 &
demo=$!
sleep 10
kill -0 "$demo" 2>/dev/null || { cat "$root/tmp/check/demo.log"; fail "the demo died within 10 s"; }
kill -TERM "$demo"
status=0
wait "$demo" || status=$?
grep -q "Traceback" "$root/tmp/check/demo.log" && { cat "$root/tmp/check/demo.log"; fail "the demo printed a traceback"; }
[ "$status" = 0 ] || { cat "$root/tmp/check/demo.log"; fail "the demo exited $status after SIGTERM"; }
say "the demo ran 10 s and ended cleanly on SIGTERM"

# A demo run left part way is not a call; one played to its end is. A trainer's short script
# (the 30-second sample) at 4× ends in about 8 s and must be stored.
chroot "$root" env -i HOME=/root PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
  salesmirror demo --script /tmp/check/pyannote_sample.jsonl --speed 4 >"$root/tmp/check/script-demo.log" 2>&1 &
demo=$!
sleep 14
kill -TERM "$demo"
wait "$demo" || true
sessions=$(in_debian salesmirror-cli sessions list)
echo "$sessions" | grep -Eq "^ *[0-9]+ " || { cat "$root/tmp/check/script-demo.log"; fail "the demo's session was not stored: $sessions"; }
say "a demo played to its end was stored: $(echo "$sessions" | tail -1 | tr -s ' ')"

in_debian env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq salesmirror >/dev/null 2>&1 || fail "apt-get purge"
for left in /opt/salesmirror /usr/bin/salesmirror /usr/bin/salesmirror-cli \
  /usr/share/applications/io.github.salesmirror.SalesMirror.desktop; do
  if [ -e "$root$left" ] || [ -L "$root$left" ]; then fail "$left is still there after purge"; fi
done
say "removed cleanly"
say "all checks passed"
