"""The `mend` command.

mend demo     migrate SQLite, load the demo content, then serve (web + worker)
mend serve    the web server and the task worker on MEND_BIND (127.0.0.1:8000)
mend worker   the task worker alone
mend <other>  any Django management command (migrate, createsuperuser…); hyphens in its
              name work as underscores (mend export-patient EMAIL)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

DEMO_DEFAULTS = {"MEND_DEBUG": "true", "EMAIL_URL": "console:"}


def _manage(*args: str) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mend", *args])


def _workers() -> int:
    return int(os.environ.get("MEND_WEB_WORKERS", str(max(2, (os.cpu_count() or 1)))))


def _metrics_dir() -> str:
    """Where the web workers and the task worker share their metrics (mend.core.metrics):
    PROMETHEUS_MULTIPROC_DIR if set, else a folder under var/ emptied at each start."""
    chosen = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if chosen:
        return chosen
    var = Path(os.environ.get("MEND_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    folder = var / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return str(folder)


def serve() -> int:
    bind = os.environ.get("MEND_BIND", "127.0.0.1:8000")
    host, _, port = bind.rpartition(":")
    # granian measured 1.7x gunicorn's throughput on the cached article page (bench/RESULTS.md).
    web = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "mend.wsgi:application",
        "--host", host, "--port", port, "--workers", str(_workers()),
        "--blocking-threads", os.environ.get("MEND_WEB_THREADS", "1"),
        "--log-level", "warning", "--no-ws",
    ]  # fmt: skip
    if os.environ.get("MEND_ACCESS_LOG"):
        web.append("--access-log")
    worker = [sys.executable, "-m", "mend", "worker", "--no-reload"]
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": _metrics_dir()}
    processes = [subprocess.Popen(web, env=env), subprocess.Popen(worker, env=env)]
    print(f"Mend is serving on http://{bind}/ with a task worker. Stop with Ctrl-C.", flush=True)
    try:
        while all(process.poll() is None for process in processes):
            try:
                processes[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    return max((process.returncode or 0) for process in processes)


def demo() -> int:
    for name, value in DEMO_DEFAULTS.items():
        os.environ.setdefault(name, value)
    _manage("migrate", "--no-input", "--verbosity", "0")
    _manage("collectstatic", "--no-input", "--verbosity", "0")
    _manage("load_demo")
    _manage("load_booking_demo")
    _manage("load_course_demo")
    return serve()


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mend.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "help"
    if command == "demo":
        return demo()
    if command == "serve":
        return serve()
    if command == "worker":
        _manage("db_worker", *args[1:])
        return 0
    if command in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    # `mend export-patient` and `mend export_patient` are the same command.
    _manage(command.replace("-", "_"), *args[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
