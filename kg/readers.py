"""Files of curated articles (annotation JSON, one article per file, or JSONL) -> records.

Errors never stop a batch: each unreadable file or line becomes a RecordError
that names the file (and line) and says what to fix, and the caller reports it.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .records import Article, RecordError, article_from_json

MAX_BYTES = 20 * 1024 * 1024


def _load_json(text: str, where: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise RecordError(f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}", where=where,
                          hint="fix the JSON syntax (a validator such as 'python -m json.tool' shows where)")
    except RecursionError:  # json raises it, not JSONDecodeError, for arrays/objects nested ~1000 deep
        raise RecordError("JSON nested too deeply", where=where,
                          hint="an article is a flat JSON object; check the file is not corrupt") from None


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise RecordError("no such file", where=str(path), hint="check the path")
    if path.stat().st_size > MAX_BYTES:
        raise RecordError(f"file is larger than {MAX_BYTES // 2**20} MB", where=str(path),
                          hint="split it into JSONL lines or smaller files")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise RecordError("binary file, not JSON", where=str(path), hint="give a UTF-8 JSON or JSONL file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RecordError(f"not UTF-8 (byte {e.start})", where=str(path), hint="re-save the file as UTF-8")


def read_annotated(paths: Iterable[str], *, with_events: bool = True) -> Iterator[tuple[Article, str] | RecordError]:
    """Yield (article, where) for each article in the files, or a RecordError per bad file/line."""
    for p in paths:
        path = Path(p)
        try:
            text = _read_text(path)
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
