"""In-process progress notices from tasks to whoever watches (the CLI's progress bar).

Tasks run in threads of the same process under the default task runner; on a distributed runner
nobody is listening and a notice is simply dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_listeners: list[Callable[[str, str], None]] = []
_lock = threading.Lock()


def notify(filename: str, status: str) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(filename, status)


@contextmanager
def listening(listener: Callable[[str, str], None]) -> Iterator[None]:
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)
