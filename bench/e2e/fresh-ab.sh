#!/usr/bin/env bash
# A fresh pair's first seconds with and without extra JVM options, rounds in alternating order:
#   bench/e2e/fresh-ab.sh [-r ROUNDS] "JVM OPTIONS"      e.g. "-XX:-UseOnStackReplacement"
# Each round runs bench/e2e/fresh-seconds.sh bin/jwg 8 twice (odd rounds the options first), the
# daemons started with JWG_JVM_OPTS set to the options or to nothing, and prints one line per run
# with the load average before it. Needs root (fresh-seconds.sh does).
set -euo pipefail
rounds=4
if [ "${1:-}" = -r ]; then rounds=$2; shift 2; fi
opts=${1:?usage: fresh-ab.sh [-r ROUNDS] "JVM OPTIONS"}
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="with without"; else order="without with"; fi
  for v in $order; do
    o=""; [ $v = with ] && o=$opts
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    res=$(JWG_JVM_OPTS="$o" timeout 120 bash "$here/fresh-seconds.sh" "$root/bin/jwg" 8 2>&1 | tail -1)
    echo "round $r $v (load $load): $res"
  done
done
