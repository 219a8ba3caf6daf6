#!/usr/bin/env bash
# Fuzzes one @FuzzTest target for N minutes (docs/fuzzing.md), niced, on this machine.
#
#   bench/fuzz/run.sh TARGET MINUTES        TARGET = Class#method, e.g. ProtocolCoreFuzzTest#decapsulate
#   bench/fuzz/run.sh --list                 the targets
#
# The fuzzer's new inputs go to MODULE/.cifuzz-corpus/ (not committed); a finding is written into the
# target's committed inputs directory (src/test/resources/<package>/<Class>Inputs/<method>/), where
# plain `mvn verify` replays it from then on: fix the bug, keep the input. Log and summary:
# build-out/fuzz/<Class>-<method>.log. Exit status: 0 no finding, 1 finding (or build failure).
set -euo pipefail
cd "$(dirname "$0")/../.."

targets() {
    grep -rl --include='*FuzzTest.java' '@FuzzTest' */src/test/java | while read -r f; do
        cls=$(basename "$f" .java)
        awk '/@FuzzTest/ {want=1; next} want && /void [a-zA-Z0-9_]+\(/ {match($0, /void [a-zA-Z0-9_]+\(/); print substr($0, RSTART+5, RLENGTH-6); want=0}' "$f" \
            | while read -r m; do echo "$cls#$m ${f%%/*}"; done
    done | sort
}

if [[ "${1:-}" == "--list" ]]; then targets; exit 0; fi
if [[ $# -ne 2 || "$1" != *#* ]]; then
    echo "usage: $0 Class#method MINUTES | --list" >&2
    exit 2
fi
target=$1 minutes=$2
module=$(targets | awk -v t="$target" '$1 == t {print $2}')
[[ -n "$module" ]] || { echo "no such target: $target (see --list)" >&2; exit 2; }

mkdir -p build-out/fuzz
log="build-out/fuzz/${target/\#/-}.log"
echo "fuzzing $target (module $module) for $minutes min, niced; log: $log"
set +e
JAZZER_FUZZ=1 nice -n 19 mvn -B -pl "$module" -am test \
    -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_duration="${minutes}m" \
    -Djwg.surefire.timeout=$(( minutes * 60 + 600 )) >"$log" 2>&1
status=$?
set -e
grep -aE '^(#[0-9]+ +(INITED|DONE)|Done [0-9]+ runs)|== Java Exception|FuzzTestFinding|Tests run:.*Fail' "$log" | tail -8 || true
if [[ $status -ne 0 ]]; then
    echo "FINDING or build failure: see $log" >&2
    exit 1
fi
