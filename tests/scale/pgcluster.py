"""A throw-away PostgreSQL primary and its streaming replica on this machine, for tests/scale.

`PrimaryWithReplica` runs Debian's server binaries (initdb, pg_ctl, pg_basebackup -R) as the `postgres` OS user
(initdb refuses root) in a temporary directory owned by it, on two free ports of 127.0.0.1. `stop()` stops both
clusters immediately and removes the directory; it is safe to call twice and is also registered with atexit.

Run it by hand: `python tests/scale/pgcluster.py` starts both, prints their URLs and waits for Enter."""

import atexit
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SERVER_BIN_CANDIDATES = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (17, 16, 15)]
OS_USER = "postgres"


def server_bin() -> Path | None:
    """The directory of initdb/pg_ctl/pg_basebackup, or None when the server is not installed."""
    override = os.environ.get("GONGKAI_PG_BIN")
    candidates = [Path(override)] if override else SERVER_BIN_CANDIDATES
    for candidate in candidates:
        if all((candidate / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup", "postgres")):
            return candidate
    return None


def why_unavailable() -> str | None:
    """A reason the clusters cannot be made here, or None."""
    if server_bin() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found in /usr/lib/postgresql/*/bin"
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        return f"no '{OS_USER}' OS user to run initdb as"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot run initdb as postgres"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrimaryWithReplica:
    def __init__(self, database: str = "gongkai"):
        self.bin = server_bin()
        self.database = database
        self.root = Path(tempfile.mkdtemp(prefix="gk-pg-replica-"))
        self.primary_dir = self.root / "primary"
        self.replica_dir = self.root / "replica"
        self.primary_port = _free_port()
        self.replica_port = _free_port()
        while self.replica_port == self.primary_port:
            self.replica_port = _free_port()
        self._started: list[Path] = []
        atexit.register(self.stop)

    # ---- commands as the postgres user -------------------------------------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OS_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result

    def _pg_ctl_start(self, data_dir: Path, port: int) -> None:
        options = (
            f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(data_dir) + ".log",
            "-w",
            "-t",
            "60",
            "start",
        )
        self._started.append(data_dir)

    # ---- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> "PrimaryWithReplica":
        if os.geteuid() == 0:
            pw = pwd.getpwnam(OS_USER)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        # initdb's pg_hba.conf with --auth=trust already lets 127.0.0.1 connect for replication.
        self._pg_ctl_start(self.primary_dir, self.primary_port)
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", self.database
        )
        # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                  "-D", str(self.replica_dir), "-R", "-X", "stream", "--no-sync")  # fmt: skip
        self._pg_ctl_start(self.replica_dir, self.replica_port)
        return self

    def stop(self) -> None:
        for data_dir in reversed(self._started):
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(data_dir), "-m", "immediate", "-w", "stop", check=False)
        self._started.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    # ---- addresses and helpers ---------------------------------------------------------------------------

    def url(self, which: str) -> str:
        port = self.primary_port if which == "primary" else self.replica_port
        return f"postgres://postgres@127.0.0.1:{port}/{self.database}"

    def conninfo(self, which: str) -> str:
        port = self.primary_port if which == "primary" else self.replica_port
        return f"host=127.0.0.1 port={port} user=postgres dbname={self.database}"

    def wait_replayed(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        import psycopg

        with psycopg.connect(self.conninfo("primary"), autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.conninfo("replica"), autocommit=True) as replica:
            while time.monotonic() < deadline:
                caught_up = replica.execute(
                    "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target]
                ).fetchone()[0]
                if caught_up:
                    return
                time.sleep(0.1)
        raise TimeoutError(f"the replica did not replay up to {target} within {timeout} s")


if __name__ == "__main__":
    reason = why_unavailable()
    if reason:
        raise SystemExit(reason)
    clusters = PrimaryWithReplica().start()
    print("primary:", clusters.url("primary"))
    print("replica:", clusters.url("replica"))
    try:
        input("Enter stops both clusters. ")
    finally:
        clusters.stop()
