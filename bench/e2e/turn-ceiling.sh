#!/usr/bin/env bash
# The ceiling of coturn alone (issue 13 item 1): no jwg, no NAT, no TCP — one client blasts TURN
# ChannelData (DATA bytes each, as a WireGuard datagram of a full 1420-MTU packet) into its
# allocation, channel-bound to a second allocation on the same server, whose ChannelData the
# client counts: every datagram crosses coturn twice, as on the relayed path of two symmetric NATs.
# Two namespaces joined by a veth pair (coturn 198.51.100.1, the client 198.51.100.2), coturn
# started as testkit/Coturn starts it plus EXTRA options; prints the delivered rate, coturn's CPU
# (total and per thread, % of one core), the client's, and UDP receive-buffer drops in coturn's
# namespace and the client's.
#
#   bench/e2e/turn-ceiling.sh [-F] [-t SECONDS] [-s DATA] [-r ROUNDS] [-p PPS,...] [-- EXTRA coturn options...]
#   -F: instead of coturn, bench/e2e/chanfwd.c (no TURN, recvmmsg/sendmmsg, one hop): what a
#       batched relay's forwarding alone costs
#   -J: instead of coturn, `jwg relay` (bin/jwg; both allocations on it, so the datagrams go relay to
#       relay inside it: one hop); the CPU figures are its JVM's
#   -p: the sender's pace in datagrams/s (0: as fast as it can); a list runs each pace per round
#   JWG=path/to/bin/jwg runs another build's jwg relay (before/after comparisons)
#
# Needs root, iproute2, turnserver (coturn), gcc, python3. Everything is torn down on exit.
set -euo pipefail
secs=5; size=1452; rounds=1; pps=0; fwd=""; jwgrelay=""; lpid=""
while getopts "FJt:s:r:p:" o; do case $o in F) fwd=1;; J) jwgrelay=1;; t) secs=$OPTARG;; s) size=$OPTARG;; r) rounds=$OPTARG;; p) pps=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND - 1))
extra=("$@")
root=$(cd "$(dirname "$0")/../.." && pwd)
jwg=${JWG:-$root/bin/jwg}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
for t in ip turnserver gcc python3; do command -v $t >/dev/null || { echo "missing tool: $t"; exit 1; }; done
id=$(printf '%04x' $((RANDOM % 65536)))
nsT=jtcT$id; nsC=jtcC$id
dir=$(mktemp -d /tmp/jwg-turnceiling.XXXXXX)
tpid=""
cleanup() {
  [ -n "$tpid" ] && kill "$tpid" 2>/dev/null || true
  [ -n "$lpid" ] && kill "$lpid" 2>/dev/null || true
  ip netns pids "$nsC" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$nsT" 2>/dev/null || true
  ip netns del "$nsC" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
gcc -O2 -o "$dir/turnblast" "$root/bench/e2e/turnblast.c"
ip netns add "$nsT"; ip netns add "$nsC"
ip link add tc0 netns "$nsT" type veth peer name tc1 netns "$nsC"
ip -n "$nsT" addr add 198.51.100.1/24 dev tc0; ip -n "$nsC" addr add 198.51.100.2/24 dev tc1
for n in "$nsT" "$nsC"; do ip -n "$n" link set lo up; done
ip -n "$nsT" link set tc0 up; ip -n "$nsC" link set tc1 up
gcc -O2 -o "$dir/chanfwd" "$root/bench/e2e/chanfwd.c"
if [ -n "$jwgrelay" ]; then
setup=(198.51.100.1:3478 u p)
ip netns exec "$nsT" "$jwg" relay --listen 198.51.100.1:3478 --relay-ip 198.51.100.1 --ports 49152-49999 \
  --realm jwg.test --user u:p --stats 1 >"$dir/out" 2>&1 &
lpid=$!
for _ in $(seq 300); do grep -q 'listening on udp' "$dir/out" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on udp' "$dir/out" || { echo "jwg relay did not start:"; cat "$dir/out"; exit 1; }
for c in $(cat /proc/$lpid/task/*/children); do [ "$(cat /proc/$c/comm)" = java ] && tpid=$c; done
[ -n "$tpid" ] || { echo "jwg relay's JVM not found under launcher pid $lpid"; exit 1; }
echo "jwg relay: launcher pid $lpid, JVM pid $tpid threads $(ls /proc/$tpid/task | wc -l)"
elif [ -n "$fwd" ]; then
ip netns exec "$nsT" "$dir/chanfwd" 198.51.100.1 3478 100000 >"$dir/out" 2>&1 &
tpid=$!; sleep 0.3
echo "chanfwd pid $tpid"
setup=(--plain 198.51.100.1:3478)
else
setup=(198.51.100.1:3478 u p)
ip netns exec "$nsT" turnserver -n --listening-ip=198.51.100.1 --listening-port=3478 --relay-ip=198.51.100.1 \
  --min-port=49152 --max-port=49999 --lt-cred-mech --user=u:p --realm=jwg.test --fingerprint --no-tls --no-dtls \
  --no-cli --allowed-peer-ip=198.51.100.1 --userdb="$dir/turndb" --pidfile="$dir/pid" --log-file="$dir/log" \
  --simple-log --no-stdout-log "${extra[@]}" >"$dir/out" 2>&1 &
tpid=$!
for _ in $(seq 100); do ip netns exec "$nsT" ss -Hlun | grep -q '198.51.100.1:3478 ' && break; sleep 0.1; done
echo "coturn $(turnserver --version 2>&1 | head -1) pid $tpid threads $(ls /proc/$tpid/task | wc -l) extra: ${extra[*]:-none}"
fi
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "$1"; }  # utime + stime
rcvbuf() { ip netns exec "$1" awk '/^Udp:/ {if (!h) {for (i = 1; i <= NF; i++) n[i] = $i; h = 1} else for (i = 1; i <= NF; i++) if (n[i] == "RcvbufErrors") print $i}' /proc/net/snmp; }
for r in $(seq "$rounds"); do
  for rate in ${pps//,/ }; do
  declare -A before=()
  for t in /proc/$tpid/task/*; do before[$t]=$(ticks "$t/stat"); done
  t0=$(ticks /proc/$tpid/stat); dT0=$(rcvbuf "$nsT"); dC0=$(rcvbuf "$nsC"); w0=$(date +%s.%N)
  out=$(ip netns exec "$nsC" bash -c 'COTURN_PID=$5 python3 "$1" "${@:7}" /usr/bin/time -f "CLIENT_CPU user %U s, sys %S s" "$2" {send} {recv} {channel} "$3" "$4" "$6" 2>&1' _ \
        "$root/bench/e2e/turn-channel-pair.py" "$dir/turnblast" "$size" "$secs" "$tpid" "$rate" "${setup[@]}")
  w1=$(date +%s.%N); t1=$(ticks /proc/$tpid/stat); dT1=$(rcvbuf "$nsT"); dC1=$(rcvbuf "$nsC")
  wall=$(echo "$w1 - $w0" | bc -l)
  echo "round $r, pace $rate pkt/s (load $(cut -d' ' -f1-3 /proc/loadavg)):"
  echo "$out" | sed 's/^/  /'
  echo "$out" | awk '/^SERVER_CPU/ {cpu = $2} /^SENT/ {win = $5} /^RECEIVED/ {got = $2}
    END {if (got > 0 && cpu != "") printf "  server CPU per delivered datagram: %.1f us\n", cpu / 100 * win * 1e6 / got}'
  printf '  server CPU %.0f %% of one core over %.1f s wall; per thread:' "$(echo "($t1 - $t0) * 100 / $hz / $wall" | bc -l)" "$wall"
  for t in /proc/$tpid/task/*; do
    d=$(( $(ticks "$t/stat") - ${before[$t]:-0} ))
    [ "$d" -gt 0 ] && printf ' %s:%.0f%%' "$(cat "$t/comm")" "$(echo "$d * 100 / $hz / $wall" | bc -l)"
  done
  echo; echo "  UDP RcvbufErrors: the server's namespace +$((dT1 - dT0)), client's +$((dC1 - dC0))"
  if [ -n "$jwgrelay" ]; then sleep 1.2; grep 'jwg relay: .*allocation' "$dir/out" | tail -1 | \
    sed -n 's/.*receive_calls=\([0-9]*\), datagrams_received=\([0-9]*\).*/\1 \2/p' | \
    awk '$1 > 0 {printf "  jwg relay so far: %d datagrams in %d reads, %.1f per read\n", $2, $1, $2 / $1}'; fi
  done
done
