# Shared by run.sh and test.sh: install what is missing and start a private Azurite.
# Source it; it defines ensure_tools and start_azurite.

ensure_tools() {
  command -v dotnet >/dev/null || { echo "error: the .NET SDK (dotnet) is required" >&2; return 1; }
  command -v node >/dev/null || { echo "error: Node.js (node, npm) is required for Azurite" >&2; return 1; }
  if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
    echo "Installing Azurite (npm ci)..."
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || return 1
  fi
}

# Prints three free TCP ports on 127.0.0.1, one per line.
free_ports() {
  node -e '
    const net = require("net");
    const take = () => new Promise(r => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; r([s, p]); }); });
    (async () => { const got = [await take(), await take(), await take()]; got.forEach(([s]) => s.close()); console.log(got.map(([, p]) => p).join("\n")); })();'
}

# start_azurite DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT
# Starts Azurite in the background (AZURITE_PID), waits until the table port answers,
# and exports AZURITE_CONNECTION_STRING for those ports. Data is stored under DATA_DIR, or with AZURITE_IN_MEMORY=1
# kept in memory (only the log goes to DATA_DIR): on disk Azurite rewrites its whole store every few seconds, a pause
# that grows with the data and that throwaway test and benchmark stores do not need.
start_azurite() {
  local data=$1 blob=$2 queue=$3 table=$4
  mkdir -p "$data"
  local store=(--location "$data")
  [ "${AZURITE_IN_MEMORY:-0}" = 1 ] && store=(--inMemoryPersistence)
  # The node script directly, so that AZURITE_PID is the server itself.
  node node_modules/azurite/dist/src/azurite.js --silent --skipApiVersionCheck --disableTelemetry --loose \
    "${store[@]}" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" >"$data/azurite.log" 2>&1 &
  AZURITE_PID=$!
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$blob") 2>/dev/null; then
      break
    fi
    kill -0 "$AZURITE_PID" 2>/dev/null || { echo "error: Azurite failed to start, see $data/azurite.log" >&2; return 1; }
    sleep 0.1
  done
  local key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  export AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
}
