#!/usr/bin/env bash
# A 3-node Capstan control plane on 127.0.0.1: each node runs a store peer and the object API
# (`capstan server`), and one `capstan controller-manager` runs the scheduler and the controllers.
#   API ports 6443, 16443, 26443; store client ports 2379, 22379, 32379; peer ports 2380, 22380,
#   32380; /metrics, /healthz, /readyz on 2381, 22381, 32381 (each + $CAPSTAN_PORT_OFFSET, default 0).
#   up            build if needed, start the three nodes, wait until they serve, start the
#                 controller-manager, show it working
#   down          stop exactly the processes `up` started (by their recorded pids)
#   status        each node: pid, alive, store leader, revision; the controller-manager: pid, leading
#   stop N        kill -9 node N (1..3), to show failover
#   start N       start node N again on its data
#   stop controller-manager / start controller-manager   (SIGTERM: it hands its Lease back)
#   pids          the pids of the running nodes, one per line
#   endpoints     the API endpoints, comma-separated
# Data and logs live under $CAPSTAN_DIR (default: ./data/control-plane), printed by `up`. The first
# node mints the admin token and writes the client config to $CAPSTAN_DIR/config (endpoints and
# token); export CAPSTAN_CONFIG=$CAPSTAN_DIR/config to use it.
# The controller-manager runs with short node-lifecycle periods, so that the pods of a lost node
# move within a minute: a node that stops renewing its Lease is Unknown after 20 s (checked every
# 2 s), its pods are evicted 15 s later and replaced at once, and the evicted pods are removed after
# 20 s more (Kubernetes' defaults: 40 s, 5 s, 300 s, 60 s). CAPSTAN_CONTROLLER_MANAGER=0 starts the
# nodes alone (the API benchmark does, so that no controller writes during its runs).
# CAPSTAN_SERVICE_CIDR (default 127.77.0.0/16, a loopback block) is where ClusterIPs come from: give
# each control plane on one machine its own, since every node serves ClusterIPs on the host itself.
# Every process is the one launcher, cli/target/capstan-cli.jar (bin/capstan).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${CAPSTAN_DIR:-$root/data/control-plane}"
jar="$root/cli/target/capstan-cli.jar"
# CAPSTAN_PORT_OFFSET (default 0) is added to every port, so that several control planes (a
# benchmark's and someone's own) can run on one machine.
offset="${CAPSTAN_PORT_OFFSET:-0}"
api_ports=($((6443 + offset)) $((16443 + offset)) $((26443 + offset)))
client_ports=($((2379 + offset)) $((22379 + offset)) $((32379 + offset)))
peer_ports=($((2380 + offset)) $((22380 + offset)) $((32380 + offset)))
metrics_ports=($((2381 + offset)) $((22381 + offset)) $((32381 + offset)))
api_endpoints="127.0.0.1:${api_ports[0]},127.0.0.1:${api_ports[1]},127.0.0.1:${api_ports[2]}"
store_endpoints="127.0.0.1:${client_ports[0]},127.0.0.1:${client_ports[1]},127.0.0.1:${client_ports[2]}"
initial="server-1=http://127.0.0.1:${peer_ports[0]},server-2=http://127.0.0.1:${peer_ports[1]},server-3=http://127.0.0.1:${peer_ports[2]}"
# C1 only: on a machine of few cores, C2's compilations took half the CPU of a 3,000-pod run
java_opts="${CAPSTAN_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
with_cm="${CAPSTAN_CONTROLLER_MANAGER:-1}"
service_cidr="${CAPSTAN_SERVICE_CIDR:-127.77.0.0/16}"
cm_flags=(--node-monitor-grace-period 20s --node-monitor-period 2s
  --default-toleration-seconds 15s --terminating-pod-timeout 20s)

pidfile() { echo "$dir/server-$1.pid"; }

running() {
  local f; f="$(pidfile "$1")"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

# Whether something already listens on 127.0.0.1:PORT (bash's /dev/tcp: no extra tool needed).
port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

build() {
  if [ ! -f "$jar" ]; then
    echo "building $jar ..."
    (cd "$root" && mvn -B -q -DskipTests package -pl cli -am)
  fi
}

start_node() {
  local n="$1" i=$(( $1 - 1 ))
  if running "$n"; then
    echo "server-$n is already running (pid $(cat "$(pidfile "$n")"))"
    return
  fi
  local port
  for port in "${api_ports[$i]}" "${client_ports[$i]}" "${peer_ports[$i]}" "${metrics_ports[$i]}"; do
    if port_taken "$port"; then
      echo "error: 127.0.0.1:$port is taken by another process; server-$n not started" \
        "(CAPSTAN_PORT_OFFSET=N moves every port of this script)" >&2
      exit 1
    fi
  done
  mkdir -p "$dir/server-$n"
  # shellcheck disable=SC2086
  nohup java $java_opts -jar "$jar" server \
    --name "server-$n" \
    --data-dir "$dir/server-$n/data" \
    --listen-api "127.0.0.1:${api_ports[$i]}" \
    --listen-client "127.0.0.1:${client_ports[$i]}" \
    --listen-peer "127.0.0.1:${peer_ports[$i]}" \
    --listen-metrics "127.0.0.1:${metrics_ports[$i]}" \
    --initial-cluster "$initial" \
    --api-endpoints "$api_endpoints" \
    --store-endpoints "$store_endpoints" \
    --client-config "$dir/config" \
    --service-cidr "$service_cidr" \
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

cm_pidfile="$dir/controller-manager.pid"

cm_running() {
  [ -f "$cm_pidfile" ] && kill -0 "$(cat "$cm_pidfile")" 2>/dev/null
}

start_cm() {
  if cm_running; then
    echo "controller-manager is already running (pid $(cat "$cm_pidfile"))"
    return
  fi
  mkdir -p "$dir/controller-manager"
  echo "--- control-plane.sh: starting the controller-manager at $(date -Is)" >>"$dir/controller-manager/controller-manager.log"
  # shellcheck disable=SC2086
  nohup java $java_opts -jar "$jar" controller-manager \
    --config "$dir/config" \
    --identity controller-manager-1 \
    "${cm_flags[@]}" \
    >>"$dir/controller-manager/controller-manager.log" 2>&1 &
  echo $! >"$cm_pidfile"
  echo "started controller-manager (pid $!) ${cm_flags[*]}"
}

# SIGTERM: it stops its controllers and releases its Lease, so that a new one leads at once.
stop_cm() {
  if cm_running; then
    local pid; pid="$(cat "$cm_pidfile")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid"
      echo "killed controller-manager (pid $pid; no exit within 10 s of SIGTERM)"
    else
      echo "stopped controller-manager (pid $pid)"
    fi
  else
    echo "controller-manager is not running"
  fi
  rm -f "$cm_pidfile"
}

cm_status() {
  local pid="-" state="stopped" extra=""
  if cm_running; then
    pid="$(cat "$cm_pidfile")"; state="running"
    # its log (since this process started) says when it became leader or lost it; the last such line
    # is where it stands
    case "$(awk '/^--- control-plane.sh: starting/ {last = ""} /became leader|lost leadership/ {last = $0} END {print last}' \
      "$dir/controller-manager/controller-manager.log" 2>/dev/null)" in
      *"became leader"*) extra=" LEADING" ;;
      *"lost leadership"*) extra=" standby (lost leadership)" ;;
      *) extra=" standby (not leading yet)" ;;
    esac
  fi
  echo "controller-manager pid=$pid $state$extra log=$dir/controller-manager/controller-manager.log"
}

# Serving: the store peer is ready and the API port accepts connections (it opens after bootstrap).
serving() {
  local i=$(( $1 - 1 ))
  curl -fsS "http://127.0.0.1:${metrics_ports[$i]}/readyz" >/dev/null 2>&1 &&
    (exec 3<>"/dev/tcp/127.0.0.1/${api_ports[$i]}") 2>/dev/null
}

# As long as a node itself keeps trying its first store requests (3 minutes): a new cluster on a
# busy machine may take that long to elect its store leader.
wait_serving() {
  local deadline=$(( $(date +%s) + 180 ))
  for n in "$@"; do
    until serving "$n"; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "server-$n did not start serving within 180 s; see $dir/server-$n/server.log" >&2
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
  if [ "$with_cm" != 0 ] || cm_running; then cm_status; fi
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
    if [ "$with_cm" != 0 ]; then
      start_cm
      echo "controller-manager: node lifecycle shortened so a lost node's pods move within a minute"
      echo "  (node Unknown after 20 s without a Lease renewal, its pods evicted 15 s later and replaced)"
    fi
    status
    show
    ;;
  down)
    stop_cm
    for n in 1 2 3; do stop_node "$n"; done
    ;;
  status) status ;;
  stop)
    case "${2:?node number 1..3, or controller-manager}" in
      controller-manager) stop_cm ;;
      *) stop_node "$2" ;;
    esac
    ;;
  start)
    build
    case "${2:?node number 1..3, or controller-manager}" in
      controller-manager) start_cm ;;
      *)
        start_node "$2"
        wait_serving "$2"
        ;;
    esac
    ;;
  pids)
    for n in 1 2 3; do if running "$n"; then cat "$(pidfile "$n")"; fi; done
    ;;
  endpoints) echo "$api_endpoints" ;;
  *)
    sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
