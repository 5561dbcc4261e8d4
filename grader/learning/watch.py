"""``kata watch``: re-run the check on every save.

Native file events through watchfiles; where they do not arrive (WSL, network drives) a probe
notices within a second and the watcher falls back to polling. Keys: ``q`` quits, ``h`` shows
the next hint. Ctrl-C leaves quietly.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from grader.catalogue import Kata

PROBE_WAIT = 1.0  # seconds to wait for the probe's event before falling back to polling


def events_arrive(folder: Path) -> bool:
    """Write a probe file into ``folder`` and see whether a native event reports it."""
    import watchfiles

    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / "watch-probe"
    stop = threading.Event()
    seen = threading.Event()

    def listen() -> None:
        for _ in watchfiles.watch(
            folder,
            stop_event=stop,
            force_polling=False,
            debounce=100,
            step=20,
            rust_timeout=200,
            yield_on_timeout=False,
            raise_interrupt=False,
        ):
            seen.set()
            return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    deadline = time.monotonic() + PROBE_WAIT
    while not seen.is_set() and time.monotonic() < deadline:
        probe.write_text(str(time.time()))
        seen.wait(0.1)
    stop.set()
    probe.unlink(missing_ok=True)
    return seen.is_set()


def poll_changes(paths: list[Path], stop: threading.Event, interval: float = 0.2):
    """Poll ``paths`` by content: yield an empty set once, when live, then the changed files.

    Not watchfiles' polling: it compares mtimes to the second, so a second save within the same
    second is never seen.
    """

    def snapshot() -> dict[Path, bytes | None]:
        state: dict[Path, bytes | None] = {}
        for path in paths:
            for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
                try:
                    state[file] = file.read_bytes()
                except OSError:
                    state[file] = None
        return state

    before = snapshot()
    yield set()
    while not stop.wait(interval):
        now = snapshot()
        if now == before:
            continue
        while not stop.wait(interval):  # settle: an editor may still be writing
            now, settled = snapshot(), now
            if now == settled:
                break
        changed = {f for f in before.keys() | now.keys() if before.get(f) != now.get(f)}
        before = now
        yield {("modified", str(f)) for f in changed}


def read_keys(on_key: Callable[[str], bool], stop: threading.Event) -> None:
    """Feed keys (a TTY in cbreak mode) or lines (a pipe) to ``on_key`` until it says stop."""
    stream = sys.stdin
    if stream is None or stream.closed:
        return
    if stream.isatty():
        import termios
        import tty

        fd = stream.fileno()
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        try:
            while not stop.is_set():
                key = os.read(fd, 1).decode(errors="ignore")
                if not key or not on_key(key):
                    break
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    else:
        for line in stream:
            if stop.is_set() or not on_key(line.strip()[:1]):
                break
    stop.set()


def watch(
    env, kata: Kata, poll: bool | None, echo: Callable[[str], None], check: Callable[[], bool]
) -> None:
    import watchfiles

    root = env.catalogue.root
    if poll is None:
        poll = os.environ.get("KATA_WATCH_POLL", "") not in ("", "0")
        if not poll and not events_arrive(root / ".kata"):
            poll = True
            echo("File events do not arrive here (WSL or a network drive?): polling instead.")
    paths = [root / f for f in kata.files]
    stop = threading.Event()
    lock = threading.Lock()

    def on_key(key: str) -> bool:
        if key == "q":
            return False
        if key == "h":
            from grader.learning import commands

            with lock:
                echo(commands.hint(env, kata))
        return True

    threading.Thread(target=read_keys, args=(on_key, stop), daemon=True).start()
    status_line = "watching {}: save to re-check; h: next hint, q: quit"
    try:
        with lock:
            check()
        announced = False  # "watching" only once the watcher is live, or a quick save is lost
        # watch the folders: an editor that saves by renaming a temporary file over the kata
        # file would leave a watch on the file itself blind after the first save
        folders = sorted({p if p.is_dir() else p.parent for p in paths})

        def wanted(_change, name: str) -> bool:
            return any(p == Path(name) or p in Path(name).parents for p in paths)

        for changes in poll_changes(paths, stop) if poll else watchfiles.watch(
            *folders,
            watch_filter=wanted,
            stop_event=stop,
            force_polling=False,
            poll_delay_ms=100,
            debounce=400,
            step=30,
            rust_timeout=300,
            yield_on_timeout=True,
            raise_interrupt=True,  # caught below: Ctrl-C leaves quietly, no log line
        ):
            if not changes:
                if not announced:
                    with lock:
                        echo(status_line.format(", ".join(kata.files)))
                    announced = True
                continue
            announced = True
            with lock:
                if env.color:
                    echo("\x1b[2J\x1b[H")
                check()
                echo(status_line.format(", ".join(kata.files)))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
