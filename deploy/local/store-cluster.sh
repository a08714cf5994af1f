#!/usr/bin/env bash
# A 3-peer Capstan store on 127.0.0.1: client ports 2379, 22379, 32379; peer ports 2380, 22380, 32380.
#   up            build if needed, start the three peers, wait for a leader, show it working
#   down          stop exactly the processes `up` started (by their recorded pids)
#   status        each peer: pid, alive, leader, revision
#   stop N        kill -9 peer N (1..3), to show failover
#   start N       start peer N again on its data
#   pids          the pids of the running peers, one per line
#   endpoints     the client endpoints, comma-separated
# Data and logs live under $CAPSTAN_STORE_DIR (default: ./data/store-cluster), printed by `up`.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${CAPSTAN_STORE_DIR:-$root/data/store-cluster}"
jar="$root/store/target/capstan-store.jar"
client_ports=(2379 22379 32379)
peer_ports=(2380 22380 32380)
metrics_ports=(2381 22381 32381)
endpoints="127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379"
initial="s1=http://127.0.0.1:2380,s2=http://127.0.0.1:22380,s3=http://127.0.0.1:32380"
java_opts="${CAPSTAN_STORE_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}"

pidfile() { echo "$dir/s$1.pid"; }

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

start_peer() {
  local n="$1" i=$(( $1 - 1 ))
  if running "$n"; then
    echo "s$n is already running (pid $(cat "$(pidfile "$n")"))"
    return
  fi
  mkdir -p "$dir/s$n"
  # shellcheck disable=SC2086
  nohup java $java_opts -jar "$jar" \
    --name "s$n" \
    --data-dir "$dir/s$n/data" \
    --listen-client "127.0.0.1:${client_ports[$i]}" \
    --listen-peer "127.0.0.1:${peer_ports[$i]}" \
    --listen-metrics "127.0.0.1:${metrics_ports[$i]}" \
    --initial-cluster "$initial" \
    >"$dir/s$n/peer.log" 2>&1 &
  echo $! >"$(pidfile "$n")"
  echo "started s$n (pid $!) client 127.0.0.1:${client_ports[$i]} peer 127.0.0.1:${peer_ports[$i]} metrics http://127.0.0.1:${metrics_ports[$i]}/metrics"
}

stop_peer() {
  local n="$1" f; f="$(pidfile "$1")"
  if running "$n"; then
    kill -9 "$(cat "$f")"
    echo "killed s$n (pid $(cat "$f"))"
  else
    echo "s$n is not running"
  fi
  rm -f "$f"
}

ready() {
  local i=$(( $1 - 1 ))
  curl -fsS "http://127.0.0.1:${metrics_ports[$i]}/readyz" >/dev/null 2>&1
}

wait_ready() {
  local deadline=$(( $(date +%s) + 60 ))
  for n in "$@"; do
    until ready "$n"; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "s$n did not become ready within 60 s; see $dir/s$n/peer.log" >&2
        return 1
      fi
      sleep 0.3
    done
  done
}

status() {
  for n in 1 2 3; do
    local i=$(( n - 1 )) pid="-" state="stopped"
    if running "$n"; then pid="$(cat "$(pidfile "$n")")"; state="running"; fi
    local extra=""
    if [ "$state" = running ] && command -v curl >/dev/null; then
      local m
      m="$(curl -fsS "http://127.0.0.1:${metrics_ports[$i]}/metrics" 2>/dev/null || true)"
      local leader rev
      leader="$(echo "$m" | awk '/^capstan_store_is_leader/ {print $2}' | head -1)"
      rev="$(echo "$m" | awk '/^capstan_store_revision/ {print $2}' | head -1)"
      [ "${leader%.*}" = "1" ] && extra=" LEADER"
      extra="$extra revision=${rev%.*}"
    fi
    echo "s$n pid=$pid $state client=127.0.0.1:${client_ports[$i]}$extra"
  done
}

case "${1:-}" in
  up)
    build
    mkdir -p "$dir"
    echo "data and logs: $dir"
    for n in 1 2 3; do start_peer "$n"; done
    wait_ready 1 2 3
    status
    if command -v etcdctl >/dev/null; then
      export ETCDCTL_API=3
      echo "--- etcdctl against the cluster"
      etcdctl --endpoints="$endpoints" put /capstan/hello world
      etcdctl --endpoints="$endpoints" get /capstan/hello
      etcdctl --endpoints="$endpoints" endpoint status -w table
      etcdctl --endpoints="$endpoints" member list -w table
    fi
    ;;
  down)
    for n in 1 2 3; do stop_peer "$n"; done
    ;;
  status) status ;;
  stop) stop_peer "${2:?peer number 1..3}" ;;
  start)
    build
    start_peer "${2:?peer number 1..3}"
    wait_ready "$2"
    ;;
  pids)
    for n in 1 2 3; do if running "$n"; then cat "$(pidfile "$n")"; fi; done
    ;;
  endpoints) echo "$endpoints" ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
