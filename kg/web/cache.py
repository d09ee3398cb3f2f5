"""A per-worker LRU cache of serialised query answers, bounded in bytes.

Keys include ``store.version()``, which every committed write changes, so a write anywhere
(any worker, the CLI) invalidates every cached answer without any messaging.
"""
from __future__ import annotations

import threading
from collections import OrderedDict


class ResponseCache:
    def __init__(self, max_bytes: int = 64 * 2**20, max_entry: int | None = None):
        self.max_bytes = max_bytes
        self.max_entry = max_entry if max_entry is not None else max(1, max_bytes // 8)
        self._data: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key):
        if not self.enabled:
            return None
        with self._lock:
            v = self._data.get(key)
            if v is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return v

    def put(self, key, value, size: int) -> None:
        if not self.enabled or size > self.max_entry:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._data:
                _, (_, s) = self._data.popitem(last=False)
                self._bytes -= s

    def lookup(self, key):
        v = self.get(key)
        return None if v is None else v[0]

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size_bytes(self) -> int:
        return self._bytes
