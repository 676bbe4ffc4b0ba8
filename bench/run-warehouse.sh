#!/usr/bin/env bash
# Runs the warehouse benchmark (bench/Transfers.Warehouse.Bench) against a fresh private Azurite and PostgreSQL on free
# ports; writes its table to bench/results/warehouse-run.md unless --out is given.
# Usage: bench/run-warehouse.sh [--rows N] [--patterns APPEND_ONLY,OVERWRITE] [--skip-scan] [--write-concurrency C] [--out FILE]
# Run it alone on the machine (wrap it in flock on a shared one): Azurite, PostgreSQL and the bench share the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh
source scripts/postgres.sh
ensure_tools
ensure_postgres

data=$(mktemp -d "${TMPDIR:-/tmp}/warehouse-bench.XXXXXX")
# Traversable by others, so that the user nobody, which runs PostgreSQL when we are root, reaches its data folder.
chmod 711 "$data"
cleanup() { [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null; stop_postgres; rm -rf "$data"; }
trap cleanup EXIT

mapfile -t ports < <(free_ports)
# Azurite keeps every entity in one in-memory database: a million rows need more than node's default heap.
NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=8192" AZURITE_IN_MEMORY=1 start_azurite "$data/azurite" "${ports[0]}" "${ports[1]}" "${ports[2]}"
# The server's default settings (fsync and synchronous commit on), as a warehouse runs: both the baseline and the
# engine pay for durable writes.
mapfile -t pg_port < <(free_ports)
start_postgres "$data/postgres" "${pg_port[0]}"
export TRANSFERS_TEST_STORAGE="$AZURITE_CONNECTION_STRING" TRANSFERS_TEST_POSTGRES="$POSTGRES_CONNECTION_STRING" AZURITE_PID POSTGRES_PID

dotnet build src/Transfers.Host -c Release -nologo -clp:ErrorsOnly
dotnet build bench/Transfers.Warehouse.Bench -c Release -nologo -clp:ErrorsOnly
out=()
[[ " $* " == *" --out "* ]] || out=(--out bench/results/warehouse-run.md)
dotnet bench/Transfers.Warehouse.Bench/bin/Release/net10.0/Transfers.Warehouse.Bench.dll "$@" "${out[@]}"
