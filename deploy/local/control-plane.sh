#!/usr/bin/env bash
# A 3-node Capstan control plane on 127.0.0.1: each node runs a store peer and the object API.
#   API ports 6443, 16443, 26443; store client ports 2379, 22379, 32379; peer ports 2380, 22380,
#   32380; /metrics, /healthz, /readyz on 2381, 22381, 32381.
#   up            build if needed, start the three nodes, wait until they serve, show it working
#   down          stop exactly the processes `up` started (by their recorded pids)
#   status        each node: pid, alive, store leader, revision
#   stop N        kill -9 node N (1..3), to show failover
#   start N       start node N again on its data
#   pids          the pids of the running nodes, one per line
#   endpoints     the API endpoints, comma-separated
# Data and logs live under $CAPSTAN_DIR (default: ./data/control-plane), printed by `up`. The first
# node mints the admin token and writes the client config to $CAPSTAN_DIR/config (endpoints and
# token); export CAPSTAN_CONFIG=$CAPSTAN_DIR/config to use it.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${CAPSTAN_DIR:-$root/data/control-plane}"
jar="$root/apiserver/target/capstan-server.jar"
api_ports=(6443 16443 26443)
client_ports=(2379 22379 32379)
peer_ports=(2380 22380 32380)
metrics_ports=(2381 22381 32381)
api_endpoints="127.0.0.1:6443,127.0.0.1:16443,127.0.0.1:26443"
store_endpoints="127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379"
initial="server-1=http://127.0.0.1:2380,server-2=http://127.0.0.1:22380,server-3=http://127.0.0.1:32380"
java_opts="${CAPSTAN_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}"

pidfile() { echo "$dir/server-$1.pid"; }

running() {
  local f; f="$(pidfile "$1")"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

build() {
  if [ ! -f "$jar" ]; then
    echo "building $jar ..."
    (cd "$root" && mvn -B -q -DskipTests install)
  fi
}

start_node() {
  local n="$1" i=$(( $1 - 1 ))
  if running "$n"; then
    echo "server-$n is already running (pid $(cat "$(pidfile "$n")"))"
    return
  fi
  mkdir -p "$dir/server-$n"
  # shellcheck disable=SC2086
  nohup java $java_opts -jar "$jar" \
    --name "server-$n" \
    --data-dir "$dir/server-$n/data" \
    --listen-api "127.0.0.1:${api_ports[$i]}" \
    --listen-client "127.0.0.1:${client_ports[$i]}" \
    --listen-peer "127.0.0.1:${peer_ports[$i]}" \
    --listen-metrics "127.0.0.1:${metrics_ports[$i]}" \
    --initial-cluster "$initial" \
    --api-endpoints "$api_endpoints" \
    --client-config "$dir/config" \
    >"$dir/server-$n/server.log" 2>&1 &
  echo $! >"$(pidfile "$n")"
  echo "started server-$n (pid $!) API 127.0.0.1:${api_ports[$i]} store 127.0.0.1:${client_ports[$i]} metrics http://127.0.0.1:${metrics_ports[$i]}/metrics"
}

stop_node() {
  local n="$1" f; f="$(pidfile "$1")"
  if running "$n"; then
    kill -9 "$(cat "$f")"
    echo "killed server-$n (pid $(cat "$f"))"
  else
    echo "server-$n is not running"
  fi
  rm -f "$f"
}

# Serving: the store peer is ready and the API port accepts connections (it opens after bootstrap).
serving() {
  local i=$(( $1 - 1 ))
  curl -fsS "http://127.0.0.1:${metrics_ports[$i]}/readyz" >/dev/null 2>&1 &&
    (exec 3<>"/dev/tcp/127.0.0.1/${api_ports[$i]}") 2>/dev/null
}

wait_serving() {
  local deadline=$(( $(date +%s) + 90 ))
  for n in "$@"; do
    until serving "$n"; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "server-$n did not start serving within 90 s; see $dir/server-$n/server.log" >&2
        return 1
      fi
      sleep 0.3
    done
  done
}

status() {
  for n in 1 2 3; do
    local i=$(( n - 1 )) pid="-" state="stopped" extra=""
    if running "$n"; then pid="$(cat "$(pidfile "$n")")"; state="running"; fi
    if [ "$state" = running ]; then
      local m leader rev
      m="$(curl -fsS "http://127.0.0.1:${metrics_ports[$i]}/metrics" 2>/dev/null || true)"
      leader="$(echo "$m" | awk '/^capstan_store_is_leader/ {print $2}' | head -1)"
      rev="$(echo "$m" | awk '/^capstan_store_revision/ {print $2}' | head -1)"
      [ "${leader%.*}" = "1" ] && extra=" STORE-LEADER"
      extra="$extra revision=${rev%.*}"
    fi
    echo "server-$n pid=$pid $state api=127.0.0.1:${api_ports[$i]}$extra"
  done
}

show() {
  echo "client config (endpoints and admin token): $dir/config"
  if command -v etcdctl >/dev/null; then
    echo "--- objects in the store (etcdctl, keys only)"
    ETCDCTL_API=3 etcdctl --endpoints="$store_endpoints" get --prefix /registry/ --keys-only | sed '/^$/d'
  fi
}

case "${1:-}" in
  up)
    build
    mkdir -p "$dir"
    echo "data and logs: $dir"
    for n in 1 2 3; do start_node "$n"; done
    wait_serving 1 2 3
    status
    show
    ;;
  down)
    for n in 1 2 3; do stop_node "$n"; done
    ;;
  status) status ;;
  stop) stop_node "${2:?node number 1..3}" ;;
  start)
    build
    start_node "${2:?node number 1..3}"
    wait_serving "$2"
    ;;
  pids)
    for n in 1 2 3; do if running "$n"; then cat "$(pidfile "$n")"; fi; done
    ;;
  endpoints) echo "$api_endpoints" ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
