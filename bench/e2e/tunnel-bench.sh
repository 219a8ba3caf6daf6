#!/usr/bin/env bash
# End-to-end tunnel benchmark: two network namespaces joined by a veth pair, a WireGuard
# interface in each brought up by wg-quick with a chosen userspace implementation, then
# ping RTT and iperf3 TCP throughput through the tunnel, and the CPU the implementations used.
#
#   bench/e2e/tunnel-bench.sh [-t SECONDS] [-p PINGS] [-w WARMUP_SECONDS] PAIR...
#   PAIR is IMPL_A:IMPL_B, each "wireguard-go", "jwg" (crypto inline) or "jwg-wN" (N crypto workers);
#   e.g.  wireguard-go:wireguard-go jwg:wireguard-go jwg:jwg jwg-w2:jwg-w2
#
# Prints one result line per pair and the ratios against the first pair. Needs root, iproute2,
# wireguard-tools (wg, wg-quick), wireguard-go, iperf3. Traffic stays inside the namespaces;
# addresses are documentation ranges; everything is torn down on exit.
set -euo pipefail
secs=10; pings=50; json=""; warm=5
while getopts "t:p:j:w:" o; do case $o in t) secs=$OPTARG;; p) pings=$OPTARG;; j) json=$OPTARG;; w) warm=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND - 1))
[ $# -ge 1 ] || set -- wireguard-go:wireguard-go
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
for t in ip wg wg-quick wireguard-go iperf3 ping; do command -v $t >/dev/null || { echo "missing tool: $t"; exit 1; }; done

impl_path() { case $1 in wireguard-go) command -v wireguard-go;; jwg|jwg-w*) echo "$root/bin/jwg";; *) echo "unknown implementation $1" >&2; exit 2;; esac; }
impl_workers() { case $1 in jwg-w*) echo "${1#jwg-w}";; *) echo 0;; esac; }

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

results=()
for pair in "$@"; do
  a=${pair%%:*}; b=${pair#*:}
  for side in "A:$a" "B:$b"; do
    s=${side%%:*}; impl=${side#*:}
    ns=nsA; ifc=ifA; [ "$s" = B ] && { ns=nsB; ifc=ifB; }
    ip netns exec "${!ns}" env WG_QUICK_USERSPACE_IMPLEMENTATION="$(impl_path "$impl")" JWG_WORKERS="$(impl_workers "$impl")" \
      WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wg-quick up "$dir/${!ifc}.conf" >"$dir/up-$s.log" 2>&1 \
      || { echo "wg-quick up failed for $impl on side $s:"; cat "$dir/up-$s.log"; exit 1; }
  done
  pids=$(ip netns pids "$nsA"; ip netns pids "$nsB")
  ip netns exec "$nsA" ping -c 3 -W 5 192.0.2.2 >/dev/null || { echo "$pair: no connectivity through the tunnel"; exit 1; }
  # Warm-up (unmeasured): a JVM compiles its hot paths during the first seconds; we measure steady state.
  if [ "$warm" -gt 0 ]; then
    ip netns exec "$nsB" iperf3 -s -1 -D -I "$dir/iperf.pid" >/dev/null; sleep 0.3
    ip netns exec "$nsA" iperf3 -c 192.0.2.2 -t "$warm" >/dev/null 2>&1 || true
    ip netns exec "$nsA" ping -q -c 200 -i 0.01 192.0.2.2 >/dev/null 2>&1 || true
    sleep 0.3
  fi
  rtt=$(ip netns exec "$nsA" ping -q -c "$pings" -i 0.05 192.0.2.2 | awk -F/ '/^rtt/ {print $5}')
  ip netns exec "$nsB" iperf3 -s -1 -D -I "$dir/iperf.pid" >/dev/null; sleep 0.5
  t0=$(cpu_ticks $pids); w0=$(date +%s%N)
  gbps=$(ip netns exec "$nsA" iperf3 -c 192.0.2.2 -t "$secs" -J | python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))')
  t1=$(cpu_ticks $pids); w1=$(date +%s%N)
  hz=$(getconf CLK_TCK)
  cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v w=$(( (w1 - w0) / 1000000 )) 'BEGIN {printf "%.2f", d / hz / (w / 1000)}')
  cpg=$(awk -v c="$cpu" -v g="$gbps" 'BEGIN {printf "%.2f", (g > 0 ? c / g : 0)}')
  printf '%-28s throughput %7.3f Gbit/s   rtt %6.3f ms   cpu %4.2f cores   %5.2f cores per Gbit/s\n' "$pair" "$gbps" "$rtt" "$cpu" "$cpg"
  results+=("$pair $gbps $rtt $cpu $cpg")
  for s in A B; do ns=nsA; ifc=ifA; [ "$s" = B ] && { ns=nsB; ifc=ifB; }
    ip netns exec "${!ns}" wg-quick down "$dir/${!ifc}.conf" >/dev/null 2>&1 || true; done
  sleep 1
done

if [ ${#results[@]} -gt 1 ]; then
  read -r base bg br _ <<<"${results[0]}"
  echo "ratios against $base:"
  for r in "${results[@]:1}"; do read -r p g rt _ <<<"$r"
    awk -v p="$p" -v g="$g" -v bg="$bg" -v rt="$rt" -v br="$br" 'BEGIN {printf "  %-28s throughput x%.2f   rtt x%.2f\n", p, g/bg, rt/br}'; done
fi
[ -z "$json" ] || printf '%s\n' "${results[@]}" > "$json"
