#!/usr/bin/env bash
# Soak: jwg ↔ jwg at full rate for a long time, through rekeys (every 120 s, REKEY_AFTER_TIME).
# Two network namespaces joined by a veth pair, a jwg interface in each brought up by wg-quick;
# iperf3 TCP in both directions at once (--bidir) for the whole duration. Every SAMPLE seconds it
# records each daemon's RSS, its counters (`jwg show IF counters`: drops by reason, handshakes)
# and the latest handshake; the JVMs log their GC pauses (-Xlog:gc) to files. At the end:
#
#   errors      iperf3's exit and errors, a daemon that died, ERROR/Exception lines in the daemon logs
#   throughput  iperf3's average each way and TCP retransmits
#   rekeys      handshakes completed per side (expect about duration/120 s)
#   drops       every nonzero drop counter per side, by reason
#   rss         per side: after the warm-up (the baseline), min, max, at the end, and the drift
#               (end − baseline) ÷ baseline (goal < 5 %)
#   gc          per side, before and after the warm-up: number of pauses, total, max, p99 (-Xlog:gc)
#
#   bench/e2e/soak.sh [-t SECONDS] [-s SAMPLE_SECONDS] [-w WARMUP_SECONDS] [-k KEEP_DIR]
#   defaults: -t 1800 (30 min) -s 10 -w 120 (the baseline RSS is the first sample after the warm-up;
#   at most a quarter of the duration). -k copies the raw samples, GC and daemon logs there.
#
# Needs root, iproute2, wireguard-tools, iperf3, python3 and the build (bin/jwg builds it on first
# use). Addresses are documentation ranges; traffic stays inside the namespaces; everything is torn
# down on exit (also on Ctrl-C, with the report of what ran so far).
set -euo pipefail
secs=1800; sample=10; warm=120; keep=""
while getopts "t:s:w:k:" o; do case $o in t) secs=$OPTARG;; s) sample=$OPTARG;; w) warm=$OPTARG;; k) keep=$OPTARG;; *) exit 2;; esac; done
(( warm * 4 > secs )) && warm=$((secs / 4))
root=$(cd "$(dirname "$0")/../.." && pwd)
jwg="$root/bin/jwg"
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
for t in ip wg wg-quick iperf3 python3; do command -v $t >/dev/null || { echo "missing tool: $t"; exit 1; }; done

id=$(printf '%04x' $((RANDOM % 65536)))
nsA=jsA$id; nsB=jsB$id; ifA=jswA$id; ifB=jswB$id
dir=$(mktemp -d /tmp/jwg-soak.XXXXXX)
cleanup() {
  [ -n "${iperf_pid:-}" ] && kill "$iperf_pid" 2>/dev/null || true
  for pair in "$nsA:$ifA" "$nsB:$ifB"; do
    ip netns exec "${pair%%:*}" wg-quick down "$dir/${pair#*:}.conf" >/dev/null 2>&1 || true
    rm -f "/var/run/wireguard/${pair#*:}.sock"
  done
  for ns in $nsA $nsB; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; done
  sleep 0.3
  for ns in $nsA $nsB; do ip netns del "$ns" 2>/dev/null || true; done
  if [ -n "$keep" ]; then mkdir -p "$keep"; cp -r "$dir"/. "$keep"/; find "$keep" -name '*.conf' -delete; fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'echo "interrupted: reporting what ran so far"; interrupted=1' INT TERM
interrupted=0

ip netns add "$nsA"; ip netns add "$nsB"
ip link add "vsA$id" netns "$nsA" type veth peer name "vsB$id" netns "$nsB"
ip -n "$nsA" addr add 198.51.100.1/24 dev "vsA$id"; ip -n "$nsB" addr add 198.51.100.2/24 dev "vsB$id"
for ns in $nsA $nsB; do ip -n "$ns" link set lo up; done
ip -n "$nsA" link set "vsA$id" up; ip -n "$nsB" link set "vsB$id" up

kA=$(wg genkey); kB=$(wg genkey); pA=$(wg pubkey <<<"$kA"); pB=$(wg pubkey <<<"$kB")
conf() { # ifname privkey addr peerpub peer-underlay peer-addr
  printf '[Interface]\nPrivateKey = %s\nAddress = %s/24\nListenPort = 51820\nMTU = 1420\n\n[Peer]\nPublicKey = %s\nEndpoint = %s:51820\nAllowedIPs = %s/32\n' \
    "$2" "$3" "$4" "$5" "$6" > "$dir/$1.conf"
  chmod 600 "$dir/$1.conf"
}
conf "$ifA" "$kA" 192.0.2.1 "$pB" 198.51.100.2 192.0.2.2
conf "$ifB" "$kB" 192.0.2.2 "$pA" 198.51.100.1 192.0.2.1

for s in A B; do
  ns=ns$s; ifc=if$s
  ip netns exec "${!ns}" env WG_QUICK_USERSPACE_IMPLEMENTATION="$jwg" \
    JWG_JVM_OPTS="-Xlog:gc:file=$dir/gc-$s.log:uptime,level,tags" WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 \
    wg-quick up "$dir/${!ifc}.conf" >"$dir/up-$s.log" 2>&1 || { echo "wg-quick up failed on side $s:"; cat "$dir/up-$s.log"; exit 1; }
done
daemon_pid() { # namespace ifname -> the java process serving it
  local p; for p in $(ip netns pids "$1"); do tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qE "jwg\.cli\.Main .*$2 ?$" && { echo "$p"; return; }; done; }
pidA=$(daemon_pid "$nsA" "$ifA"); pidB=$(daemon_pid "$nsB" "$ifB")
[ -n "$pidA" ] && [ -n "$pidB" ] || { echo "no jwg daemon found (A=$pidA B=$pidB)"; exit 1; }
ip netns exec "$nsA" ping -c 3 -i 0.2 -W 5 192.0.2.2 >/dev/null || { echo "no connectivity through the tunnel"; exit 1; }

echo "soak: jwg ↔ jwg, iperf3 --bidir for ${secs}s, a sample every ${sample}s, RSS baseline after ${warm}s; load $(cut -d' ' -f1-3 /proc/loadavg)"
ip netns exec "$nsB" iperf3 -s -1 -D -I "$dir/iperf-server.pid" >/dev/null; sleep 0.3
ip netns exec "$nsA" iperf3 -c 192.0.2.2 --bidir -t "$secs" -J > "$dir/iperf.json" 2> "$dir/iperf.err" &
iperf_pid=$!

# counters straight from the UAPI socket (`jwg show IF counters` without starting a JVM per sample)
cat > "$dir/counters.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect("/var/run/wireguard/%s.sock" % sys.argv[1])
s.sendall(b"jwg-counters=1\n\n"); s.shutdown(socket.SHUT_WR); r = b""
while (c := s.recv(65536)): r += c
for l in r.decode().splitlines():
    if "=" in l and not l.startswith("errno="): print(*l.split("=", 1))
PY
handshakes() { python3 "$dir/counters.py" "$1" 2>/dev/null | awk '$1 == "event_handshake_completed" {print $2}'; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
t0=$(date +%s)
echo "t rss_A_kb rss_B_kb handshakes_A handshakes_B" > "$dir/samples"
while kill -0 "$iperf_pid" 2>/dev/null && [ "$interrupted" = 0 ]; do
  sleep "$sample" & wait $! || true
  t=$(( $(date +%s) - t0 ))
  rA=$(rss "$pidA"); rB=$(rss "$pidB"); hA=$(handshakes "$ifA"); hB=$(handshakes "$ifB")
  echo "$t ${rA:-0} ${rB:-0} ${hA:-0} ${hB:-0}" >> "$dir/samples"
  printf '  %5ds  rss A %6d KB  B %6d KB  handshakes A %s B %s\n' "$t" "${rA:-0}" "${rB:-0}" "${hA:-?}" "${hB:-?}"
done
iperf_rc=0; if [ "$interrupted" = 0 ]; then wait "$iperf_pid" || iperf_rc=$?; else kill "$iperf_pid" 2>/dev/null || true; iperf_rc=interrupted; fi
iperf_pid=""
for s in A B; do
  ns=ns$s; ifc=if$s
  ip netns exec "${!ns}" "$jwg" show "${!ifc}" counters > "$dir/counters-$s" 2>&1 || echo "(no counters: daemon gone?)" >> "$dir/counters-$s"
  cp "$(ls -t /tmp/jwg-*/"${!ifc}".log 2>/dev/null | head -1)" "$dir/daemon-$s.log" 2>/dev/null || : > "$dir/daemon-$s.log"
done
alive="A:$(kill -0 "$pidA" 2>/dev/null && echo alive || echo DEAD) B:$(kill -0 "$pidB" 2>/dev/null && echo alive || echo DEAD)"

python3 - "$dir" "$iperf_rc" "$alive" "$warm" "$secs" <<'PY'
import json, os, re, statistics, sys
d, iperf_rc, alive, warm, secs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
print("== errors")
errors = 0
if iperf_rc != "0":
    errors += 1; print("  iperf3 exit:", iperf_rc, open(os.path.join(d, "iperf.err")).read().strip())
if "DEAD" in alive:
    errors += 1
print("  daemons:", alive)
for s in "AB":
    bad = [l.rstrip() for l in open(os.path.join(d, "daemon-%s.log" % s), errors="replace") if re.search(r"ERROR|Exception|SEVERE", l)]
    errors += len(bad)
    print("  daemon %s log: %d error lines" % (s, len(bad)) + "".join("\n    " + l for l in bad[:5]))
print("  total:", errors)
print("== throughput (iperf3 --bidir)")
try:
    j = json.load(open(os.path.join(d, "iperf.json")))
    e = j["end"]
    if "error" in j: print("  iperf3 error:", j["error"])
    print("  A->B %.3f Gbit/s, retransmits %d;  B->A %.3f Gbit/s, retransmits %d" % (
        e["sum_received"]["bits_per_second"] / 1e9, e["sum_sent"].get("retransmits", 0),
        e["sum_received_bidir_reverse"]["bits_per_second"] / 1e9, e["sum_sent_bidir_reverse"].get("retransmits", 0)))
except Exception as ex:
    print("  no iperf3 result:", ex)
rows = [l.split() for l in open(os.path.join(d, "samples")).read().splitlines()[1:] if l.strip()]
print("== rekeys (handshakes completed, counted by each side; expect about %d)" % (secs // 120 + 1))
for i, s in ((3, "A"), (4, "B")):
    hs = [int(r[i]) for r in rows if len(r) > i]
    print("  %s: %s" % (s, hs[-1] if hs else "(no samples)"))
print("== drops by reason (nonzero counters at the end)")
for s in "AB":
    c = [l.split() for l in open(os.path.join(d, "counters-%s" % s)) if l.strip()]
    drops = ["%s=%s" % (k, v) for k, v in (x[:2] for x in c if len(x) >= 2) if "drop" in k and v != "0"]
    print("  %s: %s" % (s, ", ".join(drops) if drops else "none"))
print("== rss (KB)")
for i, s in ((1, "A"), (2, "B")):
    v = [(int(r[0]), int(r[i])) for r in rows if len(r) > i and int(r[i]) > 0]
    if not v: print("  %s: no samples" % s); continue
    base = next((x for t, x in v if t >= warm), v[0][1]); end = v[-1][1]
    print("  %s: baseline (t>=%ds) %d  min %d  max %d  end %d  drift %+.1f %%  (%d samples)" % (
        s, warm, base, min(x for _, x in v), max(x for _, x in v), end, 100.0 * (end - base) / base, len(v)))
print("== gc pauses (-Xlog:gc; JVM uptime before / from the end of the warm-up, %d s)" % warm)
def pauses(ms):
    if not ms: return "none"
    q = sorted(ms)
    return "%d pauses, total %.1f ms, max %.2f ms, median %.2f ms, p99 %.2f ms" % (
        len(q), sum(q), q[-1], statistics.median(q), q[min(len(q) - 1, int(len(q) * 0.99))])
for s in "AB":
    p = [(float(m.group(1)), float(m.group(2))) for l in open(os.path.join(d, "gc-%s.log" % s), errors="replace")
         for m in [re.search(r"^\[([0-9.]+)s\].*Pause.* ([0-9.]+)ms$", l.strip())] if m]
    print("  %s before: %s" % (s, pauses([ms for t, ms in p if t < warm])))
    print("  %s after:  %s" % (s, pauses([ms for t, ms in p if t >= warm])))
PY
