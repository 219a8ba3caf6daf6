#!/usr/bin/env bash
# Issue 11 item 7: load N peers (random keys, one /32 each) with `wg setconf` into a fresh daemon
# in a network namespace of its own; print the time setconf took and the daemon's RSS before and
# 3 s after. Rounds alternate between the implementations given.
#
#   sudo bench/e2e/setconf-bench.sh [-n PEERS] [-r ROUNDS] IMPL...
#   IMPL: jwg | wireguard-go | modern (wireguard-go-modern) | a path to a wireguard-go binary
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
peers=10000; rounds=3
while getopts n:r: o; do case $o in n) peers=$OPTARG;; r) rounds=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND - 1)); [ $# -ge 1 ] || { echo "usage: $0 [-n PEERS] [-r ROUNDS] IMPL..." >&2; exit 2; }
command -v wg >/dev/null || { echo "needs wg (wireguard-tools)" >&2; exit 1; }

work=$(mktemp -d); ns=jwgsc$$
cleanup() { ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

conf=$work/peers.conf
{ echo "[Interface]"; echo "PrivateKey = $(wg genkey)"; echo "ListenPort = 51820"
  python3 - "$peers" <<'PY'
import base64, os, sys
n = int(sys.argv[1])
for i in range(n):
    # Random 32-byte public keys are fine for setconf (any 32 bytes are a Curve25519 u-coordinate).
    print("[Peer]")
    print("PublicKey = " + base64.b64encode(os.urandom(32)).decode())
    print("AllowedIPs = 10.%d.%d.%d/32" % ((i >> 16) & 255, (i >> 8) & 255, i & 255))
PY
} > "$conf"

binary() {
  case $1 in
    jwg) echo "$root/bin/jwg";;
    wireguard-go) echo /usr/bin/wireguard-go;;
    modern) echo /usr/local/bin/wireguard-go-modern;;
    *) echo "$1";;
  esac
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

run_one() {
  local impl=$1 bin; bin=$(binary "$impl")
  ip netns add "$ns"
  ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 "$bin" sc0 >"$work/$impl.log" 2>&1 &
  local pid=$!
  for _ in $(seq 200); do [ -S /var/run/wireguard/sc0.sock ] && break; sleep 0.05; done
  # The launcher (bin/jwg) runs java under bash: measure the process that holds the socket.
  local daemon; daemon=$(ip netns pids "$ns" | while read -r p; do [ "$(readlink "/proc/$p/exe")" != /usr/bin/bash ] && echo "$p"; done | tail -1)
  sleep 1
  local before; before=$(rss_kb "$daemon")
  local t0 t1; t0=$(date +%s.%N)
  ip netns exec "$ns" wg setconf sc0 "$conf"
  t1=$(date +%s.%N)
  local got; got=$(ip netns exec "$ns" wg show sc0 peers | wc -l)
  sleep 3
  local after; after=$(rss_kb "$daemon")
  printf '%-14s setconf %6.3f s  peers %6d  RSS before %7d KB  after %7d KB  load %s\n' \
    "$impl" "$(echo "$t1 - $t0" | bc -l)" "$got" "$before" "$after" "$(cut -d' ' -f1 /proc/loadavg)"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$ns"; rm -f /var/run/wireguard/sc0.sock
  sleep 0.5
}

for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order=("$@"); else order=(); for ((i = $# ; i >= 1; i--)); do order+=("${!i}"); done; fi
  for impl in "${order[@]}"; do echo -n "round $r  "; run_one "$impl"; done
done
