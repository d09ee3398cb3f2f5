"""Merging repeated mentions of one event into one record."""
from __future__ import annotations


def merge_into(found: list, new, key) -> None:
    """Add ``new`` to ``found`` unless an event with the same key exists; then fill its gaps."""
    k = key(new)
    for old in found:
        if key(old) == k:
            for name, value in vars(new).items():
                if name.startswith("_"):
                    continue
                if getattr(old, name, None) in (None, [], "") and value not in (None, [], ""):
                    setattr(old, name, value)
            old._sents = getattr(old, "_sents", set()) | getattr(new, "_sents", set())
            if new.status == "cancelled":
                old.status = "cancelled"
            return
    found.append(new)
