"""read_inputs: every kind of input file, and bad input reported as RecordError, never raised."""
from __future__ import annotations

import json

import pytest

from kg.extract.inputs import needs_date_warning, read_inputs
from kg.records import Article, RecordError

ARTICLE = ("Chinese President Xi Jinping arrived in Madrid on Monday for a three-day state visit. "
           "He and Spanish Prime Minister Pedro Sanchez signed a joint statement on Tuesday. ") * 3


def one(path, **kw):
    items = list(read_inputs([str(path)], **kw))
    assert len(items) == 1
    return items[0]


def test_plain_text_with_metadata(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    a = one(p, published="2024-05-06", title="T")
    assert isinstance(a, Article) and a.published == "2024-05-06" and a.title == "T"
    assert a.id.startswith("sha1-") and not needs_date_warning(a)
    assert needs_date_warning(one(p))


def test_article_json_ignores_events(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"id": "x1", "published": "2024-01-02", "title": "t", "text": ARTICLE,
                             "events": [{"type": "Visit", "visitor": "Someone"}]}), encoding="utf-8")
    a = one(p)
    assert a.id == "x1" and a.events == []


def test_jsonl_errors_name_the_line(tmp_path):
    p = tmp_path / "a.jsonl"
    good = json.dumps({"id": "g", "published": "2024-01-02", "text": ARTICLE})
    p.write_text(good + "\n{broken\n" + json.dumps({"text": "no id"}) + "\n", encoding="utf-8")
    items = list(read_inputs([str(p)]))
    assert isinstance(items[0], Article)
    assert isinstance(items[1], RecordError) and items[1].where.endswith("a.jsonl:2")
    assert isinstance(items[2], RecordError) and items[2].where.endswith("a.jsonl:3")


def test_directory_recursive(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"id": "c", "text": ARTICLE}), encoding="utf-8")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG\x00\x00")
    items = list(read_inputs([str(tmp_path)]))
    assert len(items) == 2 and all(isinstance(x, Article) for x in items)


@pytest.mark.parametrize("name,content,words", [
    ("empty.txt", b"", "empty"),
    ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    ("latin.txt", "Café société in Paris is lovely".encode("latin-1"), "UTF-8"),
    ("big.txt", b"word " * (2_200_000 // 5 * 2), "too l"),
    ("noart.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
])
def test_bad_input_gives_record_error(tmp_path, name, content, words):
    p = tmp_path / name
    p.write_bytes(content)
    err = one(p)
    assert isinstance(err, RecordError)
    assert name in err.where and words in str(err)


def test_html_boilerplate_dropped(tmp_path):
    body = "".join(f"<p>{s}</p>" for s in ARTICLE.split(". ") if s)
    html = f"""<html><head><title>Xi in Madrid</title><meta property="article:published_time" content="2024-05-06"></head>
    <body><nav>Home | World | Sport</nav><div class="share">Share on Facebook Twitter</div>
    <article><h1>Xi in Madrid</h1>{body}</article>
    <div class="author-box">About the author: Jane Doe writes about Europe.</div>
    <aside class="related"><h3>Related articles</h3><ul><li><a href="/x">Volcano erupts in Italy</a></li></ul></aside>
    <div id="comments"><h3>Leave a Reply</h3><p>Great article!</p></div></body></html>"""
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    a = one(p)
    assert isinstance(a, Article)
    assert "Xi Jinping arrived in Madrid" in a.text
    for junk in ("Volcano erupts", "Leave a Reply", "Share on Facebook", "Great article"):
        assert junk not in a.text
    assert a.published == "2024-05-06"


def test_missing_path(tmp_path):
    err = one(tmp_path / "nope.txt")
    assert isinstance(err, RecordError) and "nope.txt" in err.where
