#!/usr/bin/env bash
# Transfer time through an impaired path: namespaces A and B, each joined by a veth pair to a
# namespace R where the testkit's ImpairRelay forwards the WireGuard UDP between them with loss,
# duplication and reordering (userspace: this machine has no netem). A WireGuard interface in A
# and B is brought up by wg-quick with a chosen userspace implementation; their Endpoints point at
# the relay. Each measurement sends BYTES over one TCP connection through the tunnel (python3 on
# both ends) and times it from connect until the receiver has confirmed the SHA-256 of all of it.
#
#   bench/e2e/impair-bench.sh [-b MIB] [-w WARM_MIB] [-r ROUNDS] [-l LOSS] [-d DUP] [-o REORDER] [-s SEED] PAIR...
#   PAIR is IMPL_A:IMPL_B (A sends, B receives), each one of jwg, jwg-nooff, wireguard-go,
#   modern (/usr/local/bin/wireguard-go-modern) or /path/to/a/wireguard-go
#   -w: an unmeasured transfer of WARM_MIB first on the same daemons (0: measure fresh daemons)
#   defaults: -b 30 -w 0 -r 3 -l 0.05 -d 0.02 -o 0.05 -s 1, pairs wireguard-go:wireguard-go jwg:jwg
#
# Every pair gets a fresh relay with the same seed (the same datagrams are lost, duplicated and
# reordered for every pair) and fresh daemons; rounds alternate the order of the pairs. Prints every
# measurement with the relay's counters, then per pair the median, min ÷ median and the ratio of
# medians against the first pair. Needs root, iproute2, wireguard-tools, python3, a JDK 25 and the
# build (mvn install: testkit/target/classes). Addresses are documentation ranges; traffic stays in
# the namespaces; everything is torn down on exit.
set -euo pipefail
mib=30; warm=0; rounds=3; loss=0.05; dup=0.02; reorder=0.05; seed=1
while getopts "b:w:r:l:d:o:s:" o; do case $o in b) mib=$OPTARG;; w) warm=$OPTARG;; r) rounds=$OPTARG;; l) loss=$OPTARG;; d) dup=$OPTARG;;
  o) reorder=$OPTARG;; s) seed=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND - 1))
[ $# -ge 1 ] || set -- wireguard-go:wireguard-go jwg:jwg
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
for t in ip wg wg-quick python3 ping; do command -v $t >/dev/null || { echo "missing tool: $t"; exit 1; }; done
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; [ -x "$java" ] || java=${JWG_JAVA:-java}
classes="$root/testkit/target/classes"
[ -f "$classes/jwg/testkit/ImpairRelay.class" ] || { echo "build first: mvn -o install -DskipTests (no $classes)"; exit 1; }

impl_path() { case $1 in
  wireguard-go) command -v wireguard-go || { echo "wireguard-go is not installed" >&2; exit 2; };;
  modern) [ -x /usr/local/bin/wireguard-go-modern ] && echo /usr/local/bin/wireguard-go-modern \
            || { echo "modern wireguard-go is not installed at /usr/local/bin/wireguard-go-modern" >&2; exit 2; };;
  jwg|jwg-nooff) echo "$root/bin/jwg";;
  /*) [ -x "$1" ] && echo "$1" || { echo "not an executable: $1" >&2; exit 2; };;
  *) echo "unknown implementation $1" >&2; exit 2;; esac; }
impl_offload() { case $1 in jwg-nooff) echo off;; *) echo on;; esac; }
for pair in "$@"; do impl_path "${pair%%:*}" >/dev/null; impl_path "${pair#*:}" >/dev/null; done

id=$(printf '%04x' $((RANDOM % 65536)))
nsA=jiA$id; nsB=jiB$id; nsR=jiR$id; ifA=jiwA$id; ifB=jiwB$id
dir=$(mktemp -d /tmp/jwg-impair.XXXXXX)
relay_pid=""
stop_relay() { if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; relay_pid=""; fi; }
down_both() {
  for pair in "$nsA:$ifA" "$nsB:$ifB"; do
    ip netns exec "${pair%%:*}" wg-quick down "$dir/${pair#*:}.conf" >/dev/null 2>&1 || true
    rm -f "/var/run/wireguard/${pair#*:}.sock"
  done
}
cleanup() {
  stop_relay; down_both
  for ns in $nsA $nsB $nsR; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; done
  sleep 0.2
  for ns in $nsA $nsB $nsR; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

for ns in $nsA $nsB $nsR; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add "vA$id" netns "$nsA" type veth peer name "vRA$id" netns "$nsR"
ip link add "vB$id" netns "$nsB" type veth peer name "vRB$id" netns "$nsR"
ip -n "$nsA" addr add 198.51.100.1/24 dev "vA$id"; ip -n "$nsR" addr add 198.51.100.254/24 dev "vRA$id"
ip -n "$nsB" addr add 203.0.113.2/24 dev "vB$id";  ip -n "$nsR" addr add 203.0.113.254/24 dev "vRB$id"
for l in "$nsA vA$id" "$nsB vB$id" "$nsR vRA$id" "$nsR vRB$id"; do ip -n ${l%% *} link set ${l#* } up; done

kA=$(wg genkey); kB=$(wg genkey); pA=$(wg pubkey <<<"$kA"); pB=$(wg pubkey <<<"$kB")
conf() { # ifname privkey addr4 peerpub relay-endpoint peer4
  printf '[Interface]\nPrivateKey = %s\nAddress = %s/24\nListenPort = 51820\nMTU = 1420\n\n[Peer]\nPublicKey = %s\nEndpoint = %s:51821\nAllowedIPs = %s/32\n' \
    "$2" "$3" "$4" "$5" "$6" > "$dir/$1.conf"
}
conf "$ifA" "$kA" 192.0.2.1 "$pB" 198.51.100.254 192.0.2.2
conf "$ifB" "$kB" 192.0.2.2 "$pA" 203.0.113.254 192.0.2.1

cat > "$dir/recv.py" <<'PY'
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1)
print("listening", flush=True)
c, _ = s.accept(); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 18)
    if not b: break
    h.update(b); n += len(b)
c.sendall(("%d %s\n" % (n, h.hexdigest())).encode()); c.close()
PY
cat > "$dir/send.py" <<'PY'
import hashlib, random, socket, sys, time
addr, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
block = random.Random(int(sys.argv[4])).randbytes(1 << 20); h = hashlib.sha256(); n = 0
t0 = time.monotonic(); c = socket.create_connection((addr, port), timeout=120)
while n < total:
    b = block[: min(len(block), total - n)]; c.sendall(b); h.update(b); n += len(b)
c.shutdown(socket.SHUT_WR); reply = c.makefile().readline().split(); t = time.monotonic() - t0
ok = reply and int(reply[0]) == n and reply[1] == h.hexdigest()
# the sender's TCP_INFO (linux/tcp.h): smoothed and minimum RTT, retransmitted segments, reorderings seen
i = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
rtt, total_retrans = int.from_bytes(i[68:72], "little"), int.from_bytes(i[100:104], "little")
min_rtt = int.from_bytes(i[148:152], "little") if len(i) >= 152 else 0
reord = int.from_bytes(i[220:224], "little") if len(i) >= 224 else 0
print("%.3f %s srtt=%.2fms min_rtt=%.2fms retrans=%d reord_seen=%d" % (t, "sha256-equal" if ok else "MISMATCH sent=%d %s got=%s"
      % (n, h.hexdigest(), reply), rtt / 1000, min_rtt / 1000, total_retrans, reord))
PY

: > "$dir/results"
port=5300
for ((round = 1; round <= rounds; round++)); do
  order=("$@"); if ((round % 2 == 0)); then order=(); for ((i = $#; i >= 1; i--)); do order+=("${!i}"); done; fi
  for pair in "${order[@]}"; do
    a=${pair%%:*}; b=${pair#*:}
    ip netns exec "$nsR" "$java" -XX:+UseSerialGC -Xmx64m -cp "$classes" jwg.testkit.ImpairRelay \
      198.51.100.254:51821 198.51.100.1:51820 203.0.113.254:51821 203.0.113.2:51820 \
      --loss "$loss" --dup "$dup" --reorder "$reorder" --seed "$seed" > "$dir/relay.log" 2>&1 &
    relay_pid=$!
    for _ in $(seq 100); do grep -q listening "$dir/relay.log" && break; sleep 0.1; done
    grep -q listening "$dir/relay.log" || { echo "relay did not start:"; cat "$dir/relay.log"; exit 1; }
    for side in "A:$a" "B:$b"; do
      s=${side%%:*}; impl=${side#*:}; ns=nsA; ifc=ifA; [ "$s" = B ] && { ns=nsB; ifc=ifB; }
      ip netns exec "${!ns}" env WG_QUICK_USERSPACE_IMPLEMENTATION="$(impl_path "$impl")" JWG_OFFLOAD="$(impl_offload "$impl")" \
        WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wg-quick up "$dir/${!ifc}.conf" >"$dir/up-$s.log" 2>&1 \
        || { echo "wg-quick up failed for $impl on side $s:"; cat "$dir/up-$s.log"; exit 1; }
    done
    ip netns exec "$nsA" ping -c 3 -i 0.2 -w 20 192.0.2.2 >/dev/null || { echo "$pair: no connectivity through the tunnel"; exit 1; }
    transfer() { # MIB -> "SECONDS sha256-equal" or a failure
      port=$((port + 1))
      ip netns exec "$nsB" python3 "$dir/recv.py" 192.0.2.2 $port > "$dir/recv.log" 2>&1 &
      local recv_pid=$!
      for _ in $(seq 50); do grep -q listening "$dir/recv.log" && break; sleep 0.1; done
      ip netns exec "$nsA" timeout 300 python3 "$dir/send.py" 192.0.2.2 $port $(($1 << 20)) "$round" || echo "0 FAILED"
      wait $recv_pid || true
    }
    [ "$warm" -gt 0 ] && transfer "$warm" >/dev/null
    res=$(transfer "$mib")
    stop_relay
    counts=$(grep '^final' "$dir/relay.log" | sed 's/^final //')
    printf 'round %d  %-28s %s s  %s\n         relay %s\n' "$round" "$pair" "${res%% *}" "${res#* }" "$counts"
    for side in "A:$a:$nsA:$ifA" "B:$b:$nsB:$ifB"; do # a jwg side's nonzero drop counters (jwg show IF counters)
      IFS=: read -r s impl ns ifc <<<"$side"
      case $impl in jwg|jwg-nooff) echo "         $s ($impl) drops: $("$root/bin/jwg" show "$ifc" counters 2>&1 | awk '$1 ~ /drop/ && $2 != 0 {printf "%s=%s ", $1, $2}')";; esac
    done
    case $res in *sha256-equal*) echo "$pair ${res%% *}" >> "$dir/results";; *) echo "transfer failed: $res"; exit 1;; esac
    down_both
    sleep 1
  done
done

python3 - "$dir/results" "$mib" "$@" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
mib = float(sys.argv[2]); pairs = sys.argv[3:]; med = {}
print("pair                          median s  min/median  Mbit/s  (n)")
for p in pairs:
    t = [float(x[1]) for x in rows if x[0] == p]
    if not t: continue
    m = statistics.median(t); med[p] = m
    print("%-28s %9.2f %11.2f %7.0f  (%d)" % (p, m, min(t) / m, mib * 8 * 1.048576 / m, len(t)))
if len(med) > 1:
    print("transfer time, ratio of medians against %s:" % pairs[0])
    for p in pairs[1:]:
        if p in med: print("  %-28s x%.2f" % (p, med[p] / med[pairs[0]]))
PY
