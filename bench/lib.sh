# Functions the bench scripts share; sourced, not run:  . "$(dirname "$0")/lib.sh"
# They read $CP (deploy/local/control-plane.sh) where they ask the control plane for its pids.

# control-plane.sh's base ports, each moved by CAPSTAN_PORT_OFFSET.
CONTROL_PLANE_PORTS=(6443 16443 26443 2379 22379 32379 2380 22380 32380 2381 22381 32381)

# pick_offset NAME [BASE_PORT...]: the first offset (from 1000, in steps of 1000) at which the
# control plane's ports and the extra BASE_PORTs are all free. Others on this machine may run a
# control plane on the fixed ports; NAME goes into the error.
pick_offset() {
  local name=$1 offset port taken clash
  shift
  taken=$(ss -ltnH 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
  for offset in $(seq 1000 1000 30000); do
    clash=0
    for port in "${CONTROL_PLANE_PORTS[@]}" "$@"; do
      if grep -qx "$((port + offset))" <<<"$taken"; then clash=1; break; fi
    done
    if ((clash == 0)); then echo "$offset"; return; fi
  done
  echo "$name: no free set of control-plane ports" >&2
  return 1
}

# server_cpu_ticks: user + system clock ticks of the control plane's processes so far.
server_cpu_ticks() {
  local pid v total=0
  for pid in $("$CP" pids); do
    v=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# server_rss_mib: resident memory of the control plane's processes now, MiB in all.
server_rss_mib() {
  local pid v total=0
  for pid in $("$CP" pids); do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo $((total / 1024))
}

# machine_header: the lines every bench's machine.txt starts with (host, load, Java).
machine_header() {
  echo "host: $(hostname) nproc=$(nproc) mem=$(free -m | awk '/^Mem:/ {print $2}')MiB"
  echo "loadavg at start: $(cat /proc/loadavg)"
  java -version 2>&1 | head -1
}

# control_plane_up NAME DIR [BASE_PORT...]: `$CP up` on the first free port offset (exported as
# CAPSTAN_PORT_OFFSET; BASE_PORTs are checked too), its output in DIR/up-N.log. A start that fails
# (a node can exit during bootstrap) is taken down, its data removed, and tried afresh, up to
# $UP_ATTEMPTS times in all (default 3); returns 1 when none worked.
control_plane_up() {
  local name=$1 dir=$2 attempt
  shift 2
  for attempt in $(seq 1 "${UP_ATTEMPTS:-3}"); do
    CAPSTAN_PORT_OFFSET=$(pick_offset "$name" "$@") || return 1
    export CAPSTAN_PORT_OFFSET
    echo "  control plane on ports + $CAPSTAN_PORT_OFFSET (API $((6443 + CAPSTAN_PORT_OFFSET)), ...)" >&2
    if "$CP" up >"$dir/up-$attempt.log" 2>&1; then
      return 0
    fi
    echo "$name: 'up' attempt $attempt failed; see $dir/up-$attempt.log" >&2
    "$CP" down >&2 || true
    rm -rf "$CAPSTAN_DIR"
  done
  return 1
}
