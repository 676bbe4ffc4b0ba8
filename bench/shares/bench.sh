#!/usr/bin/env bash
# Shares benchmark: Transfers' file sync against `rclone sync` on the same Azurite and the same data.
# Starts its own Azurite and host, runs (a) the initial copy, (b) a re-sync with nothing changed and (c) a re-sync
# after 100 files modified, 100 deleted and 100 added, then a large-source run that records the host's peak RSS.
# Prints the figures and writes bench/results/shares.md.
#
#   bench/shares/bench.sh                 # 2,000 x 16 KB + 4 x 64 MB, then the 100,000-file RSS run (256-byte files)
#   LARGE_FILES=20000 LARGE_SIZE=1024 bench/shares/bench.sh
#   bench/shares/bench.sh --floor         # no host: rclone against a client that sends only the requests a delta
#                                         # re-sync needs (floor.py), writing bench/results/shares-floor.md
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
source scripts/azurite.sh
ensure_tools
if ! command -v rclone >/dev/null; then
  echo "Installing rclone (Debian package)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/shares-bench.XXXXXX")
host_pid=""
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -f "$work/host.log" ]; then
    echo "The benchmark failed; the host's last log lines:" >&2
    tail -n 40 "$work/host.log" >&2
  fi
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null || true
  [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mapfile -t ports < <(free_ports)
# Azurite keeps its store in memory, with a heap that holds the metadata of 100,000 files and their copies.
NODE_OPTIONS=--max-old-space-size=12288 AZURITE_IN_MEMORY=1 start_azurite "$work/azurite" "${ports[0]}" "${ports[1]}" "${ports[2]}"
export BENCH_BLOB_ENDPOINT="http://127.0.0.1:${ports[0]}/devstoreaccount1"
export BENCH_WORK="$work"
if [ "${1:-}" = "--floor" ]; then
  python3 "$root/bench/shares/floor.py" "$root/bench/results/shares-floor.md"
  exit
fi

echo "Building the host (Release)..."
dotnet build src/Transfers.Host -c Release -nologo -clp:ErrorsOnly >/dev/null
host_port=$(free_ports | head -1)
export BENCH_STORAGE="$AZURITE_CONNECTION_STRING"
export BENCH_HOST="http://127.0.0.1:$host_port"
export BENCH_ADMIN_KEY="bench-admin-key"

# The interval is long: each re-sync is triggered by pause + resume, which runs a check at once.
Urls="$BENCH_HOST" AzureWebJobsStorage="$AZURITE_CONNECTION_STRING" Transfers__AdminApiKey="$BENCH_ADMIN_KEY" \
  Transfers__Shares__SyncInterval=01:00:00 Logging__LogLevel__Default=Warning \
  dotnet src/Transfers.Host/bin/Release/net10.0/Transfers.Host.dll >"$work/host.log" 2>&1 &
host_pid=$!
export BENCH_HOST_PID=$host_pid BENCH_AZURITE_PID=$AZURITE_PID
for _ in $(seq 1 300); do curl -sf "$BENCH_HOST/health" >/dev/null && break; sleep 0.2; done

python3 "$root/bench/shares/bench.py" "$root/bench/results/shares.md"
