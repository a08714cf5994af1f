#!/usr/bin/env bash
# Runs io.capstan.bench.IngressBench against a local 3-node control plane
# (deploy/local/control-plane.sh, without its controller-manager), a fresh one per round, and prints
# a table of the medians per target (ingress, direct, nginx).
#
#   bench/ingress-bench.sh [--rounds 3] [--connections 64] [--duration 10s] [--warmup 20s] [--in-process]
#   bench/ingress-bench.sh --report DIR     only the table, from the rounds already in DIR
#
# Per round: 'up' with a CAPSTAN_DIR of its own (under $OUT) on the first free set of ports
# (CAPSTAN_PORT_OFFSET 1000, 2000, ...); a kubelet (`capstan kubelet`, process runtime, no service
# proxy, no DNS) whose ingress proxy listens on 127.0.0.1:8080+offset, with the JVM options the
# kubelet ships with (KUBELET_JAVA_OPTS, default bin/capstan's for a kubelet: both JIT compilers); then
# IngressBench: 3 backends (JDK HttpServers in the bench JVM), a Service, Endpoints and an Ingress
# for bench.local, the kubelet's proxy measured (--ingress), and nginx (Debian package; installed
# if missing) started by the bench from a configuration it writes into $OUT/round-N/nginx (pid,
# logs and temp paths there), stopped by its pid when the round ends. The kubelet is stopped by its
# pid after the round. --in-process measures an IngressProxy inside the bench JVM instead.
# Each target gets --connections kept-alive HTTP/1.1 connections, closed loop, --warmup then
# --duration. Then 'down' and the control plane's data removed.
# Results go to $BENCH_OUT (default /tmp/capstan-ingress-bench.<time>): per round the tool's output
# and its JSON lines; table.md at the end. Loopback only; every run is bounded.
# Build the jars first (mvn -B -o -q package -DskipTests -pl cli,bench -am); this script builds nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BENCH_JAR:-$ROOT/bench/target/capstan-bench.jar}
CP=$ROOT/deploy/local/control-plane.sh
LAUNCHER=$ROOT/cli/target/capstan-cli.jar
ROUNDS=3
IN_PROCESS=0
# long enough for the proxy's JIT to reach its steady code (the kubelet runs for days)
WARMUP=20s
ARGS=()
REPORT=
while (($#)); do
  case "$1" in
    --report) REPORT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections|--duration|--backend-threads|--event-loops) ARGS+=("$1" "$2"); shift 2 ;;
    --in-process) IN_PROCESS=1; shift ;;
    *) echo "usage: $0 [--rounds N] [--connections N] [--duration 10s] [--warmup 20s] [--in-process] | --report DIR" >&2; exit 2 ;;
  esac
done
[[ -f "$JAR" ]] || { echo "ingress-bench: $JAR missing; mvn -B -o -q package -DskipTests -pl cli,bench -am" >&2; exit 1; }
[[ -f "$LAUNCHER" ]] || { echo "ingress-bench: $LAUNCHER missing; mvn -B -o -q package -DskipTests -pl cli,bench -am" >&2; exit 1; }
for tool in jq; do
  command -v "$tool" >/dev/null || { echo "ingress-bench: $tool is required" >&2; exit 1; }
done
OUT=${REPORT:-${BENCH_OUT:-/tmp/capstan-ingress-bench.$(date +%Y%m%d-%H%M%S)}}
mkdir -p "$OUT"
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms256m -Xmx1g}
KUBELET_JAVA_OPTS=${KUBELET_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}
UP_ATTEMPTS=${BENCH_UP_ATTEMPTS:-3}
export CAPSTAN_CONTROLLER_MANAGER=0

if [[ -z "$REPORT" ]]; then
  if ! command -v nginx >/dev/null; then
    echo "ingress-bench: installing nginx" >&2
    apt-get install -y nginx-light >&2 || apt-get install -y nginx >&2
  fi
  {
    machine_header
    echo "nginx: $(nginx -v 2>&1)"
    echo "bench jar: $JAR, $(stat -c %y "$JAR")"
    echo "bench JVM options: $BENCH_JAVA_OPTS"
    if ((IN_PROCESS)); then
      echo "ingress proxy: in the bench JVM"
    else
      echo "ingress proxy: a kubelet's, JVM options: $KUBELET_JAVA_OPTS"
    fi
    echo "args: rounds=$ROUNDS warmup=$WARMUP ${ARGS[*]:-}"
  } >>"$OUT/machine.txt"
  for round in $(seq 1 "$ROUNDS"); do
    dir=$OUT/round-$round
    mkdir -p "$dir"
    export CAPSTAN_DIR=$dir/control-plane
    echo "round $round: $dir" >&2
    control_plane_up ingress-bench "$dir" 8080 10250 || exit 1
    kubelet_pid=
    stop_kubelet() {
      if [[ -n "$kubelet_pid" ]] && kill -0 "$kubelet_pid" 2>/dev/null; then
        kill "$kubelet_pid"
        for _ in $(seq 1 50); do kill -0 "$kubelet_pid" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$kubelet_pid" 2>/dev/null; then kill -9 "$kubelet_pid"; fi
      fi
      kubelet_pid=
    }
    trap 'stop_kubelet; "$CP" down >&2 || true' EXIT
    proxy_args=()
    if ((IN_PROCESS == 0)); then
      ingress_port=$((8080 + CAPSTAN_PORT_OFFSET))
      mkdir -p "$dir/kubelet"
      # shellcheck disable=SC2086
      java $KUBELET_JAVA_OPTS -jar "$LAUNCHER" kubelet --node ingress-bench --config "$CAPSTAN_DIR/config" \
        --root-dir "$dir/kubelet" --runtime process --no-proxy --dns-port 0 \
        --kubelet-port $((10250 + CAPSTAN_PORT_OFFSET)) --ingress-port "$ingress_port" \
        >"$dir/kubelet.log" 2>&1 &
      kubelet_pid=$!
      echo "  kubelet (pid $kubelet_pid), ingress proxy on 127.0.0.1:$ingress_port" >&2
      proxy_args=(--ingress "127.0.0.1:$ingress_port" --ingress-pid "$kubelet_pid")
    fi
    echo "  $(date +%T) ingress: ${ARGS[*]:-} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    rc=0
    # the bench stops the nginx it started (by its pid) before it exits
    # shellcheck disable=SC2086
    java $BENCH_JAVA_OPTS -cp "$JAR" io.capstan.bench.IngressBench --config "$CAPSTAN_DIR/config" \
      --nginx-config "$dir/nginx" --warmup "$WARMUP" "${proxy_args[@]}" "${ARGS[@]}" >"$dir/ingress.out" 2>"$dir/stderr.log" || rc=$?
    stop_kubelet
    grep '^{"scenario"' "$dir/ingress.out" | jq -c --argjson rc "$rc" '. + {exitStatus: $rc}' \
      >"$dir/ingress.json" || true
    ((rc == 0)) || echo "  ingress-bench exited $rc; see $dir/ingress.out and $dir/stderr.log" >&2
    sed -n '/^target /,$p' "$dir/ingress.out" >&2 || true
    "$CP" down >&2
    trap - EXIT
    rm -rf "$CAPSTAN_DIR"
  done
fi

ROUNDS=$(find "$OUT" -maxdepth 1 -name 'round-[0-9]*' -type d | wc -l)
median() { # median of FIELD for TARGET over the rounds' JSON lines
  cat "$OUT"/round-[0-9]*/ingress.json 2>/dev/null |
    jq -s --arg t "$1" "[.[] | select(.target == \$t) | .$2] | map(select(. != null)) | sort
      | if length == 0 then null else .[(length - 1) / 2 | floor] end"
}
fmt() { [[ "$1" == null ]] && echo "-" || printf '%.*f' "$2" "$1"; }
{
  echo "Medians of $ROUNDS round(s); results in $OUT"
  echo
  echo "| Target | Requests/s | p50 ms | p90 ms | p99 ms | max ms | Errors | Proxy CPU µs/request | Load (1 min) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for t in ingress direct nginx; do
    [[ "$(median "$t" throughput)" == null ]] && continue
    echo "| $t | $(fmt "$(median "$t" throughput)" 0) | $(fmt "$(median "$t" p50Ms)" 3) | $(fmt "$(median "$t" p90Ms)" 3)" \
      "| $(fmt "$(median "$t" p99Ms)" 3) | $(fmt "$(median "$t" maxMs)" 3) | $(median "$t" errors)" \
      "| $(fmt "$(median "$t" proxyCpuMicrosPerRequest)" 1) | $(fmt "$(median "$t" loadAverage1m)" 2) |"
  done
} | tee "$OUT/table.md"
