#!/usr/bin/env bash
# Builds Transfers and runs every test against a private Azurite and a private PostgreSQL on free ports (so it can run
# beside ./run.sh).
# Ends with the line "N passed, N failed[, N skipped]" summed from the TRX results; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/azurite.sh
source scripts/postgres.sh
source scripts/browser.sh
ensure_tools || exit 1
ensure_postgres || exit 1
ensure_browser || exit 1

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/transfers-test.XXXXXX")
results="$run_dir/results"
# Traversable by others, so that the user nobody, which runs PostgreSQL when we are root, reaches its data folder.
chmod 711 "$run_dir"
cleanup() {
  [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null
  stop_postgres
  rm -rf "$run_dir/azurite" "$run_dir/postgres"
}
trap cleanup EXIT

mapfile -t ports < <(free_ports)
AZURITE_IN_MEMORY=1 start_azurite "$run_dir/azurite" "${ports[0]}" "${ports[1]}" "${ports[2]}" || exit 1
export TRANSFERS_TEST_STORAGE="$AZURITE_CONNECTION_STRING"
echo "Azurite on ports ${ports[*]} (pid $AZURITE_PID)"

# Throwaway data: no flushes to disk; enough connections for the test projects' parallel pools.
mapfile -t pg_port < <(free_ports)
start_postgres "$run_dir/postgres" "${pg_port[0]}" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 || exit 1
export TRANSFERS_TEST_POSTGRES="$POSTGRES_CONNECTION_STRING"
echo "PostgreSQL on port ${pg_port[0]} (pid $POSTGRES_PID)"

build_failures=0
if ! dotnet build Transfers.Functions.sln -c Release -nologo -clp:ErrorsOnly; then
  build_failures=1
fi

if [ "$build_failures" -eq 0 ]; then
  dotnet test Transfers.Functions.sln -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
fi

# Sum the <Counters> of every TRX file; a build failure counts as one failure.
passed=0; failed=$build_failures; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  count() { local v; v=$(echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"); echo "${v:-0}"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + $(count notExecuted)))
done
# A test host that crashed writes no TRX: count every missing one as a failure.
expected=$(grep -c '\.Tests\.csproj' Transfers.Functions.sln)
written=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$build_failures" -eq 0 ] && [ "$written" -lt "$expected" ]; then
  echo "error: $expected test projects but only $written result files" >&2
  failed=$((failed + expected - written))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
