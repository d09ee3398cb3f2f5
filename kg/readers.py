"""Files of curated articles (annotation JSON, one article per file, or JSONL) -> records.

Errors never stop a batch: each unreadable file or line becomes a RecordError
that names the file (and line) and says what to fix, and the caller reports it.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .records import Article, RecordError, article_from_json

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The one limit on an input file (an article, or a JSONL file of many curated articles): 20 MB.

One article's *text* has its own, smaller limit (``kg.extract.inputs.MAX_BYTES``, 2 MB), which
also bounds the time extraction takes."""
MAX_BYTES = MAX_FILE_BYTES


def _load_json(text: str, where: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise RecordError(f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}", where=where,
                          hint="fix the JSON syntax (a validator such as 'python -m json.tool' shows where)")
    except RecursionError:  # json raises it, not JSONDecodeError, for arrays/objects nested ~1000 deep
        raise RecordError("JSON nested too deeply", where=where,
                          hint="an article is a flat JSON object; check the file is not corrupt") from None


def read_file_text(path: Path, where: str | None = None) -> str:
    """A UTF-8 input file's text, or a RecordError (raised) saying what is wrong with the file.

    The one reader of input files: ``kg import`` (curated JSON/JSONL) and ``kg ingest`` (text,
    HTML, JSON) both read through it, under :data:`MAX_FILE_BYTES`.
    """
    where = where or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RecordError(f"cannot read the file: {exc.strerror}", where=where,
                          hint="check the path and permissions") from None
    if not path.is_file():
        raise RecordError("not a file", where=where, hint="give a file, or a directory to `kg ingest`")
    if size == 0:
        raise RecordError("the file is empty", where=where, hint="remove it or give it the article")
    if size > MAX_FILE_BYTES:
        raise RecordError(f"the file is too large ({size / 1e6:.1f} MB; limit {MAX_FILE_BYTES / 1e6:.0f} MB)",
                          where=where, hint="split it into JSONL lines or one file per article")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise RecordError("this looks like a binary file, not text", where=where,
                          hint="give plain text, HTML, article JSON or JSONL")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text (bad byte at offset {exc.start})", where=where,
                          hint="re-save the file as UTF-8") from None


def read_annotated(paths: Iterable[str], *, with_events: bool = True) -> Iterator[tuple[Article, str] | RecordError]:
    """Yield (article, where) for each article in the files, or a RecordError per bad file/line."""
    for p in paths:
        path = Path(p)
        try:
            text = read_file_text(path)
        except RecordError as e:
            yield e
            continue
        if path.suffix.lower() == ".jsonl":
            for n, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                where = f"{path}:{n}"
                try:
                    yield article_from_json(_load_json(line, where), where=where, with_events=with_events), where
                except RecordError as e:
                    yield e
        else:
            where = str(path)
            try:
                obj = _load_json(text, where)
                objs = obj if isinstance(obj, list) else [obj]
                for i, o in enumerate(objs):
                    w = f"{where}[{i}]" if isinstance(obj, list) else where
                    yield article_from_json(o, where=w, with_events=with_events), w
            except RecordError as e:
                yield e
