"""Run one contender as a child process and measure it: wall time, CPU and peak RSS.

Peak RSS and CPU come from a small launcher (``/usr/bin/time``, or a bare Python wrapper
where it is missing), not from this harness: a process's ``ru_maxrss`` starts from the
memory of the process that forked it, and the harness holds the verified output of a
million records. Neither the harness nor the sandbox is counted (without
``/usr/bin/time``, the wrapper's own ~10 MB is the floor).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

TIME = "/usr/bin/time"
SAMPLE_S = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")
#: Runs argv[1:], then writes "<maxrss KiB> <user s> <system s>" of it to $MEASURE_OUT.
WRAPPER = (
    "import os,resource,subprocess,sys;"
    "c=subprocess.call(sys.argv[1:]);"
    "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
    "open(os.environ['MEASURE_OUT'],'w').write(f'{u.ru_maxrss} {u.ru_utime} {u.ru_stime}');"
    "sys.exit(c)"
)


@dataclass
class Measurement:
    wall: float
    #: user + system CPU seconds of the process (less sensitive to a busy machine).
    cpu: float
    peak_rss_mb: float
    returncode: int
    started: float
    ended: float
    stderr_path: Path | None = None
    #: With ``tree=True``: the highest sum of RSS over the process and all its descendants,
    #: sampled every ``SAMPLE_S`` (a pipeline's processes run at once; ``ru_maxrss`` is the
    #: largest single one). Shared pages count once per process.
    tree_peak_rss_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def console_script(name: str) -> str:
    """A console script installed next to the running interpreter (same venv)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def launcher(command: Sequence[str], out: Path) -> tuple[list[str], dict[str, str]]:
    """The command wrapped so its usage lands in ``out``, and the env it needs."""
    if Path(TIME).exists():
        return [TIME, "-f", "%M %U %S", "-o", str(out), *command], {}
    return [sys.executable, "-S", "-c", WRAPPER, *command], {"MEASURE_OUT": str(out)}


def run_measured(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    stdout: Path | None = None,
    stderr: Path | None = None,
    timeout: float = 3600.0,
    tree: bool = False,
    cwd: Path | None = None,
) -> Measurement:
    """Run ``command``; stdout goes to ``stdout`` or is drained to /dev/null."""
    handle, name = tempfile.mkstemp(prefix="measure-", suffix=".txt")
    os.close(handle)
    usage_file = Path(name)
    argv, extra = launcher(command, usage_file)
    out: IO[bytes] | int = stdout.open("wb") if stdout else subprocess.DEVNULL
    err: IO[bytes] | int = stderr.open("wb") if stderr else subprocess.DEVNULL
    started = time.time()
    clock = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=out, stderr=err, env={**(env or os.environ), **extra}, cwd=cwd
    )
    tree_peak = 0
    try:
        if tree:
            deadline = clock + timeout
            while process.poll() is None:
                if time.perf_counter() > deadline:
                    raise subprocess.TimeoutExpired(argv, timeout)
                tree_peak = max(tree_peak, tree_rss_bytes(process.pid))
                time.sleep(SAMPLE_S)
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    finally:
        for stream in (out, err):
            if not isinstance(stream, int):
                stream.close()
    wall = time.perf_counter() - clock
    maxrss_kib, user, system = _usage(usage_file)
    return Measurement(
        wall=wall,
        cpu=user + system,
        peak_rss_mb=maxrss_kib / 1024,
        returncode=code,
        started=started,
        ended=time.time(),
        stderr_path=stderr,
        tree_peak_rss_mb=tree_peak / 2**20 if tree else None,
    )


def tree_rss_bytes(pid: int) -> int:
    """RSS of ``pid``'s descendants (the launcher itself left out), from /proc."""
    total = 0
    for child in descendants(pid):
        try:
            pages = int(Path(f"/proc/{child}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # it ended between the listing and the read
        total += pages * PAGE
    return total


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue
            out += children
            todo += children
    return out


def _usage(path: Path) -> tuple[float, float, float]:
    """maxrss (KiB), user and system seconds from the launcher (zeros if it wrote none)."""
    try:
        # /usr/bin/time puts "Command exited with non-zero status N" first on failures.
        fields = path.read_text().split()[-3:]
        maxrss, user, system = (float(value) for value in fields)
    except (OSError, ValueError):
        return 0.0, 0.0, 0.0
    finally:
        path.unlink(missing_ok=True)
    return maxrss, user, system


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def tail(path: Path | None, lines: int = 15) -> str:
    if path is None or not path.exists():
        return ""
    text = path.read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])
