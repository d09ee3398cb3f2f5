"""Extraction: article text -> event records (:mod:`kg.records`).

Other stages code against the :class:`Extractor` protocol; :func:`default_extractor` gives the
spaCy rule-based implementation, which loads its model once, lazily, on first use.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Protocol, runtime_checkable

from kg.records import Article, Event


@runtime_checkable
class Extractor(Protocol):
    name: str

    def extract(self, article: Article) -> list[Event]: ...

    def extract_many(self, articles: Iterable[Article], n_process: int = 1
                     ) -> Iterator[tuple[Article, list[Event]]]: ...


_DEFAULT = None


def default_extractor() -> Extractor:
    """The spaCy rule-based extractor (one shared instance; the model loads on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        from .pipeline import SpacyRuleExtractor
        _DEFAULT = SpacyRuleExtractor()
    return _DEFAULT


__all__ = ["Extractor", "default_extractor"]
