#!/usr/bin/env bash
# Pod density on hollow nodes (io.capstan.bench.DensityBench pods), kubemark-style, against a local
# 3-node control plane (deploy/local/control-plane.sh), a fresh one per round, and a table of medians.
#
#   bench/density-bench.sh [--rounds N] [--nodes 100] [--pods-per-node 30] [--replicas 10] [--rate 5]
#                          [--timeout 15m] [--docker]
#   bench/density-bench.sh --report DIR     only the table, from the rounds already in DIR
#
# --docker: the real-container comparison instead: per round, plain `docker run -d` of the local
# image capstan/busybox:test (deploy/images/busybox-test-image.sh builds it; nothing is pulled) for
# --pods-per-node containers at --rate per second (DensityBench docker-run), then the same number of
# pods on one node whose kubelet runs them on Docker (DensityBench pods --runtime docker --nodes 1),
# Deployments of --replicas each at --rate pods/s. Defaults with --docker: 20 pods, 1 replica, 1/s.
#
# Per round: 'up' with a CAPSTAN_DIR of its own (under $OUT); the controller-manager as its own process
# from the bench jar (io.capstan.controllers.manager.ControllerManagerMain, Kubernetes' periods, leader
# election on); then one bench JVM runs --nodes hollow nodes (real kubelets over the fake runtime),
# creates --nodes x --pods-per-node pods as Deployments of --replicas, one Deployment every
# replicas/rate seconds, and times every pod from creation to Running and Ready through a watch; it
# reports the CPU seconds and memory (VmRSS peak, VmHWM) of the three servers, the controller-manager
# and itself over the load phase. Then the controller-manager is stopped (by its pid), 'down', the data
# removed. Results go to $BENCH_OUT (default /tmp/capstan-density-bench.<time>): per round the tool's
# output and JSON line, the object API calls the run made by verb, kind and code with their mean
# latency (api-calls.txt, from the nodes' /metrics), the controller-manager's and the servers' logs;
# table.md at the end.
# BENCH_UP_ATTEMPTS (default 3): how often a round may start the control plane afresh when a node exits
# during bootstrap. BENCH_JAVA_OPTS / CM_JAVA_OPTS: the bench's and the controller-manager's JVM options.
# Build the jars first (mvn -B -o -q package -DskipTests -pl bench -am, and the jar control-plane.sh
# runs); this script builds nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BENCH_JAR:-$ROOT/bench/target/capstan-bench.jar}
CP=$ROOT/deploy/local/control-plane.sh
# the jar control-plane.sh starts (it would build it with 'mvn install' if missing, so check first)
SERVER_JAR=$ROOT/$(grep -o '[a-z]*/target/capstan-[a-z]*\.jar' "$CP" | head -1)
ROUNDS=3
NODES=100
PODS_PER_NODE=30
REPLICAS=10
RATE=5
TIMEOUT=15m
UP_ATTEMPTS=${BENCH_UP_ATTEMPTS:-3}
DOCKER=
REPORT=
ARGS=("$@")
while (($#)); do
  case "$1" in
    --report) REPORT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --nodes) NODES=$2; shift 2 ;;
    --pods-per-node) PODS_PER_NODE=$2; shift 2 ;;
    --replicas) REPLICAS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --docker) DOCKER=1; shift ;;
    *) echo "usage: $0 [--rounds N] [--nodes N] [--pods-per-node N] [--replicas N] [--rate PODS_PER_S] [--timeout 15m] [--docker] | --report DIR" >&2; exit 2 ;;
  esac
done
if [[ -n "$DOCKER" ]]; then
  # the comparison's defaults, unless given: 20 pods on one node, one Deployment of 1 per second
  NODES=1; PODS_PER_NODE=20; REPLICAS=1; RATE=1
  set -- "${ARGS[@]}"
  while (($#)); do
    case "$1" in
      --pods-per-node) PODS_PER_NODE=$2; shift 2 ;;
      --replicas) REPLICAS=$2; shift 2 ;;
      --rate) RATE=$2; shift 2 ;;
      --docker) shift ;;
      *) shift 2 ;;
    esac
  done
fi
[[ -f "$JAR" ]] || { echo "density-bench: $JAR missing; mvn -B -o -q package -DskipTests -pl bench -am" >&2; exit 1; }
[[ -f "$SERVER_JAR" ]] || { echo "density-bench: $SERVER_JAR missing; build it (mvn -B -o -q package -DskipTests -pl <module> -am)" >&2; exit 1; }
for tool in jq curl; do
  command -v "$tool" >/dev/null || { echo "density-bench: $tool is required" >&2; exit 1; }
done
OUT=${REPORT:-${BENCH_OUT:-/tmp/capstan-density-bench.$(date +%Y%m%d-%H%M%S)}}
mkdir -p "$OUT"
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms512m -Xmx2g}
CM_JAVA_OPTS=${CM_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
# a control-plane.sh that starts a controller-manager of its own is told not to: this script runs one
export CAPSTAN_CONTROLLER_MANAGER=0

METRICS_PORTS=(2381 22381 32381)
scrape() { # scrape FILE: every node's /metrics
  local i
  : >"$1"
  for i in 0 1 2; do
    curl -fsS "http://127.0.0.1:$((METRICS_PORTS[i] + CAPSTAN_PORT_OFFSET))/metrics" 2>/dev/null >>"$1" || true
  done
}

# api_deltas BEFORE AFTER: object API calls during the run, summed over the nodes, by verb, kind and
# code (count, mean ms), and the store's commit and apply means: where the control plane's time went.
api_deltas() {
  awk '
    function key(line,   k) {
      k = line; sub(/ [^ ]*$/, "", k); gsub(/peer="[^"]*",?/, "", k); sub(/,}$/, "}", k); return k
    }
    $1 ~ /^capstan_(api_requests_seconds|store_commit_seconds|store_apply_seconds)_(count|sum)\{/ || \
    $1 ~ /^capstan_(store_commit_seconds|store_apply_seconds)_(count|sum)$/ {
      k = key($0); v = $NF
      if (FILENAME == ARGV[1]) before[k] += v; else after[k] += v
    }
    END {
      for (k in after) {
        if (k !~ /_count/) continue
        d = after[k] - before[k]
        if (d <= 0) continue
        s = k; sub(/_count/, "_sum", s)
        printf "%-100s count=%d mean=%.1fms\n", k, d, 1000 * (after[s] - before[s]) / d
      }
    }' "$1" "$2" | sed 's/_seconds_count//' | sort
}

config_written() { # the client config appears within 60 s
  local _
  for _ in $(seq 1 120); do
    [[ -s "$CAPSTAN_DIR/config" ]] && return 0
    sleep 0.5
  done
  echo "density-bench: no client config at $CAPSTAN_DIR/config 60 s after 'up'" >&2
  return 1
}

CM_PID=
stop_cm() {
  if [[ -n "$CM_PID" ]] && kill -0 "$CM_PID" 2>/dev/null; then
    kill "$CM_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$CM_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$CM_PID" 2>/dev/null || true
  fi
  CM_PID=
}
cleanup_round() { stop_cm; "$CP" down >&2 || true; }

[[ -n "$REPORT" ]] || {
  machine_header
  echo "server jar: $SERVER_JAR, $(stat -c %y "$SERVER_JAR"), sha256 $(sha256sum "$SERVER_JAR" | cut -c1-16)"
  echo "bench jar: $JAR, $(stat -c %y "$JAR")"
  echo "control-plane JVM options: ${CAPSTAN_JAVA_OPTS:-(control-plane.sh default)}"
  echo "controller-manager JVM options: $CM_JAVA_OPTS"
  echo "bench JVM options: $BENCH_JAVA_OPTS"
  echo "args: rounds=$ROUNDS nodes=$NODES podsPerNode=$PODS_PER_NODE replicas=$REPLICAS rate=$RATE timeout=$TIMEOUT docker=${DOCKER:-no}"
  [[ -z "$DOCKER" ]] || docker version --format 'docker engine {{.Server.Version}}, API {{.Server.APIVersion}}'
} >>"$OUT/machine.txt"

if [[ -n "$REPORT" ]]; then
  ROUNDS=$(find "$OUT" -maxdepth 1 -name 'round-[0-9]*' -type d | wc -l)
else
for round in $(seq 1 "$ROUNDS"); do
  dir=$OUT/round-$round
  mkdir -p "$dir"
  export CAPSTAN_DIR=$dir/control-plane
  echo "round $round: $dir" >&2
  for attempt in $(seq 1 "$UP_ATTEMPTS"); do
    CAPSTAN_PORT_OFFSET=$(pick_offset density-bench)
    export CAPSTAN_PORT_OFFSET
    echo "  control plane on ports + $CAPSTAN_PORT_OFFSET (API $((6443 + CAPSTAN_PORT_OFFSET)), ...)" >&2
    # 'up' can return before the node that minted the admin token has written the client config
    if "$CP" up >"$dir/up-$attempt.log" 2>&1 && config_written; then
      break
    fi
    echo "density-bench: 'up' attempt $attempt failed; see $dir/up-$attempt.log" >&2
    "$CP" down >&2 || true
    mkdir -p "$dir/failed-up-$attempt"
    for n in 1 2 3; do cp "$CAPSTAN_DIR/server-$n/server.log" "$dir/failed-up-$attempt/server-$n.log" 2>/dev/null || true; done
    rm -rf "$CAPSTAN_DIR"
    ((attempt < UP_ATTEMPTS)) || exit 1
  done
  trap cleanup_round EXIT
  # shellcheck disable=SC2086
  java $CM_JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=info -cp "$JAR" \
    io.capstan.controllers.manager.ControllerManagerMain --config "$CAPSTAN_DIR/config" \
    --identity "density-cm-$round" >"$dir/controller-manager.log" 2>&1 &
  CM_PID=$!
  procs=()
  n=1
  for pid in $("$CP" pids); do procs+=(--process "server-$n=$pid"); n=$((n + 1)); done
  procs+=(--process "controllerManager=$CM_PID")
  rc=0
  if [[ -n "$DOCKER" ]]; then
    echo "  $(date +%T) docker-run: containers=$PODS_PER_NODE rate=$RATE (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    # shellcheck disable=SC2086
    java $BENCH_JAVA_OPTS -cp "$JAR" io.capstan.bench.DensityBench docker-run --containers "$PODS_PER_NODE" \
      --rate "$RATE" >"$dir/docker-run.out" 2>"$dir/docker-run.err" || rc=$?
    grep '^{"scenario"' "$dir/docker-run.out" | jq -c --argjson rc "$rc" '. + {exitStatus: $rc}' >"$dir/docker-run.json" || true
    ((rc == 0)) || echo "  docker-run exited $rc; see $dir/docker-run.out and $dir/docker-run.err" >&2
    rc=0
  fi
  name=${DOCKER:+docker}
  name=${name:-hollow}
  runtime_args=(--no-cleanup)
  [[ -z "$DOCKER" ]] || runtime_args=(--runtime docker --cleanup-timeout 2m)
  echo "  $(date +%T) $name: nodes=$NODES podsPerNode=$PODS_PER_NODE replicas=$REPLICAS rate=$RATE (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  scrape "$dir/metrics.before"
  # shellcheck disable=SC2086
  java $BENCH_JAVA_OPTS -cp "$JAR" io.capstan.bench.DensityBench pods "${runtime_args[@]}" --config "$CAPSTAN_DIR/config" \
    --controller-manager external "${procs[@]}" --nodes "$NODES" --pods-per-node "$PODS_PER_NODE" \
    --replicas "$REPLICAS" --rate "$RATE" --timeout "$TIMEOUT" \
    >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
  scrape "$dir/metrics.after"
  api_deltas "$dir/metrics.before" "$dir/metrics.after" >"$dir/api-calls.txt"
  rm -f "$dir/metrics.before" "$dir/metrics.after"
  grep '^{"scenario"' "$dir/$name.out" | jq -c --argjson rc "$rc" '. + {exitStatus: $rc}' >"$dir/$name.json" || true
  ((rc == 0)) || echo "  $name exited $rc; see $dir/$name.out and $dir/$name.err" >&2
  cleanup_round
  trap - EXIT
  for n in 1 2 3; do cp "$CAPSTAN_DIR/server-$n/server.log" "$dir/server-$n.log" 2>/dev/null || true; done
  rm -rf "$CAPSTAN_DIR"
done
fi

# ---- the table of medians -------------------------------------------------------------------
[[ -n "$DOCKER" ]] || ! compgen -G "$OUT/round-*/docker.json" >/dev/null || DOCKER=1
SCENARIO=${DOCKER:+docker}
SCENARIO=${SCENARIO:-hollow}
all() { cat "$OUT"/round-[0-9]*/"${1:-$SCENARIO}".json 2>/dev/null; }
median() {
  jq -s "[.[] | $1] | map(select(. != null)) | sort | if length == 0 then null else .[(length - 1) / 2 | floor] end"
}
row() { # row LABEL FIELD...
  local label=$1; shift
  local cells=() f
  for f in "$@"; do cells+=("$(all "$SCENARIO" | median ".$f")"); done
  echo "| $label | $(IFS='|'; echo "${cells[*]}" | sed 's/|/ \/ /g') |"
}
{
  echo "Medians of $ROUNDS round(s); results in $OUT"
  echo
  echo "| Measure | Value |"
  echo "|---|---|"
  row "pods expected / running / complete" podsExpected podsRunning complete
  row "pod startup (watch-observed created -> Running and Ready): p50 / p90 / p99 / max ms" \
    startupP50Ms startupP90Ms startupP99Ms startupMaxMs
  row "pod startup from creationTimestamp (whole seconds): p50 / p99 / max ms" \
    startupFromCreationTimestampP50Ms startupFromCreationTimestampP99Ms startupFromCreationTimestampMaxMs
  row "created -> scheduled: p50 / p99 ms" createToScheduledP50Ms createToScheduledP99Ms
  row "scheduled -> Running and Ready: p50 / p99 ms" scheduledToRunningP50Ms scheduledToRunningP99Ms
  row "  of which scheduled -> the kubelet creates its container: p50 / p99 ms" \
    scheduledToContainerCreatingP50Ms scheduledToContainerCreatingP99Ms
  row "  of which container create -> started by the runtime: p50 / p99 ms" \
    containerCreatingToStartedP50Ms containerCreatingToStartedP99Ms
  row "  of which container started -> Running and Ready seen: p50 / p99 ms" \
    containerStartedToRunningP50Ms containerStartedToRunningP99Ms
  row "Deployment create: p50 / p99 ms; late creates" deploymentCreateP50Ms deploymentCreateP99Ms deploymentCreatesLate
  row "load phase s / pods running per s" elapsedSeconds podsRunningPerSecond
  row "pods per node min / max; pod updates per pod mean / max" podsPerNodeMin podsPerNodeMax podUpdatesMean podUpdatesMax
  row "CPU cores (CPU s / wall s): server-1 / server-2 / server-3 / controller-manager / bench" \
    server1CpuCores server2CpuCores server3CpuCores controllerManagerCpuCores benchCpuCores
  row "CPU seconds: server-1 / server-2 / server-3 / controller-manager / bench" \
    server1CpuSeconds server2CpuSeconds server3CpuSeconds controllerManagerCpuSeconds benchCpuSeconds
  row "VmRSS peak MiB: server-1 / server-2 / server-3 / controller-manager / bench" \
    server1RssPeakMiB server2RssPeakMiB server3RssPeakMiB controllerManagerRssPeakMiB benchRssPeakMiB
  row "VmHWM MiB: server-1 / server-2 / server-3 / controller-manager / bench" \
    server1HwmMiB server2HwmMiB server3HwmMiB controllerManagerHwmMiB benchHwmMiB
  row "load average at start / end" loadAverageStart loadAverageEnd
  if [[ -n "$DOCKER" ]]; then
    SCENARIO=docker-run
    row "docker run -d of the same image: returned p50 / p99 / max ms" \
      dockerRunReturnedP50Ms dockerRunReturnedP99Ms dockerRunReturnedMaxMs
    row "docker run -d: until docker inspect says running p50 / p99 / max ms" \
      dockerRunRunningP50Ms dockerRunRunningP99Ms dockerRunRunningMaxMs
    row "docker run: failed / late; load average at start" failed late loadAverageStart
  fi
} | tee "$OUT/table.md"
