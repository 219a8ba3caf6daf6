#!/usr/bin/env bash
# A fresh pair's first seconds: two namespaces on a veth, wg-quick up on both sides with IMPL as
# WG_QUICK_USERSPACE_IMPLEMENTATION (timed), one ping (timed), then iperf3 -t SECONDS -i 1 and the
# throughput of every second, the first 5 s average, and a 20-ping RTT. What a user feels right
# after `wg-quick up`. Needs root, iproute2, wireguard-tools, iperf3, python3.
#   bench/e2e/fresh-seconds.sh IMPL [SECONDS]     e.g. bin/jwg, /usr/local/bin/wireguard-go-modern
# KEEPLOG=PREFIX copies jwg's daemon logs (PREFIX.A, PREFIX.B) after teardown, e.g. for
# JWG_JVM_OPTS=-XX:+CITime. Traffic stays in the namespaces (documentation ranges); all is removed on exit.
# fresh pair per-second iperf: /tmp/fresh.sh IMPL_PATH [seconds]
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
impl=$1; secs=${2:-6}
id=$(printf '%04x' $((RANDOM % 65536))); nsA=jfA$id; nsB=jfB$id; ifA=jfwA$id; ifB=jfwB$id
dir=$(mktemp -d /tmp/jwg-fresh.XXXXXX)
cleanup() { for p in "$nsA:$ifA" "$nsB:$ifB"; do ip netns exec ${p%%:*} wg-quick down "$dir/${p#*:}.conf" >/dev/null 2>&1 || true; done
  sleep 0.7; if [ -n "${KEEPLOG:-}" ]; then cp "${TMPDIR:-/tmp}/jwg-$(id -u)/$ifA.log" "$KEEPLOG.A"; cp "${TMPDIR:-/tmp}/jwg-$(id -u)/$ifB.log" "$KEEPLOG.B"; fi
  ip netns pids $nsA 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns pids $nsB 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del $nsA 2>/dev/null || true; ip netns del $nsB 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
ip netns add $nsA; ip netns add $nsB
ip link add veA$id netns $nsA type veth peer name veB$id netns $nsB
ip -n $nsA addr add 198.51.100.1/24 dev veA$id; ip -n $nsB addr add 198.51.100.2/24 dev veB$id
for ns in $nsA $nsB; do ip -n $ns link set lo up; done; ip -n $nsA link set veA$id up; ip -n $nsB link set veB$id up
kA=$(wg genkey); kB=$(wg genkey); pA=$(wg pubkey <<<"$kA"); pB=$(wg pubkey <<<"$kB")
conf() { printf '[Interface]\nPrivateKey = %s\nAddress = %s/24\nListenPort = 51820\nMTU = 1420\n\n[Peer]\nPublicKey = %s\nEndpoint = %s:51820\nAllowedIPs = %s/32\n' "$2" "$3" "$4" "$5" "$6" > "$dir/$1.conf"; }
conf $ifA "$kA" 192.0.2.1 "$pB" 198.51.100.2 192.0.2.2; conf $ifB "$kB" 192.0.2.2 "$pA" 198.51.100.1 192.0.2.1
t0=$(date +%s%N)
for s in A B; do ns=nsA; ifc=ifA; [ $s = B ] && { ns=nsB; ifc=ifB; }
  ip netns exec ${!ns} env WG_QUICK_USERSPACE_IMPLEMENTATION="$impl" WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wg-quick up "$dir/${!ifc}.conf" >/dev/null 2>&1; done
t1=$(date +%s%N)
ip netns exec $nsA ping -c 1 -W 5 192.0.2.2 >/dev/null
t2=$(date +%s%N)
ip netns exec $nsB iperf3 -s -1 -D >/dev/null; sleep 0.3
per=$(ip netns exec $nsA iperf3 -c 192.0.2.2 -t $secs -i 1 -J | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join("%5.0f"%(i["sum"]["bits_per_second"]/1e6) for i in d["intervals"]), " avg5 %.0f"%(sum(i["sum"]["bits_per_second"] for i in d["intervals"][:5])/len(d["intervals"][:5])/1e6))')
rtt=$(ip netns exec $nsA ping -q -c 20 -i 0.05 192.0.2.2 | awk -F/ '/^rtt/ {print $5}')
printf '%-22s up %4d ms  first ping %4d ms  Mbit/s per s: %s  rtt %s\n' "$(basename $impl)" $(( (t1-t0)/1000000 )) $(( (t2-t1)/1000000 )) "$per" "$rtt"
