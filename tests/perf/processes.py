"""The perf scripts' child processes: gunicorn, manage.py, and their environment.

harness.py builds on this, and so does demo_site.py, which must not import
harness.py: gevent's patching of the standard library has to come before
everything else in a process, and screenshots.py imports the demo site after
Playwright. Every process started through `spawn()` is stopped on exit and
every `scratch_dir()` removed (`cleanup()` runs from `atexit`, and SIGTERM
is turned into a normal exit).
"""

import atexit
import contextlib
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "guide" / "gunicorn.conf.py"
SCRATCH_PREFIX = "nearer-perf-"


# --- Cleaning up ------------------------------------------------------------

_processes: list[subprocess.Popen] = []
_scratch_dirs: list[Path] = []


def cleanup() -> None:
    """Stops every process group started here, then removes scratch files."""
    for process in _processes:
        if process.poll() is None:
            _signal_group(process, signal.SIGKILL)
            process.wait()
    _processes.clear()
    if not os.environ.get("NEARER_PERF_KEEP"):
        for path in _scratch_dirs:
            shutil.rmtree(path, ignore_errors=True)
        _scratch_dirs.clear()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


atexit.register(cleanup)
# A run stopped with SIGTERM (a timeout, a CI job ending) still stops its
# servers and removes its scratch files on the way out.
signal.signal(signal.SIGTERM, _exit_on_sigterm)


def scratch_dir() -> Path:
    """A fresh directory, removed by cleanup() unless NEARER_PERF_KEEP is set."""
    path = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    _scratch_dirs.append(path)
    return path


def spawn(args: list[str], *, env: dict | None = None, log: Path | None = None, **kw):
    """A child in its own process group, remembered for cleanup()."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kw
    )
    _processes.append(process)
    return process


def python(*args: str, env: dict[str, str], what: str) -> str:
    """Runs this Python with `args` and waits; its output, or an exit naming `what` failed."""
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(f"{what} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# --- The production environment -----------------------------------------------


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The settings a production server reads, over plain HTTP on loopback."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEARER_"))}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "tests.perf.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "NEARER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        # Plain HTTP on loopback: nothing to redirect to.
        "NEARER_SSL_REDIRECT": "false",
        "NEARER_GUNICORN_LOG_LEVEL": "warning",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        **extra,
    }


# --- gunicorn ------------------------------------------------------------------


class Server:
    """gunicorn with the production config, in a process group of its own."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        *,
        workers: int | None = None,
        threads: int | None = None,
        log: Path | None = None,
    ) -> None:
        self.env, self.port, self.log = env, port, log
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Server":
        """Starts gunicorn (again, after a stop or kill9()) and waits until it answers."""
        args = [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{self.port}"]
        if self.workers:
            args += ["--workers", str(self.workers)]
        if self.threads:
            args += ["--worker-class", "gthread", "--threads", str(self.threads)]
        self.process = spawn([*args, "guide.wsgi:application"], env=self.env, log=self.log)
        self.wait_until_healthy(timeout)
        return self

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn on {self.port} exited; see {self.log}{self._log_end()}")
            if self._answers_healthz():
                return
            time.sleep(0.1)
        raise SystemExit(f"gunicorn on {self.port} did not answer /healthz in {timeout:.0f} s")

    def _answers_healthz(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    def _log_end(self) -> str:
        """The log's last lines, for a scratch directory that is removed on exit."""
        if not self.log or not self.log.exists():
            return ""
        return ":\n" + self.log.read_text(errors="replace")[-3000:]

    def stop(self, timeout: float = 15) -> None:
        """A graceful stop: SIGTERM, then SIGKILL if it lingers."""
        if not self.process or self.process.poll() is not None:
            return
        _signal_group(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait()

    def kill9(self) -> int:
        """SIGKILL to the master and every worker at once; how many processes died."""
        processes = [psutil.Process(self.process.pid), *self.children()]
        _signal_group(self.process, signal.SIGKILL)
        self.process.wait()
        psutil.wait_procs(processes, timeout=5)
        return len(processes)

    def children(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def worker_rss_mb(self) -> list[float]:
        return [round(p.memory_info().rss / 2**20, 1) for p in self.children()]

    def tree_rss_mb(self) -> float:
        """Master and workers together, in MiB."""
        try:
            procs = [psutil.Process(self.process.pid), *self.children()]
            return sum(p.memory_info().rss for p in procs) / 2**20
        except psutil.NoSuchProcess:
            return 0.0
