"""A throwaway PostgreSQL cluster on 127.0.0.1 for benchmarks, started and removed by the caller.

Uses Debian's server binaries (/usr/lib/postgresql/<version>/bin), as .ci/run does; when running as
root the cluster belongs to the `postgres` user.
"""

import contextlib
import glob
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator


def server_binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _run(command: list[str], *, as_postgres: bool) -> None:
    if as_postgres:
        command = ["su", "postgres", "-s", "/bin/bash", "-c", shlex.join(command)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def throwaway_postgres(port: int = 55434) -> Iterator[str]:
    """Yield a DATABASE_URL of a fresh cluster; stop and delete it afterwards."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    data = tempfile.mkdtemp(prefix="chizai-bench-pg.")
    if as_postgres:
        shutil.chown(data, "postgres")
    pg_ctl = os.path.join(binaries, "pg_ctl")
    _run(
        [os.path.join(binaries, "initdb"), "-D", data, "-A", "trust", "-E", "UTF8", "-U", "postgres"],
        as_postgres=as_postgres,
    )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} -c fsync=off -c max_connections=200"
    _run(
        [pg_ctl, "-D", data, "-l", os.path.join(data, "server.log"), "-w", "start", "-o", options],
        as_postgres=as_postgres,
    )
    try:
        _run(
            [
                os.path.join(binaries, "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "chizai_bench",
            ],
            as_postgres=as_postgres,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/chizai_bench"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _run([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"], as_postgres=as_postgres)
        shutil.rmtree(data, ignore_errors=True)
