#!/usr/bin/env bash
# A whole local Capstan cluster on 127.0.0.1: the 3-node control plane of control-plane.sh (3
# `capstan server`, one `capstan controller-manager`) plus two nodes, `capstan kubelet` node-1 and
# node-2, which run pods as Docker containers when an engine answers and as host processes otherwise.
#   up [--runtime docker|process]
#                 build if needed, start everything, apply the web example (deploy/examples/web.yaml)
#                 and wait until its node port answers: curl 127.0.0.1:30080. Without --runtime:
#                 Docker when an engine answers and its image capstan/capstan:dev runs
#                 `capstan demo-web`, else host processes
#   down          stop exactly the processes `up` started (by their recorded pids), then remove the
#                 pods' processes or containers this cluster's kubelets left behind (and say so)
#   status        every process: pid, alive, ports; the store leader; the leading controller-manager
#   stop NAME     kill -9 one process, to show failover; NAME is server-1..3, controller-manager,
#                 kubelet-1..2
#   start NAME    start it again on its data
#   pids          the pids of the running processes, one per line
# Ports (docs/ports.md has them all): API 6443, 16443, 26443; store client 2379, 22379, 32379; store
# peer 2380, 22380, 32380; metrics 2381, 22381, 32381; kubelet logs-and-exec port 10250 (node-1)
# and 10251 (node-2), cluster DNS 10053, the ingress proxy 8080; each + $CAPSTAN_PORT_OFFSET (default
# 0). Node ports (30000-32767) and ClusterIPs are not moved by the offset: CAPSTAN_WEB_NODE_PORT
# (default 30080) changes the example's node port, CAPSTAN_SERVICE_CIDR (default 127.77.0.0/16) the
# ClusterIP range; give a second cluster on the same host other ones.
# Data and logs live under $CAPSTAN_DIR (default: ./data/cluster), printed by `up`; the client config
# is $CAPSTAN_DIR/config: export CAPSTAN_CONFIG=$CAPSTAN_DIR/config to use bin/capstan.
# The controller-manager runs with short node-lifecycle periods, so the pods of a lost node move
# within a minute: a node is Unknown 20 s after its last Lease renewal and its pods are evicted 15 s
# later and replaced at once.
# CAPSTAN_EXAMPLES=0 makes `up` skip the web example.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CAPSTAN_DIR="${CAPSTAN_DIR:-$root/data/cluster}"
dir="$CAPSTAN_DIR"
export CAPSTAN_PORT_OFFSET="${CAPSTAN_PORT_OFFSET:-0}"
offset="$CAPSTAN_PORT_OFFSET"
jar="$root/cli/target/capstan-cli.jar"
java_opts="${CAPSTAN_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}"
web_node_port="${CAPSTAN_WEB_NODE_PORT:-30080}"
with_examples="${CAPSTAN_EXAMPLES:-1}"
control_plane="$here/control-plane.sh"
image="capstan/capstan:dev"
capstan="$root/bin/capstan"
kubelets=(1 2)

usage() {
  sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

node_name() { echo "node-$1"; }
kubelet_port() { echo $((10249 + $1 + offset)); }
# every kubelet of the host serves cluster DNS on the same port (SO_REUSEPORT); the offset keeps
# another cluster's kubelets from answering for this one
dns_port() { echo $((10053 + offset)); }
ingress_port() { echo $((8080 + offset)); }
kubelet_dir() { echo "$dir/kubelet-$1"; }
kubelet_pidfile() { echo "$dir/kubelet-$1.pid"; }

kubelet_running() {
  local f; f="$(kubelet_pidfile "$1")"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

build() {
  if [ ! -f "$jar" ]; then
    echo "building $jar ..."
    (cd "$root" && mvn -B -q -DskipTests package -pl cli -am)
  fi
}

# The runtime chosen at `up`, kept for `start kubelet-N`.
runtime() {
  cat "$dir/runtime" 2>/dev/null || echo auto
}

start_kubelet() {
  local n="$1" port; port="$(kubelet_port "$1")"
  if kubelet_running "$n"; then
    echo "kubelet-$n is already running (pid $(cat "$(kubelet_pidfile "$n")"))"
    return
  fi
  if port_taken "$port"; then
    echo "error: 127.0.0.1:$port is taken by another process; kubelet-$n not started" \
      "(CAPSTAN_PORT_OFFSET=N moves every port of this script)" >&2
    exit 1
  fi
  local kdir; kdir="$(kubelet_dir "$n")"
  mkdir -p "$kdir"
  echo "--- cluster.sh: starting kubelet-$n at $(date -Is)" >>"$kdir/kubelet.log"
  # bin/ first on PATH: a process pod's `capstan` (the examples' command) is then this launcher,
  # since the process runtime hands its kubelet's PATH to the pods.
  # shellcheck disable=SC2086
  PATH="$root/bin:$PATH" nohup java $java_opts -jar "$jar" kubelet \
    --node "$(node_name "$n")" \
    --config "$dir/config" \
    --root-dir "$kdir" \
    --runtime "$(runtime)" \
    --kubelet-port "$port" \
    --dns-port "$(dns_port)" \
    --ingress-port "$(ingress_port)" \
    --lease-renew-interval 5s \
    >>"$kdir/kubelet.log" 2>&1 &
  echo $! >"$(kubelet_pidfile "$n")"
  echo "started kubelet-$n (pid $!) node $(node_name "$n"), runtime $(runtime), logs-and-exec port 127.0.0.1:$port, DNS 127.0.0.1:$(dns_port), ingress 127.0.0.1:$(ingress_port), root $kdir"
}

kill_kubelet() {
  local n="$1" f; f="$(kubelet_pidfile "$1")"
  if kubelet_running "$n"; then
    kill -9 "$(cat "$f")"
    echo "killed kubelet-$n (pid $(cat "$f")); its pods keep running, node-$n turns Unknown in about 20 s"
  else
    echo "kubelet-$n is not running"
  fi
  rm -f "$f"
}

# SIGTERM, then kill -9 after 15 s.
stop_kubelet() {
  local n="$1" f; f="$(kubelet_pidfile "$1")"
  if kubelet_running "$n"; then
    local pid; pid="$(cat "$f")"
    kill "$pid"
    for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid"
      echo "killed kubelet-$n (pid $pid; no exit within 15 s of SIGTERM)"
    else
      echo "stopped kubelet-$n (pid $pid)"
    fi
  else
    echo "kubelet-$n is not running"
  fi
  rm -f "$f"
}

kubelet_status() {
  local n="$1" pid="-" state="stopped"
  if kubelet_running "$n"; then pid="$(cat "$(kubelet_pidfile "$n")")"; state="running"; fi
  echo "kubelet-$n pid=$pid $state node=$(node_name "$n") runtime=$(runtime) port=127.0.0.1:$(kubelet_port "$n") log=$(kubelet_dir "$n")/kubelet.log"
}

status() {
  CAPSTAN_DIR="$dir" "$control_plane" status
  for n in "${kubelets[@]}"; do kubelet_status "$n"; done
}

capstan() {
  CAPSTAN_CONFIG="$dir/config" "$capstan" "$@"
}

# Bounded: a busy machine may need a while for the JVMs' first requests.
wait_nodes_ready() {
  local deadline=$(( $(date +%s) + 120 )) out=""
  while :; do
    out="$(capstan get nodes 2>/dev/null || true)"
    local ready=0
    for n in "${kubelets[@]}"; do
      if echo "$out" | awk -v node="$(node_name "$n")" '$1 == node && $2 == "Ready" {found = 1} END {exit !found}'; then
        ready=$((ready + 1))
      fi
    done
    if [ "$ready" -eq "${#kubelets[@]}" ]; then
      echo "$out"
      return 0
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "error: the nodes were not Ready within 120 s; see $dir/kubelet-*/kubelet.log" >&2
      echo "$out" >&2
      return 1
    fi
    sleep 1
  done
}

# The example with its node port moved when CAPSTAN_WEB_NODE_PORT says so.
web_manifest() {
  sed "s/nodePort: 30080/nodePort: $web_node_port/" "$root/deploy/examples/web.yaml"
}

apply_web() {
  if port_taken "$web_node_port"; then
    echo "warning: something already listens on 127.0.0.1:$web_node_port (another local cluster?);" \
      "the proxies share node ports (SO_REUSEPORT), so answers may come from it too." \
      "CAPSTAN_WEB_NODE_PORT=N picks another node port for the example." >&2
  fi
  echo "--- applying the web example (deploy/examples/web.yaml, node port $web_node_port)"
  web_manifest | capstan apply -f -
  local deadline=$(( $(date +%s) + 240 )) answer=""
  echo "--- waiting (at most 240 s) for curl 127.0.0.1:$web_node_port to answer"
  until answer="$(curl -fsS --max-time 2 "http://127.0.0.1:$web_node_port/" 2>/dev/null)"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "error: 127.0.0.1:$web_node_port did not answer within 240 s; the pods:" >&2
      capstan get pods -o wide >&2 || true
      return 1
    fi
    sleep 1
  done
  echo "\$ curl 127.0.0.1:$web_node_port"
  echo "$answer"
  capstan get deploy,pods,svc -o wide || true
}

# ---- leftovers: what the pods of this cluster's kubelets left running after `down`

# The pid's environment names a pod root of this cluster (the process runtime sets CAPSTAN_POD_ROOT
# in every container; a pod root lies under its kubelet's root dir, under $dir).
pod_process_of_cluster() {
  tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | grep -q "^CAPSTAN_POD_ROOT=$dir/kubelet-[0-9]*/"
}

# The processes of host-process pods still alive: the state dir of each kubelet's runtime records
# "<wrapper pid> <process pid>" per container (the process leads its own group), and each pid
# counts only while it is still a process of this cluster (its environment or command line says
# so), never a stranger that reused it.
leftover_pids() {
  local n f wrapper child p
  for n in "${kubelets[@]}"; do
    for f in "$(kubelet_dir "$n")"/runtime/containers/*/pids; do
      [ -f "$f" ] || continue
      read -r wrapper child <"$f" || continue
      if [ -n "${wrapper:-}" ] && kill -0 "$wrapper" 2>/dev/null &&
        tr '\0' ' ' 2>/dev/null <"/proc/$wrapper/cmdline" | grep -qF "$(dirname "$f")"; then
        echo "$wrapper"
      fi
      if [ -n "${child:-}" ]; then
        for p in $(pgrep -g "$child" 2>/dev/null); do
          if pod_process_of_cluster "$p"; then echo "$p"; fi
        done
      fi
    done
  done
}

# Docker containers of this cluster: labelled with one of its node names, and of a pod whose
# directory lies under that node's kubelet root (other clusters may name their nodes node-1 too).
leftover_containers() {
  command -v docker >/dev/null 2>&1 || return 0
  local n id uid
  for n in "${kubelets[@]}"; do
    docker ps -aq --filter "label=io.capstan.node=$(node_name "$n")" 2>/dev/null | while read -r id; do
      uid="$(docker inspect -f '{{index .Config.Labels "io.capstan.pod.uid"}}' "$id" 2>/dev/null || true)"
      if [ -n "$uid" ] && [ -d "$(kubelet_dir "$n")/pods/$uid" ]; then echo "$id"; fi
    done
  done
}

remove_leftovers() {
  local pids containers
  pids="$(leftover_pids | sort -un | tr '\n' ' ')"
  if [ -n "${pids// /}" ]; then
    echo "removing the pod processes this cluster's kubelets left running (a stopped kubelet leaves its pods, as Kubernetes' does): $pids"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    local deadline=$(( $(date +%s) + 10 ))
    while [ -n "$(leftover_pids)" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    pids="$(leftover_pids | sort -un | tr '\n' ' ')"
    if [ -n "${pids// /}" ]; then
      echo "killing (kill -9) the pod processes still running 10 s after SIGTERM: $pids"
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
    fi
  fi
  containers="$(leftover_containers | tr '\n' ' ')"
  if [ -n "${containers// /}" ]; then
    echo "removing the Docker containers this cluster's kubelets left: $containers"
    # shellcheck disable=SC2086
    docker rm -f $containers >/dev/null
  fi
  local deadline=$(( $(date +%s) + 10 ))
  while { [ -n "$(leftover_pids)" ] || [ -n "$(leftover_containers)" ]; } && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.2
  done
  if [ -n "$(leftover_pids)" ] || [ -n "$(leftover_containers)" ]; then
    echo "error: pod processes or containers of this cluster are still there:" \
      "$(leftover_pids | tr '\n' ' ') $(leftover_containers | tr '\n' ' ')" >&2
    return 1
  fi
  echo "no pod process or container of this cluster is left"
}

# The pids of the running processes `up` started, one per line.
all_pids() {
  "$control_plane" pids
  local f="$dir/controller-manager.pid"
  if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then cat "$f"; fi
  for n in "${kubelets[@]}"; do if kubelet_running "$n"; then cat "$(kubelet_pidfile "$n")"; fi; done
}

# kill -9 returns before the process is gone: wait (at most 30 s) until the pids are.
wait_gone() {
  local deadline=$(( $(date +%s) + 30 )) p left
  while :; do
    left=""
    for p in "$@"; do if kill -0 "$p" 2>/dev/null; then left="$left $p"; fi; done
    [ -z "$left" ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "error: still running 30 s after being stopped:$left" >&2
      return 1
    fi
    sleep 0.2
  done
}

name_arg() {
  case "${1:-}" in
    server-[123] | controller-manager | kubelet-[12]) echo "$1" ;;
    *)
      echo "error: unknown NAME \"${1:-}\" (server-1..3, controller-manager, kubelet-1..2)" >&2
      exit 2
      ;;
  esac
}

case "${1:-}" in
  up)
    shift
    runtime_flag=auto
    while [ $# -gt 0 ]; do
      case "$1" in
        --runtime)
          runtime_flag="${2:-}"
          shift 2 || { echo "error: --runtime needs a value (docker or process)" >&2; exit 2; }
          ;;
        --runtime=*) runtime_flag="${1#--runtime=}"; shift ;;
        *) echo "error: unknown argument \"$1\" for up (--runtime docker|process)" >&2; exit 2 ;;
      esac
    done
    case "$runtime_flag" in
      auto | docker | process) ;;
      *) echo "error: --runtime: expected docker or process, got \"$runtime_flag\"" >&2; exit 2 ;;
    esac
    # The example runs from the Capstan image under Docker: without it, host processes serve the
    # quickstart on a machine whose engine has not built the image yet.
    if [ "$runtime_flag" = auto ] && [ "$with_examples" != 0 ] && command -v docker >/dev/null 2>&1 &&
      timeout 10 docker info >/dev/null 2>&1; then
      if ! docker image inspect "$image" >/dev/null 2>&1; then
        echo "a Docker engine answers, but the image $image that the example runs is missing" \
          "(deploy/images/capstan-image.sh builds it): running pods as host processes (--runtime process)"
        runtime_flag=process
      elif ! timeout 60 docker run --rm --network none --entrypoint sh "$image" -c 'capstan --help | grep -q demo-web' >/dev/null 2>&1; then
        echo "a Docker engine answers, but the image $image has no 'capstan demo-web', which the example" \
          "runs (rebuild it with deploy/images/capstan-image.sh): running pods as host processes (--runtime process)"
        runtime_flag=process
      fi
    fi
    build
    mkdir -p "$dir"
    echo "$runtime_flag" >"$dir/runtime"
    echo "cluster data and logs: $dir"
    "$control_plane" up
    for n in "${kubelets[@]}"; do start_kubelet "$n"; done
    echo "--- waiting for the nodes"
    wait_nodes_ready
    if [ "$with_examples" != 0 ]; then apply_web; fi
    echo
    echo "data and logs: $dir (servers in server-N/, kubelets in kubelet-N/, controller-manager/)"
    echo "use it: export CAPSTAN_CONFIG=$dir/config; bin/capstan get pods -o wide"
    echo "stop it: deploy/local/cluster.sh down"
    ;;
  down)
    started="$(all_pids | tr '\n' ' ')"
    for n in "${kubelets[@]}"; do stop_kubelet "$n"; done
    "$control_plane" down
    # shellcheck disable=SC2086
    wait_gone $started
    remove_leftovers
    echo "data and logs kept in $dir (rm -rf it to start afresh)"
    ;;
  status) status ;;
  stop)
    name="$(name_arg "${2:-}")"
    case "$name" in
      server-*) "$control_plane" stop "${name#server-}" ;;
      controller-manager)
        f="$dir/controller-manager.pid"
        if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
          kill -9 "$(cat "$f")"
          echo "killed controller-manager (pid $(cat "$f")); its Lease expires in 15 s, then a new one may lead"
        else
          echo "controller-manager is not running"
        fi
        rm -f "$f"
        ;;
      kubelet-*) kill_kubelet "${name#kubelet-}" ;;
    esac
    ;;
  start)
    name="$(name_arg "${2:-}")"
    build
    case "$name" in
      server-*) "$control_plane" start "${name#server-}" ;;
      controller-manager) "$control_plane" start controller-manager ;;
      kubelet-*) start_kubelet "${name#kubelet-}" ;;
    esac
    ;;
  pids) all_pids ;;
  *) usage ;;
esac
