"""Files that appear whole or not at all: the one way cleaner writes a file.

Every file (the output and rejects, a shard and the shard progress, the dedup state, a report)
is written to a temporary file beside its destination and renamed over it only once complete,
so a failed or killed run leaves whatever was there before, never half a file. The temporary
file gets an ordinary file's mode (what the umask allows), as the file it replaces would; it is
synced before the rename, so after a crash the name holds the old content or the new one.

Ctrl-C and SIGTERM are held while a temporary file is created and remembered, and during the
rename (see :class:`DeferInterrupts`), so an interrupt never leaves a temporary file behind.
A failing write, sync or close (a full disk) still removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_DEFERRED = (signal.SIGINT, signal.SIGTERM)


class DeferInterrupts:
    """Ctrl-C (SIGINT) and SIGTERM wait from :meth:`hold` to the end of the block, then arrive.

    The files a run writes appear by renames; an interrupt between two renames would leave a
    new output beside yesterday's rejects. Held, it is remembered by a handler of ours and
    raised again, to the handler it would have reached, when the block ends. (A handler, not a
    signal mask: a mask is per thread, and the kernel hands a process's signal to any thread that
    does not block it.) Only the main thread can install handlers; elsewhere holding does nothing.
    """

    def __init__(self) -> None:
        self._previous: dict[signal.Signals, Any] = {}
        self._pending: list[signal.Signals] = []

    def __enter__(self) -> DeferInterrupts:
        return self

    def hold(self) -> None:
        if self._previous or threading.current_thread() is not threading.main_thread():
            return
        self._previous = {s: signal.signal(s, self._remember) for s in _DEFERRED}

    def _remember(self, signum: int, frame: object) -> None:
        self._pending.append(signal.Signals(signum))

    def __exit__(self, *exc: object) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        self._previous = {}
        pending, self._pending = self._pending, []
        if pending:
            signal.raise_signal(pending[0])


class Terminated(KeyboardInterrupt):
    """SIGTERM (what systemd, Kubernetes and ``kill`` send), raised where Ctrl-C would be, so
    every clean-up that holds for Ctrl-C holds for it too."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` in the main thread while the block runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs (see :class:`DeferInterrupts`)."""
    with DeferInterrupts() as deferred:
        deferred.hold()
        yield


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _keep_mode(path: Path, tmp: Path) -> None:
    """A file replaced keeps its permission bits (a new one has the umask's, set at creation)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if stat.S_ISREG(mode):
        tmp.chmod(stat.S_IMODE(mode))


class AtomicFile:
    """A file written beside ``path``: :meth:`commit` renames it over ``path``, :meth:`abort`
    discards it. ``binary`` opens it for bytes; ``errors`` is the text encoder's error handler."""

    def __init__(self, path: str | Path, binary: bool = False, errors: str = "strict") -> None:
        self.path = Path(path)
        # Ctrl-C between creating the temporary file and remembering it would leave it behind:
        # hold the signal for those few steps (it is delivered right after).
        with signals_held():
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            self._tmp: Path | None = Path(tmp)
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it private; this is an ordinary file
            self.stream: IO[Any] = (
                os.fdopen(fd, "wb")
                if binary
                else os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="\n")
            )

    def commit(self) -> None:
        """Sync the file and rename it over ``path`` (interrupts held meanwhile)."""
        if self._tmp is None:
            return
        with signals_held():
            try:
                self.stream.flush()
                os.fsync(self.stream.fileno())
                self.stream.close()
                _keep_mode(self.path, self._tmp)
                self._tmp.replace(self.path)
            except BaseException:
                self.abort()  # a full disk fails here: the temporary file goes all the same
                raise
            self._tmp = None

    def abort(self) -> None:
        """Close and remove the temporary file; ``path`` stays as it was.

        Closing flushes, and on a full disk that fails again: the file is removed whatever the
        close says (the descriptor is closed even when the flush fails).
        """
        if self._tmp is None:
            return
        tmp, self._tmp = self._tmp, None
        try:
            with contextlib.suppress(OSError, ValueError):
                self.stream.close()
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


@contextlib.contextmanager
def atomic_open(path: str | Path, binary: bool = False, errors: str = "strict") -> Iterator[IO[Any]]:
    """The stream of an :class:`AtomicFile`: committed when the block ends, discarded if it raises."""
    file = AtomicFile(path, binary, errors)
    try:
        yield file.stream
    except BaseException:
        file.abort()
        raise
    file.commit()


def write_atomic(path: str | Path, text: str, errors: str = "strict") -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path``, whole or not at all."""
    with atomic_open(path, errors=errors) as stream:
        stream.write(text)
