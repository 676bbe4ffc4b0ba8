#!/usr/bin/env bash
# Runs the Exports benchmark against a fresh private Azurite on free ports and writes bench/results/exports.md.
# Usage: bench/run-exports.sh [--rows N] [--models M] [--write-concurrency C] [--parallel-chunks K]
# Run it alone on the machine (wrap it in flock on a shared one): Azurite, the bench and the host share the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh
ensure_tools

data=$(mktemp -d "${TMPDIR:-/tmp}/exports-bench.XXXXXX")
cleanup() { [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

mapfile -t ports < <(free_ports)
# Azurite keeps every entity in one in-memory database: a million rows need more than node's default heap.
NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=8192" AZURITE_IN_MEMORY=1 start_azurite "$data/azurite" "${ports[0]}" "${ports[1]}" "${ports[2]}"
export TRANSFERS_TEST_STORAGE="$AZURITE_CONNECTION_STRING" AZURITE_PID

dotnet build src/Transfers.Host -c Release -nologo -clp:ErrorsOnly
dotnet build bench/Transfers.Exports.Bench -c Release -nologo -clp:ErrorsOnly
dotnet bench/Transfers.Exports.Bench/bin/Release/net10.0/Transfers.Exports.Bench.dll "$@" --out bench/results/exports.md
