#!/usr/bin/env bash
# Runs Transfers locally: installs what is missing, starts Azurite (data under .azurite/), PostgreSQL (data under
# .postgres/, port POSTGRES_PORT, default 15432 so as not to clash with a system server on 5432) and the host on
# http://localhost:7071, or where Urls (ASPNETCORE_URLS, --urls) binds it. Ctrl-C or SIGTERM stops all three. Settings
# from the environment override local.settings.json, e.g.  Transfers__Shares__SyncInterval=00:00:05 ./run.sh
set -euo pipefail
cd "$(dirname "$0")"
source scripts/azurite.sh
source scripts/postgres.sh
ensure_tools
ensure_postgres

blob=${AZURITE_BLOB_PORT:-10000}; queue=${AZURITE_QUEUE_PORT:-10001}; table=${AZURITE_TABLE_PORT:-10002}
postgres_port=${POSTGRES_PORT:-15432}
child_pid=""  # the build, then the host: what Ctrl-C stops first
stop() {
  trap - INT TERM EXIT
  [ -n "$child_pid" ] && kill "$child_pid" 2>/dev/null && wait "$child_pid" 2>/dev/null
  [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null && wait "$AZURITE_PID" 2>/dev/null
  stop_postgres
  exit 0
}
trap stop INT TERM EXIT

start_azurite .azurite "$blob" "$queue" "$table"
echo "Azurite on 127.0.0.1:$blob/$queue/$table (pid $AZURITE_PID, data in .azurite/)"

# The default Azurite ports are what UseDevelopmentStorage=true means; other ports need the explicit string.
if [ "$blob" != 10000 ] || [ "$queue" != 10001 ] || [ "$table" != 10002 ]; then
  export AzureWebJobsStorage="$AZURITE_CONNECTION_STRING"
fi

start_postgres .postgres "$postgres_port"
echo "PostgreSQL on 127.0.0.1:$postgres_port (pid $POSTGRES_PID, data in $POSTGRES_DATA)"

# local.settings.sample.json names the warehouse connection on the default port; another port needs its own string.
if [ "$postgres_port" != 15432 ]; then
  export Transfers__Connections__warehouse="$POSTGRES_CONNECTION_STRING"
fi

# In the background and waited for, so that Ctrl-C interrupts the build at once.
dotnet build src/Transfers.Host -c Release -nologo -clp:ErrorsOnly &
child_pid=$!
wait "$child_pid" || exit 1
# The built app directly, so that child_pid is the server itself; its content root is the project folder. Its output
# passes through, and the addresses it reports listening on (whatever Urls, ASPNETCORE_URLS or --urls made them) are
# echoed as the address to use.
announce() {
  local line
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case "$line" in
      *"Now listening on: "*) echo "Transfers on ${line##*Now listening on: }; Ctrl-C stops it" ;;
    esac
  done
}
(cd src/Transfers.Host && exec dotnet bin/Release/net10.0/Transfers.Host.dll "$@") > >(announce) &
child_pid=$!
echo "Host pid $child_pid"
wait "$child_pid"
