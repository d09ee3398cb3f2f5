"""Reading articles from files: plain text, HTML pages, article JSON, JSONL and directories.

Bad input never raises: it yields a :class:`kg.records.RecordError` naming the file (and line,
for JSONL) and saying what to do, so a batch of thousands of files goes on past one bad file.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from kg.readers import read_file_text
from kg.records import Article, RecordError, article_from_json

MAX_BYTES = 2 * 1024 * 1024      # 2 MB of text per article (a news article is ~5-50 kB); files: kg.readers
TEXT_EXT = {".txt", ".text"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSON_EXT | JSONL_EXT


def content_id(text: str) -> str:
    """A stable id for an article with none: a hash of its text."""
    return "sha1-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def needs_date_warning(article: Article) -> bool:
    """True when relative dates ("on Monday") in this article cannot be resolved (no published date)."""
    return not article.published


def _read_text(path: Path, where: str) -> str | RecordError:
    try:
        return read_file_text(path, where)
    except RecordError as e:
        return e


def _check_text(text: str, where: str) -> RecordError | None:
    if not text.strip():
        return RecordError("no article text", where=where, hint="the file or 'text' field is empty")
    if len(text.encode("utf-8")) > MAX_BYTES:
        return RecordError(f"the article text is too long ({len(text) / 1e6:.1f}M characters; "
                           f"limit {MAX_BYTES / 1e6:.0f} MB)", where=where, hint="split it into one article per file")
    return None


def _from_text(text: str, where: str, meta: dict) -> Article | RecordError:
    err = _check_text(text, where)
    if err:
        return err
    return Article(id=meta.get("id") or content_id(text), text=text, title=meta.get("title"),
                   published=meta.get("published"), url=meta.get("url"))


def _from_html(html: str, where: str, meta: dict) -> Article | RecordError:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=meta.get("url"), include_comments=False, include_tables=False,
                                          with_metadata=True, favor_precision=True)
    except Exception as exc:  # trafilatura raises assorted errors on broken markup
        return RecordError(f"could not parse the HTML ({type(exc).__name__})", where=where,
                           hint="save the page again or give its text as a .txt file")
    if doc is None:
        return RecordError("no article text found in this HTML page", where=where,
                           hint="is it an article page? save the article itself or give its text as .txt")
    get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
    text = get("text") or ""
    if len(text.split()) < 20:
        return RecordError("no article text found in this HTML page", where=where,
                           hint="is it an article page? save the article itself or give its text as .txt")
    date = (get("date") or "")[:10] or None
    m = {"title": meta.get("title") or get("title"), "published": meta.get("published") or date,
         "url": meta.get("url") or get("url"), "id": meta.get("id")}
    if m["title"] and not text.startswith(m["title"]):
        pass
    return _from_text(text, where, m)


def _from_obj(obj, where: str, meta: dict) -> Article | RecordError:
    try:
        art = article_from_json(obj, where=where, with_events=False)
    except RecordError as exc:
        return exc
    err = _check_text(art.text, where)
    if err:
        return err
    for k in ("published", "title", "url"):
        if getattr(art, k) is None and meta.get(k):
            setattr(art, k, meta[k])
    return art


def _read_file(path: Path, meta: dict) -> Iterator[Article | RecordError]:
    where = str(path)
    ext = path.suffix.lower()
    text = _read_text(path, where)
    if isinstance(text, RecordError):
        yield text
        return
    if ext in JSONL_EXT:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            w = f"{where}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(f"not valid JSON ({exc.msg})", where=w, hint="one article JSON object per line")
                continue
            except RecursionError:
                yield RecordError("JSON nested too deeply", where=w, hint="one article JSON object per line")
                continue
            yield _from_obj(obj, w, {})
        return
    if ext in JSON_EXT:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield RecordError(f"not valid JSON ({exc.msg} at line {exc.lineno})", where=where,
                              hint="an article JSON object with id, published, title, text")
            return
        except RecursionError:
            yield RecordError("JSON nested too deeply", where=where,
                              hint="an article JSON object with id, published, title, text")
            return
        if isinstance(obj, list):
            for i, o in enumerate(obj):
                yield _from_obj(o, f"{where}[{i}]", {})
            return
        yield _from_obj(obj, where, meta)
        return
    head = text.lstrip()[:1000].lower()
    if ext in HTML_EXT or head.startswith("<!doctype html") or head.startswith("<html"):
        yield _from_html(text, where, meta)
        return
    yield _from_text(text, where, meta)


def read_inputs(paths: Iterable[str], *, published: str | None = None, title: str | None = None,
                url: str | None = None, id: str | None = None) -> Iterator[Article | RecordError]:
    """Articles (or RecordErrors) from files and directories, in order.

    Keyword metadata applies to plain-text and HTML inputs (and fills gaps in JSON ones); ``id``
    defaults to a content hash.  Directories are walked recursively for known extensions.
    Use :func:`needs_date_warning` to tell a user that relative dates stay unresolved.
    """
    meta = {"published": published, "title": title, "url": url, "id": id}
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    fp = Path(root) / f
                    if fp.suffix.lower() in KNOWN_EXT:
                        yield from _read_file(fp, {**meta, "id": None})
        elif not path.exists():
            yield RecordError("no such file or directory", where=str(path), hint="check the path")
        else:
            yield from _read_file(path, meta)
