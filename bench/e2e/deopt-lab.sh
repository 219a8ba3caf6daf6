#!/usr/bin/env bash
# Deoptimization lab: two network namespaces on a veth, `jwg up -f` in each (foreground, so the
# JVM flags below reach the daemon), iperf3 TCP through the tunnel, and per-daemon logs of C2's
# deoptimizations (-Xlog:deoptimization=debug) and compilations (-XX:+PrintCompilation).
#
#   bench/e2e/deopt-lab.sh [-t SECONDS] [-w WARMUP_SECONDS] OUTDIR
#
# Writes OUTDIR/{A,B}.deopt (the deopt log), OUTDIR/{A,B}.out (stdout: PrintCompilation),
# OUTDIR/iperf.txt, and prints the uncommon traps in jwg.* per method and reason that happened
# after the warm-up (the first WARMUP_SECONDS of iperf3 traffic). Needs root, iproute2, iperf3.
# Addresses are documentation ranges inside the namespaces; everything is torn down on exit.
set -euo pipefail
secs=15; warm=3
while getopts "t:w:" o; do case $o in t) secs=$OPTARG;; w) warm=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND - 1))
out=${1:?usage: deopt-lab.sh [-t SECONDS] [-w WARMUP] OUTDIR}
mkdir -p "$out"; out=$(cd "$out" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
jwg=$root/bin/jwg
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
for t in ip iperf3 ping; do command -v $t >/dev/null || { echo "missing tool: $t"; exit 1; }; done

id=$(printf '%04x' $((RANDOM % 65536)))
nsA=jdA$id; nsB=jdB$id; ifA=jdwA$id; ifB=jdwB$id
dir=$(mktemp -d /tmp/jwg-deopt.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
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

kA=$("$jwg" genkey); kB=$("$jwg" genkey); pA=$("$jwg" pubkey <<<"$kA"); pB=$("$jwg" pubkey <<<"$kB")
conf() { # ifname privkey addr peerpub peerendpoint peeraddr
  cat > "$dir/$1.conf" <<C
[Interface]
PrivateKey = $2
Address = $3/24
ListenPort = 51820
MTU = 1420

[Peer]
PublicKey = $4
Endpoint = $5:51820
AllowedIPs = $6/32
C
}
conf "$ifA" "$kA" 192.0.2.1 "$pB" 198.51.100.2 192.0.2.2
conf "$ifB" "$kB" 192.0.2.2 "$pA" 198.51.100.1 192.0.2.1

for s in A B; do
  ns=ns$s; ifc=if$s
  ip netns exec "${!ns}" env JWG_UAPI_DIR="$dir/uapi$s" \
    JWG_JVM_OPTS="-Xlog:deoptimization=debug:file=$out/$s.deopt:timemillis,uptime,tid -XX:+PrintCompilation ${JWG_LAB_OPTS:-}" \
    "$jwg" up -f "$dir/${!ifc}.conf" >"$out/$s.out" 2>&1 &
  pids+=($!)
done
for i in $(seq 100); do
  ip -n "$nsA" link show "$ifA" >/dev/null 2>&1 && ip -n "$nsB" link show "$ifB" >/dev/null 2>&1 && break; sleep 0.1
done
ip netns exec "$nsA" ping -c 3 -W 5 192.0.2.2 >/dev/null || { echo "no connectivity through the tunnel"; cat "$out/A.out"; exit 1; }
ip netns exec "$nsB" iperf3 -s -1 -D -I "$dir/iperf.pid" >/dev/null; sleep 0.3
start_ms=$(date +%s%3N)
ip netns exec "$nsA" iperf3 -c 192.0.2.2 -t "$secs" >"$out/iperf.txt" 2>&1 || true
tail -4 "$out/iperf.txt" | sed -n 1p
end=$(date +%s%3N)
echo "$start_ms $warm $end" > "$out/window"
python3 "$root/bench/e2e/deopt-count.py" "$out"
