#!/usr/bin/env bash
# Runs the object API scenarios of io.capstan.bench.ApiBench against a local 3-node control plane
# (deploy/local/control-plane.sh), a fresh one per round, and prints a table of the medians.
#
#   bench/api-bench.sh [--rounds N] [--duration 10s] [--pods 10000] [--lists 20] [--watchers 1000]
#   bench/api-bench.sh --report DIR     only the table, from the rounds already in DIR
#
# Per round: 'up' with a CAPSTAN_DIR of its own (under $OUT), then
#   create: ConfigMaps at 1, 16 and 64 in flight (one run each, so each has its own metric deltas),
#           2 s warm-up and --duration measured;
#   list:   fill --pods pods at 64 in flight, then --lists lists each: full, paged (limit 500), cached;
#   watch:  --watchers streams on ConfigMaps (2 connections per endpoint), 100 updates/s of 100
#           objects for --duration;
# with every node's /metrics scraped before and after each scenario; then 'down' and the data removed.
# Results go to $BENCH_OUT (default /tmp/capstan-api-bench.<time>): per round and scenario the tool's
# output and JSON lines, metric deltas (metrics-<scenario>.txt), the nodes' logs; table.md at the end.
# BENCH_UP_ATTEMPTS (default 3): how often a round may start the control plane afresh when a node
# exits during bootstrap (its first store request timed out: a slow first election on a busy machine).
# The control plane runs without its controller-manager (CAPSTAN_CONTROLLER_MANAGER=0), so that no
# controller writes during the runs.
# Build the jars first (mvn -B -o -q package -DskipTests -pl bench, and -pl cli -am if
# cli/target/capstan-cli.jar, the launcher control-plane.sh runs, is missing); this script builds nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BENCH_JAR:-$ROOT/bench/target/capstan-bench.jar}
CP=$ROOT/deploy/local/control-plane.sh
SERVER_JAR=$ROOT/cli/target/capstan-cli.jar
ROUNDS=3
DURATION=10s
PODS=10000
LISTS=20
WATCHERS=1000
UP_ATTEMPTS=${BENCH_UP_ATTEMPTS:-3}
REPORT=
while (($#)); do
  case "$1" in
    --report) REPORT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --pods) PODS=$2; shift 2 ;;
    --lists) LISTS=$2; shift 2 ;;
    --watchers) WATCHERS=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--duration 10s] [--pods N] [--lists N] [--watchers N] | --report DIR" >&2; exit 2 ;;
  esac
done
[[ -f "$JAR" ]] || { echo "api-bench: $JAR missing; mvn -B -o -q package -DskipTests -pl bench" >&2; exit 1; }
[[ -f "$SERVER_JAR" ]] || { echo "api-bench: $SERVER_JAR missing; mvn -B -o -q package -DskipTests -pl cli -am" >&2; exit 1; }
export CAPSTAN_CONTROLLER_MANAGER=0
for tool in jq bc curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "api-bench: $tool is required" >&2; exit 1; }
done
OUT=${REPORT:-${BENCH_OUT:-/tmp/capstan-api-bench.$(date +%Y%m%d-%H%M%S)}}
mkdir -p "$OUT"
METRICS_PORTS=(2381 22381 32381)
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms256m -Xmx1g}

ports_free() {
  # control-plane.sh's ports are fixed; another cluster on them would answer in place of ours
  if ss -ltn 2>/dev/null | grep -qE '127\.0\.0\.1:(6443|16443|26443|2379|22379|32379|2380|22380|32380|2381|22381|32381) '; then
    echo "api-bench: the control plane's ports are taken by another process:" >&2
    ss -ltnp 2>/dev/null | grep -E ':(6443|16443|26443|2379|22379|32379|2380|22380|32380|2381|22381|32381) ' >&2 || true
    return 1
  fi
}

scrape() { # scrape FILE: every node's /metrics, each line prefixed with the node number
  local i
  : >"$1"
  for i in 0 1 2; do
    curl -fsS "http://127.0.0.1:${METRICS_PORTS[$i]}/metrics" 2>/dev/null | sed "s/^/node$((i + 1)) /" >>"$1" || true
  done
}

# metric_deltas BEFORE AFTER: per node, count and sum growth (and mean) of the timers and
# summaries that say where a request's time goes.
metric_deltas() {
  awk '
    $2 ~ /^capstan_(api_requests_seconds|store_commit_seconds|store_apply_seconds|store_proposal_batch_commands)_(count|sum)/ {
      key = $1 " " $2
      v = $3
      if (FILENAME == ARGV[1]) before[key] = v; else after[key] = v
    }
    END {
      for (k in after) {
        d = after[k] - before[k]
        if (d != 0) delta[k] = d
      }
      for (k in delta) {
        if (k ~ /_count/) {
          s = k; sub(/_count/, "_sum", s)
          if (k ~ /_seconds/) {
            printf "%s count=%d sum=%.3fs mean=%.2fms\n", k, delta[k], delta[s], 1000 * delta[s] / delta[k]
          } else {
            printf "%s count=%d sum=%d mean=%.2f\n", k, delta[k], delta[s], delta[s] / delta[k]
          }
        }
      }
    }' "$1" "$2" | sed 's/_count//' | sort
}

# bench ROUND_DIR NAME ARGS...: one ApiBench scenario with metric deltas and CPU time around it;
# serverCpuSeconds / benchCpuSeconds / wallSeconds cover the whole invocation (fill and warm-up too).
bench() {
  local dir=$1 name=$2; shift 2
  local rc=0 ticks_before ticks_after tck
  tck=$(getconf CLK_TCK)
  scrape "$dir/metrics-$name.before"
  ticks_before=$(server_cpu_ticks)
  echo "  $(date +%T) $name: $* (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  # shellcheck disable=SC2086
  /usr/bin/time -f '%e %U %S' -o "$dir/$name.time" \
    java $BENCH_JAVA_OPTS -cp "$JAR" io.capstan.bench.ApiBench "$@" --config "$CAPSTAN_DIR/config" \
    >"$dir/$name.out" 2>>"$dir/stderr.log" || rc=$?
  ticks_after=$(server_cpu_ticks)
  scrape "$dir/metrics-$name.after"
  metric_deltas "$dir/metrics-$name.before" "$dir/metrics-$name.after" >"$dir/metrics-$name.txt"
  rm -f "$dir/metrics-$name.before" "$dir/metrics-$name.after"
  read -r wall user sys < <(tail -1 "$dir/$name.time")
  grep '^{"scenario"' "$dir/$name.out" |
    jq -c --argjson rc "$rc" --argjson wall "$wall" --argjson bench "$(echo "$user + $sys" | bc)" \
      --argjson server "$(echo "scale=2; ($ticks_after - $ticks_before) / $tck" | bc)" \
      '. + {exitStatus: $rc, wallSeconds: $wall, benchCpuSeconds: $bench, serverCpuSeconds: $server}' \
      >"$dir/$name.json" || true
  ((rc == 0)) || echo "  $name exited $rc; see $dir/$name.out and $dir/stderr.log" >&2
}

[[ -n "$REPORT" ]] || {
  machine_header
  echo "server jar: $SERVER_JAR, $(stat -c %y "$SERVER_JAR"), sha256 $(sha256sum "$SERVER_JAR" | cut -c1-16)"
  echo "bench jar: $JAR, $(stat -c %y "$JAR")"
  echo "control-plane JVM options: ${CAPSTAN_JAVA_OPTS:-(control-plane.sh default)}"
  echo "bench JVM options: $BENCH_JAVA_OPTS"
  echo "args: rounds=$ROUNDS duration=$DURATION pods=$PODS lists=$LISTS watchers=$WATCHERS"
} >>"$OUT/machine.txt"

if [[ -n "$REPORT" ]]; then
  ROUNDS=$(find "$OUT" -maxdepth 1 -name 'round-[0-9]*' -type d | wc -l)
else
for round in $(seq 1 "$ROUNDS"); do
  dir=$OUT/round-$round
  mkdir -p "$dir"
  export CAPSTAN_DIR=$dir/control-plane
  echo "round $round: $dir" >&2
  # A node whose first store request times out (a slow first election on a busy machine) exits
  # during bootstrap; start the whole control plane afresh up to $UP_ATTEMPTS times in all.
  for attempt in $(seq 1 "$UP_ATTEMPTS"); do
    ports_free
    if "$CP" up >"$dir/up-$attempt.log" 2>&1; then
      break
    fi
    echo "api-bench: 'up' attempt $attempt failed; see $dir/up-$attempt.log" >&2
    "$CP" down >&2 || true
    mkdir -p "$dir/failed-up-$attempt"
    for n in 1 2 3; do cp "$CAPSTAN_DIR/server-$n/server.log" "$dir/failed-up-$attempt/server-$n.log" 2>/dev/null || true; done
    rm -rf "$CAPSTAN_DIR"
    ((attempt < UP_ATTEMPTS)) || exit 1
  done
  trap '"$CP" down >&2 || true' EXIT
  for n in 1 16 64; do
    bench "$dir" "create-$n" create --kind configmap --in-flight "$n" --duration "$DURATION" --warmup 2s
  done
  bench "$dir" list list --pods "$PODS" --lists "$LISTS" --page-size 500 --modes full,paged,cached
  bench "$dir" watch watch --watchers "$WATCHERS" --objects 100 --rate 100 --duration "$DURATION" --connections 2
  "$CP" down >&2
  trap - EXIT
  for n in 1 2 3; do cp "$CAPSTAN_DIR/server-$n/server.log" "$dir/server-$n.log" 2>/dev/null || true; done
  rm -rf "$CAPSTAN_DIR"
done
fi

# ---- the table of medians -------------------------------------------------------------------
all() { cat "$OUT"/round-[0-9]*/"$1".json 2>/dev/null; }
median() { # median FILTER over the JSON lines on stdin
  jq -s "[.[] | $1] | map(select(. != null)) | sort | if length == 0 then null else .[(length - 1) / 2 | floor] end"
}
row() { # row LABEL SCENARIO SELECT FIELD...
  local label=$1 scenario=$2 select=$3; shift 3
  local cells=() f
  for f in "$@"; do
    cells+=("$(all "$scenario" | jq -c "select($select)" | median ".$f")")
  done
  echo "| $label | $(IFS='|'; echo "${cells[*]}" | sed 's/|/ \/ /g') |"
}
{
  echo "Medians of $ROUNDS round(s); results in $OUT"
  echo
  echo "| Measure | Value |"
  echo "|---|---|"
  for n in 1 16 64; do
    row "create ConfigMap, $n in flight: ops/s / p50 / p90 / p99 / max ms" "create-$n" true \
      throughput p50Ms p90Ms p99Ms maxMs
  done
  row "fill $PODS pods, 64 in flight: ops/s / p50 / p99 ms" list '.scenario == "api-list-fill"' throughput p50Ms p99Ms
  for m in full paged cached; do
    row "list $PODS pods, $m: p50 / p99 / max ms / bytes" list ".mode == \"$m\"" p50Ms p99Ms maxMs responseBytes
  done
  row "watch, $WATCHERS watchers: delivery p50 / p99 / max ms" watch true p50Ms p99Ms maxMs
  row "watch: events expected / delivered / watchers complete" watch true eventsExpected eventsDelivered watchersComplete
  row "watch: update p50 / p99 ms; after ack p50 / p99 ms" watch true writeP50Ms writeP99Ms afterAckP50Ms afterAckP99Ms
  row "watch: updates acknowledged / ops/s" watch true ops throughput
  row "CPU seconds of the 3 servers / of the bench, create at 16 in flight" create-16 true serverCpuSeconds benchCpuSeconds
  row "CPU seconds of the 3 servers / of the bench / wall, watch (sync, write, drain)" watch true serverCpuSeconds benchCpuSeconds wallSeconds
} | tee "$OUT/table.md"
