"""The floor of the delta re-sync on Azurite: rclone against a client that sends only the requests any sync of that
delta must send, as the Shares benchmark's (c) asks of Transfers: one listing of the source, one Copy Blob From URL and
one properties read (the length check) per new or changed file, one Delete Blob per removed file. It keeps its state in
memory and writes nothing else: no per-file state, no durable history, no status. bench.sh --floor starts Azurite.
Standard library only."""
import concurrent.futures, datetime, http.client, os, re, statistics, sys, threading, urllib.parse

import bench

ROUNDS = int(os.environ.get("ROUNDS", "6"))
# VERIFY=0 leaves out the properties reads, for the floor of a sync that checks nothing after its copies.
VERIFY = os.environ.get("VERIFY", "1") != "0"
CONTAINER = "bench"
URL = None
LOCAL = threading.local()


def request(method, path, query="", headers=None):
    """One request over this thread's keep-alive connection, reconnecting once if the emulator closed it."""
    for attempt in (0, 1):
        if attempt or not hasattr(LOCAL, "conn"):
            LOCAL.conn = http.client.HTTPConnection(URL.hostname, URL.port)
        try:
            LOCAL.conn.request(method, f"{URL.path}/{urllib.parse.quote(path)}?{URL.query}{query}",
                               headers={"x-ms-version": "2020-10-02", **(headers or {})})
            resp = LOCAL.conn.getresponse()
            return resp.status, resp.headers, resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if attempt:
                raise


class FloorClient:
    """Syncs src/data/ to floor/data/ with the fewest requests; 16 at once, as rclone's --transfers 16."""

    def __init__(self):
        self.copied = {}
        self.pool = concurrent.futures.ThreadPoolExecutor(16)

    def sync(self):
        status, _, body = request("GET", "", "&restype=container&comp=list&prefix=src/data/&maxresults=5000")
        assert status == 200, status
        listed = {m.group(1): (m.group(2), int(m.group(3))) for m in re.finditer(
            r"<Name>src/data/([^<]*)</Name>.*?<Etag>([^<]*)</Etag>.*?<Content-Length>(\d+)</Content-Length>", body.decode(), re.S)}
        assert len(listed) < 5000, "one page of the listing must hold the whole source"
        changed = [p for p, version in listed.items() if self.copied.get(p) != version]
        gone = [p for p in self.copied if p not in listed]

        def copy(path):
            source = f"{URL.scheme}://{URL.netloc}{URL.path}/src/data/{urllib.parse.quote(path)}?{URL.query}"
            status, _, _ = request("PUT", "floor/data/" + path, headers={
                "x-ms-copy-source": source, "x-ms-requires-sync": "true", "x-ms-source-if-match": listed[path][0], "Content-Length": "0"})
            assert status == 202, status
            if VERIFY:
                status, headers, _ = request("HEAD", "floor/data/" + path)
                assert status == 200 and int(headers["Content-Length"]) == listed[path][1], status
            self.copied[path] = listed[path]

        def delete(path):
            status, _, _ = request("DELETE", "floor/data/" + path)
            assert status == 202, status
            del self.copied[path]

        list(self.pool.map(copy, changed))
        list(self.pool.map(delete, gone))
        return len(changed), len(gone)


def change_source(round_no):
    """100 files modified, 100 deleted, 100 added, none of them touched by an earlier round."""
    first = round_no * 300
    folder = os.path.join(bench.WORK, f"delta{round_no}")
    for i in range(first, first + 100):
        path = os.path.join(folder, f"d{i % 10}", f"e{i % 7}", f"file{i:06d}.bin")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(os.urandom(16 * 1024))
    bench.write_local(folder, 100, 16 * 1024, f"-new{round_no}")
    bench.rclone("copy", folder, f"az:{CONTAINER}/src/data", container=CONTAINER)
    deleted = os.path.join(bench.WORK, f"deleted{round_no}.txt")
    with open(deleted, "w") as f:
        for i in range(first + 100, first + 200):
            f.write(f"d{i % 10}/e{i % 7}/file{i:06d}.bin\n")
    bench.rclone("delete", f"az:{CONTAINER}/src/data", "--files-from", deleted, container=CONTAINER)


def main(out):
    global URL
    assert ROUNDS * 300 <= bench.SMALL, "each round needs 300 files no earlier round touched"
    URL = urllib.parse.urlsplit(bench.sas_url(CONTAINER))
    local = os.path.join(bench.WORK, "data")
    print(f"Generating {bench.SMALL} x 16 KB...")
    bench.write_local(local, bench.SMALL, 16 * 1024)
    bench.create_container(CONTAINER)
    bench.rclone("copy", local, f"az:{CONTAINER}/src/data", container=CONTAINER)
    bench.rclone("sync", f"az:{CONTAINER}/src/data", f"az:{CONTAINER}/rclone/data", container=CONTAINER)
    floor = FloorClient()
    floor.sync()
    rows = []
    for r in range(ROUNDS):
        change_source(r)
        rclone_s = bench.timed(lambda: bench.rclone("sync", f"az:{CONTAINER}/src/data", f"az:{CONTAINER}/rclone/data", container=CONTAINER))
        counts = []
        floor_s = bench.timed(lambda: counts.append(floor.sync()))
        assert counts == [(200, 100)], counts
        rows.append((rclone_s, floor_s))
        print(f"round {r}: rclone {rclone_s:.2f} s, floor {floor_s:.2f} s = {floor_s / rclone_s:.2f}x", flush=True)

    ratios = [f / r for r, f in rows]
    lines = ["# Shares benchmark: the floor of the delta re-sync on Azurite", "",
             f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores by `bench/shares/bench.sh --floor`: one "
             f"in-memory Azurite, one container holding the source (`src/`, {bench.SMALL} files of 16 KB in nested folders), "
             "rclone's destination and the floor client's; each round modifies, deletes and adds 100 files, then times "
             f"rclone {bench.rclone_version()} `sync --transfers 16 --checkers 16` and the floor client. The floor client sends one "
             "listing, one Copy Blob From URL pinned to the listed ETag" + (" and one properties read" if VERIFY else "") +
             " per changed file and one Delete Blob per removed file, 16 at once, and nothing else.", "",
             "| round | rclone (s) | floor client (s) | ratio |", "|---|---|---|---|"]
    lines += [f"| {i} | {r:.2f} | {f:.2f} | {f / r:.2f}x |" for i, (r, f) in enumerate(rows)]
    lines += ["", f"Median ratio {statistics.median(ratios):.2f}x (range {min(ratios):.2f}–{max(ratios):.2f}x); load average after: {bench.load()}."]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1])
