"""Drives the Shares benchmark; bench.sh sets up Azurite and the host. Standard library only."""
import base64, concurrent.futures, datetime, hashlib, hmac, http.client, json, os, subprocess, sys, threading, time, urllib.error, urllib.parse, urllib.request

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
BLOB = os.environ["BENCH_BLOB_ENDPOINT"]
WORK = os.environ["BENCH_WORK"]
# floor.py imports this module without a host.
HOST = os.environ.get("BENCH_HOST", "")
HOST_PID = os.environ.get("BENCH_HOST_PID", "")
ADMIN = os.environ.get("BENCH_ADMIN_KEY", "")
SMALL = int(os.environ.get("SMALL_FILES", "2000"))
LARGE = int(os.environ.get("LARGE_FILES", "100000"))
# The large source measures memory and listing at scale, not bytes: small files keep it within what an in-memory Azurite
# holds (the 2,000-file runs measure copy speed).
LARGE_SIZE = int(os.environ.get("LARGE_SIZE", "256"))
BIG = int(os.environ.get("BIG_FILES", "4"))


def sas_url(container):
    """A container-level service SAS (rwdl) for rclone, signed with the emulator's well-known key."""
    expiry = (datetime.datetime.utcnow() + datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    version, perms = "2019-12-12", "rwdl"
    to_sign = "\n".join([perms, "", expiry, f"/blob/{ACCOUNT}/{container}", "", "", "", version, "c", "", "", "", "", "", ""])
    sig = base64.b64encode(hmac.new(base64.b64decode(KEY), to_sign.encode(), hashlib.sha256).digest()).decode()
    query = urllib.parse.urlencode({"sv": version, "se": expiry, "sr": "c", "sp": perms, "sig": sig})
    return f"{BLOB}/{container}?{query}"


def call(method, path, body=None, key=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(HOST + path, data=data, method=method, headers={"Content-Type": "application/json", "X-API-KEY": key or ADMIN})
    with urllib.request.urlopen(req) as resp:
        text = resp.read()
        return json.loads(text) if text else None


def rclone(*args, container):
    env = dict(os.environ, RCLONE_CONFIG_AZ_TYPE="azureblob", RCLONE_CONFIG_AZ_SAS_URL=sas_url(container))
    subprocess.run(["rclone", "--transfers", "16", "--checkers", "16", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def write_local(folder, count, size, tag=""):
    for i in range(count):
        path = os.path.join(folder, f"d{i % 10}", f"e{i % 7}", f"file{i:06d}{tag}.bin")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(os.urandom(size))


def upload_many(container, prefix, count, size, workers=32):
    """Puts count blobs of size random bytes under prefix, in the write_local layout, over keep-alive connections."""
    url = urllib.parse.urlsplit(sas_url(container))
    local = threading.local()

    def put(i):
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(url.hostname, url.port)
        name = urllib.parse.quote(f"{prefix}/d{i % 10}/e{i % 7}/file{i:06d}.bin")
        local.conn.request("PUT", f"{url.path}/{name}?{url.query}", body=os.urandom(size),
                           headers={"x-ms-blob-type": "BlockBlob", "x-ms-version": "2019-12-12"})
        resp = local.conn.getresponse()
        resp.read()
        if resp.status != 201:
            raise RuntimeError(f"put {name}: {resp.status}")

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(put, range(count), chunksize=256):
            pass


def row_line(name, t, r, target):
    return f"| {name} | {t:.2f} | {r:.2f} | {t / r:.2f}x | <= {target}x {'met' if t / r <= target else 'missed'} |"


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def peak_rss_mb(pid=HOST_PID, field="VmHWM:"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def azurite_rss_mb():
    return peak_rss_mb(os.environ["BENCH_AZURITE_PID"], "VmRSS:")


def wait_check(share, transfer, after, key, timeout=3600):
    deadline = time.time() + timeout
    shown = time.time()
    while time.time() < deadline:
        try:
            t = call("GET", f"/v1/shares/{share}/transfers/{transfer}", key=key)
        except urllib.error.HTTPError as e:
            # A poll that fails on a busy machine is reported and retried; the check itself goes on in the host.
            if e.code < 500:
                raise
            print(f"  poll failed with {e.code}; retrying", flush=True)
            time.sleep(1)
            continue
        last = t.get("lastSync")
        if t["status"] == "synced" and last and datetime.datetime.fromisoformat(last["startedAt"].replace("Z", "+00:00")) > after:
            return t
        if time.time() - shown >= 60:
            shown = time.time()
            print(f"  {t['status']}: {t['progress']['filesDone']} of {t['progress']['filesTotal']} files so far, host peak RSS {peak_rss_mb():.0f} MB, Azurite RSS {azurite_rss_mb():.0f} MB", flush=True)
        time.sleep(0.05)
    raise TimeoutError(f"transfer {transfer} did not finish a check in time")


def transfers_run(container, key):
    """Returns (share id, transfer id, initial seconds, function that times one re-sync)."""
    share = call("POST", "/v1/shares", {"name": "bench", "source": {"container": container, "prefix": "src"},
                                        "destination": {"kind": "files", "container": container, "prefix": "transfers"}}, key)["id"]
    start = time.perf_counter()
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    transfer = call("POST", f"/v1/shares/{share}/transfers", {"transferEntity": {"type": "files", "pathNames": ["data/"]}, "options": {"transferNow": True}}, key)["id"]
    wait_check(share, transfer, now, key)
    initial = time.perf_counter() - start

    def resync():
        call("POST", f"/v1/shares/{share}/transfers/{transfer}/pause", key=key)
        while call("GET", f"/v1/shares/{share}/transfers/{transfer}", key=key)["status"] != "paused":
            time.sleep(0.02)
        begin = time.perf_counter()
        after = datetime.datetime.now(datetime.timezone.utc)
        call("POST", f"/v1/shares/{share}/transfers/{transfer}/start", key=key)
        result = wait_check(share, transfer, after, key)
        return time.perf_counter() - begin, result

    return share, transfer, initial, resync


def main(out):
    # A tenant reaches no storage until the admin grants it a connection.
    call("POST", "/admin/tenants/bench/connections", {"connection": "default"})
    key = call("POST", "/admin/tenants/bench/keys")["key"]
    local = os.path.join(WORK, "data")
    print(f"Generating {SMALL} x 16 KB and {BIG} x 64 MB...")
    write_local(local, SMALL, 16 * 1024)
    write_local(os.path.join(local, "big"), BIG, 64 * 1024 * 1024, "-big")
    container = "bench"
    create_container(container)
    rclone("copy", local, "az:bench/src/data", container=container)

    rows = []
    load_start = load()
    # (a) initial copy
    r_a = timed(lambda: rclone("sync", "az:bench/src/data", "az:bench/rclone/data", container=container))
    share, transfer, t_a, resync = transfers_run(container, key)
    rows.append(("(a) initial copy", t_a, r_a, 1.0))
    print(row_line(*rows[-1]), flush=True)
    # (b) nothing changed
    r_b = timed(lambda: rclone("sync", "az:bench/src/data", "az:bench/rclone/data", container=container))
    t_b, _ = resync()
    rows.append(("(b) re-sync, nothing changed", t_b, r_b, 0.5))
    print(row_line(*rows[-1]), flush=True)
    # (c) 100 modified, 100 deleted, 100 added
    delta = os.path.join(WORK, "delta")
    for i in range(100):
        path = os.path.join(delta, f"d{i % 10}", f"e{i % 7}", f"file{i:06d}.bin")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(os.urandom(16 * 1024))
    write_local(delta, 100, 16 * 1024, "-new")
    rclone("copy", delta, "az:bench/src/data", container=container)
    with open(os.path.join(WORK, "deleted.txt"), "w") as f:
        for i in range(100, 200):
            f.write(f"d{i % 10}/e{i % 7}/file{i:06d}.bin\n")
    rclone("delete", "az:bench/src/data", "--files-from", os.path.join(WORK, "deleted.txt"), container=container)
    r_c = timed(lambda: rclone("sync", "az:bench/src/data", "az:bench/rclone/data", container=container))
    t_c, result = resync()
    rows.append(("(c) re-sync, 100 modified + 100 deleted + 100 added", t_c, r_c, 0.7))
    print(row_line(*rows[-1]), flush=True)
    assert result["lastSync"]["filesCopied"] == 200 and result["lastSync"]["filesDeleted"] == 100, result["lastSync"]
    rss_small = peak_rss_mb()
    load_end = load()

    large = None
    if LARGE > 0:
        print(f"Generating the {LARGE}-file source...")
        create_container("large")
        started = time.perf_counter()
        upload_many("large", "src/data", LARGE, LARGE_SIZE)
        generated = time.perf_counter() - started
        print(f"Generated in {generated:.0f} s; peak RSS so far {peak_rss_mb():.0f} MB", flush=True)
        load_before_large = load()
        _, _, t_large, resync_large = transfers_run("large", key)
        print(f"Large initial sync {t_large:.1f} s, peak RSS {peak_rss_mb():.0f} MB", flush=True)
        t_large_noop, _ = resync_large()
        large = (t_large, t_large_noop, peak_rss_mb(), load_before_large, load(), generated, azurite_rss_mb())

    lines = ["# Shares benchmark: Transfers vs rclone", "",
             f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, one Azurite for both tools, one container "
             "(source `src/`, rclone's destination `rclone/`, Transfers' `transfers/latest/`), server-side copies on both sides. "
             f"Data: {SMALL} files of 16 KB in nested folders plus {BIG} of 64 MB. rclone {rclone_version()} `sync` with "
             "`--transfers 16 --checkers 16` through a container-level `sas_url` remote. Transfers: the Release host with default "
             "settings (batch 100, 8 batches in flight, 16 copies per batch); a re-sync is triggered by pause + resume and timed "
             "from resume to the check's end, an initial copy from the POST to the end of the first check.", "",
             "| run | Transfers (s) | rclone (s) | ratio | target |", "|---|---|---|---|---|"]
    lines += [row_line(*row) for row in rows]
    lines += ["", f"Host peak RSS after these runs: {rss_small:.0f} MB. Load average (1/5/15 min) before (a): {load_start}; after (c): {load_end}."]
    if large:
        lines += ["", f"Large source: {LARGE} files of {LARGE_SIZE} bytes in nested folders, uploaded in {large[5]:.0f} s (32 in parallel). Initial sync {large[0]:.1f} s, no-op re-sync {large[1]:.1f} s; "
                  f"host peak RSS (VmHWM) {large[2]:.0f} MB (target <= 400 MB: {'met' if large[2] <= 400 else 'missed'}). "
                  f"Azurite RSS at the end: {large[6]:.0f} MB. Load average before: {large[3]}; after: {large[4]}."]
    lines += ["", f"Re-run: `flock /work/bench.lock bench/shares/bench.sh` (`LARGE_FILES=0` skips the large source)."]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out, "w") as f:
        f.write(text)


def create_container(name):
    """Creates a container with an account SAS (a container SAS cannot create its own container)."""
    expiry = (datetime.datetime.utcnow() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    version = "2019-12-12"
    to_sign = "\n".join([ACCOUNT, "rwdlac", "b", "sco", "", expiry, "", "", version, ""])
    sig = base64.b64encode(hmac.new(base64.b64decode(KEY), to_sign.encode(), hashlib.sha256).digest()).decode()
    query = urllib.parse.urlencode({"sv": version, "ss": "b", "srt": "sco", "sp": "rwdlac", "se": expiry, "sig": sig})
    req = urllib.request.Request(f"{BLOB}/{name}?restype=container&{query}", method="PUT", data=b"", headers={"x-ms-version": version})
    try:
        urllib.request.urlopen(req)
    except urllib.error.HTTPError as e:
        if e.code != 409:
            raise


def rclone_version():
    return subprocess.run(["rclone", "version"], capture_output=True, text=True).stdout.split("\n")[0].split()[-1]


if __name__ == "__main__":
    main(sys.argv[1])
