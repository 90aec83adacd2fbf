"""Helpers shared by the Ray jobs: starting Ray, atomic output, input errors."""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from typing import Iterator

# Exit codes of the semid CLI (design §3).
EXIT_COMPLETED, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class InputError(Exception):
    """Bad input: names the file (and line or row) and what is wrong; exit code 2."""

    def __init__(self, file: str, where: str | None, detail: str):
        place = f"{file}:{where}" if where else file
        super().__init__(f"{place}: {detail}")


def log(message: str) -> None:
    """A progress line on stderr (stdout holds only the output folder), with the load average."""
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"{message} (load {load})", file=sys.stderr, flush=True)


def start_ray(num_cpus: int | None) -> None:
    """Joins the cluster when there is one (RAY_ADDRESS, set by `ray job submit`), else starts Ray locally."""
    import ray

    if ray.is_initialized():
        return
    address = os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, logging_level="WARNING", log_to_driver=False)
    else:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        _patient_node_start()
        # On a busy machine the raylet can also give up waiting for its metrics agent
        # (a fixed timeout in Ray): a failed start is retried.
        for attempt in range(3):
            try:
                ray.init(num_cpus=num_cpus, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
                break
            except Exception as e:  # noqa: BLE001 - Ray raises a bare Exception for this
                if "timed out during startup" not in str(e) or attempt == 2:
                    raise
                print(f"ray: local node start timed out ({e}); retrying", file=sys.stderr)
                ray.shutdown()
                _end_leftover_children()
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = sys.stderr.isatty()
    ctx.print_on_execution_start = False


def _end_leftover_children() -> None:
    """A failed local start leaves its GCS, monitors and agents running (ray.shutdown
    does not know them): end this process's own descendants before the next attempt
    (found through /proc; elsewhere nothing is done)."""
    import signal

    parent_of = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parent_of[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    mine, frontier = [], [os.getpid()]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent_of.items() if pp == p]
        mine.extend(kids)
        frontier.extend(kids)
    for pid in mine:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _patient_node_start(seconds: float = 180.0) -> None:
    """Ray 2.58 gives its local node a fixed 30 s to register with the GCS; on a busy
    machine (a loaded CI runner) that is not enough, and ray.init fails. Each lookup of
    the node then keeps trying for up to `seconds` before giving up."""
    import time

    import ray._private.services as services

    original = services.get_node
    if getattr(original, "_semid_patient", False):
        return

    def get_node(*args, **kwargs):
        deadline = time.monotonic() + seconds
        while True:
            try:
                return original(*args, **kwargs)
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    get_node._semid_patient = True
    services.get_node = get_node


@contextmanager
def atomic_path(target: str) -> Iterator[str]:
    """A temporary path beside `target`, renamed onto it only when the block succeeds."""
    folder = os.path.dirname(os.path.abspath(target)) or "."
    os.makedirs(folder, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield temp
        # mkstemp makes the file 0600; the output gets the mode a plain open() would give
        # it (0666 less the umask), so other users and nodes of a cluster can read it.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def run_main(main) -> None:
    """Runs `main()`; input errors exit 2 with their message, other failures exit 1."""
    try:
        code = main()
    except InputError as e:
        print(str(e), file=sys.stderr)
        code = EXIT_INVALID
    except KeyboardInterrupt:
        code = 130
    sys.exit(code or EXIT_COMPLETED)
