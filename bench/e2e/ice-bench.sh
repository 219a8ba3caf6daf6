#!/usr/bin/env bash
# Does the ICE layer cost anything per packet? Two jwg nodes in two network namespaces joined by
# a veth pair, brought up by `jwg up`, alternately
#   static: the peer's Endpoint in the .conf (plain WireGuard), and
#   ice:    no Endpoint; ICE finds the (host) path through `jwg signal` (IceBind demultiplexes
#           every datagram, WireGuard then goes straight to the selected pair)
# and iperf3 TCP throughput plus ping RTT through the tunnel, ROUNDS times each, interleaved
# (static, ice, ice, static, ...) so drift on a noisy machine hits both alike. Prints the medians and
# the ice/static ratio. Needs root, iproute2, iperf3, python3. Traffic stays inside the namespaces.
#
#   bench/e2e/ice-bench.sh [-t SECONDS] [-r ROUNDS] [-w WARMUP_SECONDS]
set -euo pipefail
secs=10; rounds=3; warm=5
while getopts "t:r:w:" o; do case $o in t) secs=$OPTARG;; r) rounds=$OPTARG;; w) warm=$OPTARG;; *) exit 2;; esac; done
root=$(cd "$(dirname "$0")/../.." && pwd)
jwg=$root/bin/jwg
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
for t in ip iperf3 ping python3; do command -v $t >/dev/null || { echo "missing tool: $t"; exit 1; }; done

id=$(printf '%04x' $((RANDOM % 65536)))
nsA=jiA$id; nsB=jiB$id; ifA=jiwA$id; ifB=jiwB$id
dir=$(mktemp -d /tmp/jwg-ice-bench.XXXXXX)
down() { for i in $ifA $ifB; do rm -f "/var/run/wireguard/$i.sock"; done; sleep 1.5; }
cleanup() {
  down
  for ns in $nsA $nsB; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

ip netns add "$nsA"; ip netns add "$nsB"
ip link add "viA$id" netns "$nsA" type veth peer name "viB$id" netns "$nsB"
ip -n "$nsA" addr add 198.51.100.1/24 dev "viA$id"; ip -n "$nsB" addr add 198.51.100.2/24 dev "viB$id"
for ns in $nsA $nsB; do ip -n "$ns" link set lo up; done
ip -n "$nsA" link set "viA$id" up; ip -n "$nsB" link set "viB$id" up
ip netns exec "$nsA" "$jwg" signal --listen 198.51.100.1:8443 >"$dir/signal.log" 2>&1 &
for _ in $(seq 100); do grep -q listening "$dir/signal.log" 2>/dev/null && break; sleep 0.1; done

kA=$("$jwg" genkey); kB=$("$jwg" genkey); pA=$("$jwg" pubkey <<<"$kA"); pB=$("$jwg" pubkey <<<"$kB")
conf() { # mode ifname privkey addr peerpub peerunderlay peeraddr
  { printf '[Interface]\nPrivateKey = %s\nAddress = %s/24\nListenPort = 51820\nMTU = 1420\n' "$3" "$4"
    [ "$1" = ice ] && printf '#! IceSignal = http://198.51.100.1:8443/\n'
    printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = %s/32\n' "$5" "$7"
    [ "$1" = static ] && printf 'Endpoint = %s:51820\n' "$6"
  } > "$dir/$2.conf"
}

measure() { # mode -> "gbps rtt"
  conf "$1" "$ifA" "$kA" 192.0.2.1 "$pB" 198.51.100.2 192.0.2.2
  conf "$1" "$ifB" "$kB" 192.0.2.2 "$pA" 198.51.100.1 192.0.2.1
  ip netns exec "$nsA" "$jwg" up "$dir/$ifA.conf" >/dev/null
  ip netns exec "$nsB" "$jwg" up "$dir/$ifB.conf" >/dev/null
  ip netns exec "$nsA" ping -c 1 -W 10 192.0.2.2 >/dev/null || { echo "$1: no connectivity" >&2; "$jwg" status -d "$ifA" >&2 || true; down; exit 1; }
  if [ "$1" = ice ]; then "$jwg" status "$ifA" | grep -q "P2P" || { echo "ice: not P2P" >&2; "$jwg" status -d "$ifA" >&2; down; exit 1; }; fi
  ip netns exec "$nsB" iperf3 -s -1 -D >/dev/null; sleep 0.3
  ip netns exec "$nsA" iperf3 -c 192.0.2.2 -t "$warm" >/dev/null 2>&1 || true
  rtt=$(ip netns exec "$nsA" ping -q -c 50 -i 0.05 192.0.2.2 | awk -F/ '/^rtt/ {print $5}')
  ip netns exec "$nsB" iperf3 -s -1 -D >/dev/null; sleep 0.3
  gbps=$(ip netns exec "$nsA" iperf3 -c 192.0.2.2 -t "$secs" -J | python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))')
  if [ "$1" = ice ]; then "$jwg" status -d "$ifA" | grep -E "sessions|state|path changed" | sed 's/^/    /' >&2; fi
  down
  echo "$gbps $rtt"
}

declare -a st_g st_r ice_g ice_r
run_static() { read -r g t <<<"$(measure static)"; [ -n "$g" ] || exit 1; st_g+=("$g"); st_r+=("$t"); printf 'round %d static: %s Gbit/s, rtt %s ms\n' "$1" "$g" "$t"; }
run_ice() { read -r g t <<<"$(measure ice)"; [ -n "$g" ] || exit 1; ice_g+=("$g"); ice_r+=("$t"); printf 'round %d ice:    %s Gbit/s, rtt %s ms\n' "$1" "$g" "$t"; }
for r in $(seq "$rounds"); do # the order alternates: a drift over the run does not favour either
  if [ $((r % 2)) = 1 ]; then run_static "$r"; run_ice "$r"; else run_ice "$r"; run_static "$r"; fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms=$(median "${st_g[@]}"); mi=$(median "${ice_g[@]}"); rs=$(median "${st_r[@]}"); ri=$(median "${ice_r[@]}")
printf 'median static %s Gbit/s rtt %s ms | ice %s Gbit/s rtt %s ms | ice/static throughput x%s rtt x%s\n' \
  "$ms" "$rs" "$mi" "$ri" "$(awk -v a="$mi" -v b="$ms" 'BEGIN {printf "%.3f", a/b}')" "$(awk -v a="$ri" -v b="$rs" 'BEGIN {printf "%.3f", a/b}')"
