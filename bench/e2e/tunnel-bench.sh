#!/usr/bin/env bash
# End-to-end tunnel benchmark: two network namespaces joined by a veth pair, a WireGuard
# interface in each brought up by wg-quick with a chosen userspace implementation, then
# ping RTT and iperf3 TCP throughput through the tunnel, and the CPU the implementations used.
#
#   bench/e2e/tunnel-bench.sh [-t SECONDS] [-p PINGS] [-w WARMUP_SECONDS] [-f FRESH_SECONDS] [-r ROUNDS] [-j FILE] PAIR...
#   PAIR is IMPL_A:IMPL_B (A sends, B receives), each one of
#     jwg            jwg with its defaults (offloads on, crypto inline)
#     jwg-wN         jwg with N crypto workers;  jwg-nooff: jwg with JWG_OFFLOAD=off
#     wireguard-go   Debian's wireguard-go;  modern: /usr/local/bin/wireguard-go-modern (0.0.20250522)
#     /path/to/bin   any wireguard-go binary
#   e.g.  modern:modern jwg:jwg jwg:modern modern:jwg
#
# Each round brings every pair up fresh: first FRESH seconds of iperf3 on the new daemons (what a
# user feels first), then WARMUP unmeasured seconds, then ping RTT and SECONDS of iperf3 TCP, and
# the CPU the implementations used. Rounds alternate the order of the pairs (odd rounds reversed).
# Prints every measurement, then per pair the median, min ÷ median and the ratios of medians
# against the first pair. Needs root, iproute2, wireguard-tools (wg, wg-quick), iperf3, python3 and
# the implementations named. Traffic stays inside the namespaces; addresses are documentation
# ranges; everything is torn down on exit.
# `jwg bench` (cli/src/main/java/jwg/cli/bench, docs/cli.md) is the same measurement in the jar,
# with --json and an SVG chart; this script stays for comparison with the figures measured with it.
set -euo pipefail
secs=10; pings=50; json=""; warm=5; fresh=5; rounds=1
while getopts "t:p:j:w:f:r:" o; do case $o in t) secs=$OPTARG;; p) pings=$OPTARG;; j) json=$OPTARG;; w) warm=$OPTARG;;
  f) fresh=$OPTARG;; r) rounds=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND - 1))
[ $# -ge 1 ] || set -- wireguard-go:wireguard-go
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
for t in ip wg wg-quick iperf3 ping python3; do command -v $t >/dev/null || { echo "missing tool: $t"; exit 1; }; done

impl_path() { case $1 in
  wireguard-go) command -v wireguard-go || { echo "wireguard-go is not installed" >&2; exit 2; };;
  modern) [ -x /usr/local/bin/wireguard-go-modern ] && echo /usr/local/bin/wireguard-go-modern \
            || { echo "modern wireguard-go is not installed at /usr/local/bin/wireguard-go-modern" >&2; exit 2; };;
  jwg|jwg-w*|jwg-nooff) echo "$root/bin/jwg";;
  /*) [ -x "$1" ] && echo "$1" || { echo "not an executable: $1" >&2; exit 2; };;
  *) echo "unknown implementation $1" >&2; exit 2;; esac; }
impl_workers() { case $1 in jwg-w*) echo "${1#jwg-w}";; *) echo 0;; esac; }
impl_offload() { case $1 in jwg-nooff) echo off;; *) echo on;; esac; }
for pair in "$@"; do impl_path "${pair%%:*}" >/dev/null; impl_path "${pair#*:}" >/dev/null; done

id=$(printf '%04x' $((RANDOM % 65536)))
nsA=jbA$id; nsB=jbB$id; ifA=jbwA$id; ifB=jbwB$id
dir=$(mktemp -d /tmp/jwg-bench.XXXXXX)
cleanup() {
  for pair in "$nsA:$ifA" "$nsB:$ifB"; do
    ns=${pair%%:*}; ifc=${pair#*:}
    ip netns exec "$ns" wg-quick down "$dir/$ifc.conf" >/dev/null 2>&1 || true
    rm -f "/var/run/wireguard/$ifc.sock"
  done
  ip netns pids "$nsA" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns pids "$nsB" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$nsA" 2>/dev/null || true
  ip netns del "$nsB" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

ip netns add "$nsA"; ip netns add "$nsB"
ip link add "veA$id" netns "$nsA" type veth peer name "veB$id" netns "$nsB"
ip -n "$nsA" addr add 198.51.100.1/24 dev "veA$id"; ip -n "$nsB" addr add 198.51.100.2/24 dev "veB$id"
for ns in $nsA $nsB; do ip -n "$ns" link set lo up; done
ip -n "$nsA" link set "veA$id" up; ip -n "$nsB" link set "veB$id" up

kA=$(wg genkey); kB=$(wg genkey); pA=$(wg pubkey <<<"$kA"); pB=$(wg pubkey <<<"$kB")
conf() { # ifname privkey addr4 addr6 peerpub peerendpoint peer4 peer6
  cat > "$dir/$1.conf" <<C
[Interface]
PrivateKey = $2
Address = $3/24, $4/64
ListenPort = 51820
MTU = 1420

[Peer]
PublicKey = $5
Endpoint = $6:51820
AllowedIPs = $7/32, $8/128
C
}
conf "$ifA" "$kA" 192.0.2.1 fd00:2::1 "$pB" 198.51.100.2 192.0.2.2 fd00:2::2
conf "$ifB" "$kB" 192.0.2.2 fd00:2::2 "$pA" 198.51.100.1 192.0.2.1 fd00:2::1

cpu_ticks() { local t=0 p; for p in "$@"; do [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }

iperf_gbps() { # namespace seconds -> Gbit/s received
  ip netns exec "$nsB" iperf3 -s -1 -D -I "$dir/iperf.pid" >/dev/null; sleep 0.3
  ip netns exec "$nsA" iperf3 -c 192.0.2.2 -t "$1" -J | python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))'
}

: > "$dir/results"
for ((round = 1; round <= rounds; round++)); do
  order=("$@"); if ((round % 2 == 0)); then order=(); for ((i = $#; i >= 1; i--)); do order+=("${!i}"); done; fi
  for pair in "${order[@]}"; do
  a=${pair%%:*}; b=${pair#*:}
  for side in "A:$a" "B:$b"; do
    s=${side%%:*}; impl=${side#*:}
    ns=nsA; ifc=ifA; [ "$s" = B ] && { ns=nsB; ifc=ifB; }
    ip netns exec "${!ns}" env WG_QUICK_USERSPACE_IMPLEMENTATION="$(impl_path "$impl")" JWG_WORKERS="$(impl_workers "$impl")" \
      JWG_OFFLOAD="$(impl_offload "$impl")" WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wg-quick up "$dir/${!ifc}.conf" >"$dir/up-$s.log" 2>&1 \
      || { echo "wg-quick up failed for $impl on side $s:"; cat "$dir/up-$s.log"; exit 1; }
  done
  pids=$(ip netns pids "$nsA"; ip netns pids "$nsB")
  ip netns exec "$nsA" ping -c 1 -W 5 192.0.2.2 >/dev/null || { echo "$pair: no connectivity through the tunnel"; exit 1; }
  # A fresh daemon: what a user gets in the first seconds (JIT still compiling).
  first=0; [ "$fresh" -gt 0 ] && first=$(iperf_gbps "$fresh")
  # Warm-up (unmeasured), then steady state.
  if [ "$warm" -gt 0 ]; then
    iperf_gbps "$warm" >/dev/null 2>&1 || true
    ip netns exec "$nsA" ping -q -c 200 -i 0.01 192.0.2.2 >/dev/null 2>&1 || true
    sleep 0.3
  fi
  rtt=$(ip netns exec "$nsA" ping -q -c "$pings" -i 0.05 192.0.2.2 | awk -F/ '/^rtt/ {print $5}')
  t0=$(cpu_ticks $pids); w0=$(date +%s%N)
  gbps=$(iperf_gbps "$secs")
  t1=$(cpu_ticks $pids); w1=$(date +%s%N)
  hz=$(getconf CLK_TCK)
  cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v w=$(( (w1 - w0) / 1000000 )) 'BEGIN {printf "%.2f", d / hz / (w / 1000)}')
  cpg=$(awk -v c="$cpu" -v g="$gbps" 'BEGIN {printf "%.2f", (g > 0 ? c / g : 0)}')
  printf 'round %d  %-24s throughput %7.3f Gbit/s   first %ss %7.3f   rtt %6.3f ms   cpu %4.2f cores   %5.2f cores per Gbit/s\n' \
    "$round" "$pair" "$gbps" "$fresh" "$first" "$rtt" "$cpu" "$cpg"
  echo "$pair $gbps $rtt $cpu $cpg $first" >> "$dir/results"
  for s in A B; do ns=nsA; ifc=ifA; [ "$s" = B ] && { ns=nsB; ifc=ifB; }
    ip netns exec "${!ns}" wg-quick down "$dir/${!ifc}.conf" >/dev/null 2>&1 || true; done
  sleep 1
  done
done

python3 - "$dir/results" "$@" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
pairs = sys.argv[2:]
med = {}
print("pair                      median Gbit/s  min/median  first-s median  first/steady  rtt ms  cpu/Gbit  (n)")
for p in pairs:
    r = [x for x in rows if x[0] == p]
    if not r: continue
    g = [float(x[1]) for x in r]; rt = [float(x[2]) for x in r]; cg = [float(x[4]) for x in r]; f = [float(x[5]) for x in r]
    m = statistics.median(g); med[p] = (m, statistics.median(rt))
    print("%-24s %10.3f %11.2f %14.3f %13.2f %8.3f %9.2f  (%d)" % (p, m, min(g) / m if m else 0, statistics.median(f),
          statistics.median(f) / m if m else 0, statistics.median(rt), statistics.median(cg), len(r)))
if len(med) > 1:
    base = pairs[0]
    print("ratios of medians against %s:" % base)
    for p in pairs[1:]:
        if p in med and med[base][0]:
            print("  %-24s throughput x%.2f   rtt x%.2f" % (p, med[p][0] / med[base][0], med[p][1] / med[base][1]))
PY
[ -z "$json" ] || cp "$dir/results" "$json"
