#!/usr/bin/env bash
# Runs io.capstan.bench.SchedulerBench against a local 3-node control plane
# (deploy/local/control-plane.sh, without its controller-manager), a fresh one per round, and prints
# a table of the medians.
#
#   bench/scheduler-bench.sh [--rounds 3] [--nodes 100] [--pods 3000] [--rate 0] [--workers N] [--profile]
#   bench/scheduler-bench.sh --report DIR     only the table, from the rounds already in DIR
#
# Per round: 'up' with a CAPSTAN_DIR of its own (under $OUT) and the first free set of ports
# (CAPSTAN_PORT_OFFSET 1000, 2000, ...), then SchedulerBench: --nodes Ready
# nodes, --pods pending pods (created before the scheduler starts, or at --rate pods/s while it
# runs), a SchedulerController in the bench JVM binding them; the bench's own watch times each
# binding. Around the run: the control plane's CPU seconds (from /proc) and its resident memory at
# the end. Then 'down' and the data removed.
# Results go to $BENCH_OUT (default /tmp/capstan-scheduler-bench.<time>): per round the tool's
# output, its JSON line with serverCpuSeconds / serverRssMiB / wallSeconds added, the nodes' logs;
# table.md at the end. Loopback only; every run is bounded (SchedulerBench --timeout, default 5m).
# Build the jars first (mvn -B -o -q package -DskipTests -pl cli,bench -am); this script builds nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BENCH_JAR:-$ROOT/bench/target/capstan-bench.jar}
CP=$ROOT/deploy/local/control-plane.sh
LAUNCHER=$ROOT/cli/target/capstan-cli.jar
ROUNDS=3
ARGS=()
REPORT=
while (($#)); do
  case "$1" in
    --report) REPORT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --nodes|--pods|--rate|--workers|--create-in-flight|--timeout|--warmup-pods) ARGS+=("$1" "$2"); shift 2 ;;
    --profile) ARGS+=("$1"); shift ;;
    *) echo "usage: $0 [--rounds N] [--nodes N] [--pods N] [--rate N] [--workers N] [--profile] | --report DIR" >&2; exit 2 ;;
  esac
done
[[ -f "$JAR" ]] || { echo "scheduler-bench: $JAR missing; mvn -B -o -q package -DskipTests -pl cli,bench -am" >&2; exit 1; }
[[ -f "$LAUNCHER" ]] || { echo "scheduler-bench: $LAUNCHER missing; mvn -B -o -q package -DskipTests -pl cli,bench -am" >&2; exit 1; }
for tool in jq bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "scheduler-bench: $tool is required" >&2; exit 1; }
done
OUT=${REPORT:-${BENCH_OUT:-/tmp/capstan-scheduler-bench.$(date +%Y%m%d-%H%M%S)}}
mkdir -p "$OUT"
# the bench JVM hosts the scheduler: the controller-manager role's JIT choice (bin/capstan)
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms256m -Xmx1g -XX:TieredStopAtLevel=1}
UP_ATTEMPTS=${BENCH_UP_ATTEMPTS:-3}
export CAPSTAN_CONTROLLER_MANAGER=0

if [[ -z "$REPORT" ]]; then
  {
    machine_header
    echo "launcher: $LAUNCHER, $(stat -c %y "$LAUNCHER")"
    echo "bench jar: $JAR, $(stat -c %y "$JAR")"
    echo "control-plane JVM options: ${CAPSTAN_JAVA_OPTS:-(control-plane.sh default)}"
    echo "bench JVM options: $BENCH_JAVA_OPTS"
    echo "args: rounds=$ROUNDS ${ARGS[*]:-}"
  } >>"$OUT/machine.txt"
  for round in $(seq 1 "$ROUNDS"); do
    dir=$OUT/round-$round
    mkdir -p "$dir"
    export CAPSTAN_DIR=$dir/control-plane
    echo "round $round: $dir" >&2
    control_plane_up scheduler-bench "$dir" || exit 1
    trap '"$CP" down >&2 || true' EXIT
    tck=$(getconf CLK_TCK)
    ticks_before=$(server_cpu_ticks)
    echo "  $(date +%T) scheduler: ${ARGS[*]:-} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    rc=0
    # shellcheck disable=SC2086
    /usr/bin/time -f '%e %U %S' -o "$dir/scheduler.time" \
      java $BENCH_JAVA_OPTS -cp "$JAR" io.capstan.bench.SchedulerBench --config "$CAPSTAN_DIR/config" "${ARGS[@]}" \
      >"$dir/scheduler.out" 2>"$dir/stderr.log" || rc=$?
    ticks_after=$(server_cpu_ticks)
    rss=$(server_rss_mib)
    read -r wall _ _ < <(tail -1 "$dir/scheduler.time")
    grep '^{"scenario"' "$dir/scheduler.out" |
      jq -c --argjson rc "$rc" --argjson wall "$wall" --argjson rss "$rss" \
        --argjson server "$(echo "scale=2; ($ticks_after - $ticks_before) / $tck" | bc)" \
        '. + {exitStatus: $rc, wallSeconds: $wall, serverCpuSeconds: $server, serverRssMiB: $rss}' \
        >"$dir/scheduler.json" || true
    ((rc == 0)) || echo "  scheduler-bench exited $rc; see $dir/scheduler.out and $dir/stderr.log" >&2
    grep -E '^(throughput|steadyThroughput|startToBound|createToBound)' "$dir/scheduler.out" >&2 || true
    "$CP" down >&2
    trap - EXIT
    for n in 1 2 3; do cp "$CAPSTAN_DIR/server-$n/server.log" "$dir/server-$n.log" 2>/dev/null || true; done
    rm -rf "$CAPSTAN_DIR"
  done
fi

ROUNDS=$(find "$OUT" -maxdepth 1 -name 'round-[0-9]*' -type d | wc -l)
median() { # median of FIELD over the rounds' JSON lines
  cat "$OUT"/round-[0-9]*/scheduler.json 2>/dev/null |
    jq -s "[.[] | .$1] | map(select(. != null)) | sort | if length == 0 then null else .[(length - 1) / 2 | floor] end"
}
all() { cat "$OUT"/round-[0-9]*/scheduler.json 2>/dev/null | jq -r ".$1" | paste -sd' ' -; }
{
  echo "Medians of $ROUNDS round(s); results in $OUT"
  echo
  echo "| Measure | Median | Rounds |"
  echo "|---|---|---|"
  for f in throughput steadyThroughput perSecondP50 firstBoundMs startToBoundP50Ms startToBoundP99Ms \
      createToBoundP50Ms createToBoundP99Ms createToBoundMaxMs podsPerNodeMin podsPerNodeMax \
      benchCpuSeconds serverCpuSeconds serverRssMiB elapsedSeconds loadAverage1m; do
    m=$(median "$f")
    [[ "$m" == null ]] || echo "| $f | $m | $(all "$f") |"
  done
} | tee "$OUT/table.md"
