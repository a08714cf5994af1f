#!/usr/bin/env bash
# Brings compose.yaml's control plane up on ports moved by an offset, checks that it answers
# `capstan get ns` through all three API servers and that the controller-manager leads, then takes it
# down with its volumes, whatever happened. Needs the image (deploy/images/capstan-image.sh) and
# docker-compose or `docker compose`.
# Usage: deploy/compose/compose-smoke.sh [OFFSET]   (default 3700: API ports 10143, 20143, 30143 ...)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
offset=${1:-3700}
project=capstan-smoke-$offset
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  echo "neither docker compose nor docker-compose is installed" >&2
  exit 2
fi
compose+=(-p "$project" -f "$here/compose.yaml")

n=0
for base in 6443 16443 26443; do n=$((n + 1)); export "CAPSTAN_API_PORT_$n=$((base + offset))"; done
n=0
for base in 2379 22379 32379; do n=$((n + 1)); export "CAPSTAN_CLIENT_PORT_$n=$((base + offset))"; done
n=0
for base in 2380 22380 32380; do n=$((n + 1)); export "CAPSTAN_PEER_PORT_$n=$((base + offset))"; done
n=0
for base in 2381 22381 32381; do n=$((n + 1)); export "CAPSTAN_METRICS_PORT_$n=$((base + offset))"; done

for port in "$CAPSTAN_API_PORT_1" "$CAPSTAN_API_PORT_2" "$CAPSTAN_API_PORT_3" "$CAPSTAN_CLIENT_PORT_1" \
  "$CAPSTAN_CLIENT_PORT_2" "$CAPSTAN_CLIENT_PORT_3" "$CAPSTAN_PEER_PORT_1" "$CAPSTAN_PEER_PORT_2" \
  "$CAPSTAN_PEER_PORT_3" "$CAPSTAN_METRICS_PORT_1" "$CAPSTAN_METRICS_PORT_2" "$CAPSTAN_METRICS_PORT_3"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "127.0.0.1:$port is taken: pick another offset" >&2
    exit 2
  fi
done

cleanup() {
  "${compose[@]}" logs --no-color --tail 20 >"/tmp/$project.log" 2>&1 || true
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT

"${compose[@]}" up -d
deadline=$(($(date +%s) + 240))
for api in "$CAPSTAN_API_PORT_1" "$CAPSTAN_API_PORT_2" "$CAPSTAN_API_PORT_3"; do
  until out=$("${compose[@]}" exec -T server-1 capstan --server "127.0.0.1:$api" get ns 2>&1) &&
    grep -q '^default ' <<<"$out"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "FAIL: the API on 127.0.0.1:$api did not answer get ns within 240 s: $out" >&2
      exit 1
    fi
    sleep 2
  done
  echo "ok: get ns through 127.0.0.1:$api"
done
until "${compose[@]}" logs --no-color controller-manager 2>&1 | grep -q 'became leader'; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "FAIL: the controller-manager did not become leader within 240 s" >&2
    exit 1
  fi
  sleep 2
done
echo "ok: the controller-manager leads"
echo "$out"
echo "PASS (tearing down $project)"
