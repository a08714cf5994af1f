#!/usr/bin/env bash
# A 3-member etcd 3.4 cluster on 127.0.0.1, the reference the Capstan store is benchmarked against.
#
#   bench/etcd-cluster.sh up        start members 1..3, print the data dir, wait until healthy
#   bench/etcd-cluster.sh down      kill exactly the recorded pids and remove the data dir
#   bench/etcd-cluster.sh stop N    kill -9 member N (1-based), as a crash would
#   bench/etcd-cluster.sh start N   restart member N on its existing data dir
#   bench/etcd-cluster.sh pids      one pid per line, member 1 first ("-" for a stopped member)
#   bench/etcd-cluster.sh endpoints the client endpoints, comma-separated
#   bench/etcd-cluster.sh status    etcdctl endpoint status
#
# Client ports 42379/42381/42383, peer ports 42380/42382/42384: clear of Capstan's 2379/22379/32379
# and 2380/22380/32380, so both clusters can be installed side by side (they are run one at a time).
# Needs /usr/bin/etcd from Debian's etcd-server package: apt-get install -y etcd-server
set -euo pipefail

ETCD_BIN=${ETCD_BIN:-/usr/bin/etcd}
ETCDCTL_BIN=${ETCDCTL_BIN:-/usr/bin/etcdctl}
STATE_DIR=${BENCH_ETCD_STATE_DIR:-/tmp/capstan-bench-etcd-state}
CLIENT_PORTS=(42379 42381 42383)
PEER_PORTS=(42380 42382 42384)
TOKEN=capstan-bench-etcd

endpoints() {
  local out="" p
  for p in "${CLIENT_PORTS[@]}"; do out+="${out:+,}127.0.0.1:$p"; done
  echo "$out"
}

initial_cluster() {
  local out="" i
  for i in 0 1 2; do out+="${out:+,}m$((i + 1))=http://127.0.0.1:${PEER_PORTS[$i]}"; done
  echo "$out"
}

# True when $1 is a live process whose command line is our etcd binary; guards against pid reuse.
is_our_etcd() {
  local pid=$1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -q -- "--initial-cluster-token $TOKEN"
}

start_member() {
  local n=$1 data_dir=$2 state=$3
  local i=$((n - 1))
  # Debian's etcd refuses to start on unsupported architectures unless this is set; on amd64 it
  # must stay unset, so pass it through only if the caller set it.
  env ${ETCD_UNSUPPORTED_ARCH:+ETCD_UNSUPPORTED_ARCH=$ETCD_UNSUPPORTED_ARCH} \
    "$ETCD_BIN" \
    --name "m$n" \
    --data-dir "$data_dir/m$n" \
    --listen-client-urls "http://127.0.0.1:${CLIENT_PORTS[$i]}" \
    --advertise-client-urls "http://127.0.0.1:${CLIENT_PORTS[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${PEER_PORTS[$i]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${PEER_PORTS[$i]}" \
    --initial-cluster "$(initial_cluster)" \
    --initial-cluster-token "$TOKEN" \
    --initial-cluster-state "$state" \
    --logger zap --log-outputs "$data_dir/m$n.log" \
    </dev/null >>"$data_dir/m$n.out" 2>&1 &
  echo $! >"$STATE_DIR/pid.$n"
}

wait_healthy() {
  local deadline=$((SECONDS + 30))
  until "$ETCDCTL_BIN" --endpoints "$(endpoints)" --command-timeout=2s endpoint health >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "etcd-cluster: not healthy after 30 s; logs in $(cat "$STATE_DIR/data_dir")" >&2
      return 1
    fi
    sleep 0.5
  done
}

pid_of() { cat "$STATE_DIR/pid.$1" 2>/dev/null || echo -; }

member_arg() {
  [[ "${1:-}" =~ ^[123]$ ]] || { echo "etcd-cluster: member must be 1, 2 or 3, got '${1:-}'" >&2; exit 2; }
  echo "$1"
}

cmd=${1:-}
case "$cmd" in
  up)
    [[ -x "$ETCD_BIN" ]] || { echo "etcd-cluster: $ETCD_BIN missing; apt-get install -y etcd-server" >&2; exit 1; }
    if [[ -f "$STATE_DIR/data_dir" ]]; then
      echo "etcd-cluster: already up (state in $STATE_DIR); run 'down' first" >&2
      exit 1
    fi
    mkdir -p "$STATE_DIR"
    data_dir=$(mktemp -d /tmp/capstan-bench-etcd.XXXXXX)
    echo "$data_dir" >"$STATE_DIR/data_dir"
    for n in 1 2 3; do start_member "$n" "$data_dir" new; done
    echo "etcd-cluster: data in $data_dir, pids $(pid_of 1) $(pid_of 2) $(pid_of 3)"
    wait_healthy
    echo "etcd-cluster: healthy at $(endpoints)"
    ;;
  down)
    [[ -d "$STATE_DIR" ]] || { echo "etcd-cluster: not up"; exit 0; }
    for n in 1 2 3; do
      pid=$(pid_of "$n")
      if is_our_etcd "$pid"; then kill "$pid"; fi
    done
    for n in 1 2 3; do
      pid=$(pid_of "$n")
      for _ in $(seq 50); do is_our_etcd "$pid" || break; sleep 0.1; done
      if is_our_etcd "$pid"; then kill -9 "$pid"; fi
    done
    data_dir=$(cat "$STATE_DIR/data_dir" 2>/dev/null || true)
    if [[ "$data_dir" == /tmp/capstan-bench-etcd.* ]]; then rm -rf "$data_dir"; fi
    rm -rf "$STATE_DIR"
    echo "etcd-cluster: down"
    ;;
  stop)
    n=$(member_arg "${2:-}")
    pid=$(pid_of "$n")
    if is_our_etcd "$pid"; then kill -9 "$pid"; echo "etcd-cluster: killed member $n (pid $pid)"; fi
    echo - >"$STATE_DIR/pid.$n"
    ;;
  start)
    n=$(member_arg "${2:-}")
    if is_our_etcd "$(pid_of "$n")"; then echo "etcd-cluster: member $n already running"; exit 0; fi
    start_member "$n" "$(cat "$STATE_DIR/data_dir")" existing
    wait_healthy
    echo "etcd-cluster: restarted member $n (pid $(pid_of "$n"))"
    ;;
  pids)
    for n in 1 2 3; do pid_of "$n"; done
    ;;
  endpoints)
    endpoints
    ;;
  status)
    "$ETCDCTL_BIN" --endpoints "$(endpoints)" --command-timeout=2s endpoint status -w table
    ;;
  *)
    echo "usage: $0 up|down|stop N|start N|pids|endpoints|status" >&2
    exit 2
    ;;
esac
