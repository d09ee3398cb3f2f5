"""The derived event index of an embedded store: one row per event in SQLite, for the JSON API.

Why: Oxigraph evaluates the API's ORDER BY / GROUP BY queries over every event on each request, so
/api/events and /api/stats grew linearly with the store (~1 s at 10k articles, bench/bench_api.py).
SQLite (the standard library's, no new dependency) answers the same questions from B-tree indexes.

The RDF store stays the source of truth. The index is derived from it, in two ways that share one
reading function (:func:`graph_rows`, :func:`actor_rows`), so that they cannot disagree:

- in the write path: :class:`kg.store.embedded.EmbeddedStore` reads back, through its read-write
  handle, the article graphs and actors a write block touched, and after RocksDB closed and the
  version was bumped it commits their rows here in one SQLite transaction, stamped with the store
  version they reflect (still under the store's write lock);
- by :meth:`EventIndex.rebuild`: everything, from the whole store, in one transaction
  (``kg reindex``, ``kg serve`` start when the index lags, the end of a CLI write that found it lagging).

A write that the index cannot follow (a SPARQL Update, a Graph Store PUT, a restore) leaves the stamped
version behind the store's; a SIGKILL between the RocksDB commit and the SQLite commit does too, and
SQLite rolls back a transaction cut short. Readers use the index only while its version equals the
store's (:meth:`EventIndex.reader`), otherwise the API asks the SPARQL engine, which gives the same
answers slowly. So after a crash anywhere the index is either current, and equal to a rebuild
(bench/crash_trials.py checks that), or lagging and unused until rebuilt.

Canonical events (graph/events, kg/resolve.py: each real-world event once) have rows of their own, in
tables parallel to the articles' (``canon``, ``canon_roles``), read by :func:`canonical_rows` from the
canonical graph as the API's ``canonical=true`` SPARQL sees it: the issued date is dip:firstReported, the
article filter goes through prov:wasDerivedFrom (``canon_article``, with each article's dcterms:identifier
in ``article_ident``), and the reports of a view are its dip:sameEventAs links (``canon_member``). A write
re-reads only the canonical events its resolution step rewrote (kg/store/resolution.py names them), in the
same SQLite transaction and version stamp as the article rows.

The sources of a canonical event (its reports, each with its article: what ``canonical=true`` pages and
/api/events/{id}/sources show) are read here too, not by SPARQL, which at 20k synthetic articles spent ~1 s
on the ~16k reports of one page: ``canon_member`` names the reports, each dated by its article (the sources'
order, kept on the link: :func:`_date_reports`), ``events`` their article graphs, and ``articles`` (one row
per article graph: identifier, title, URL, issued date) what a source shows of its article. A page of 50
events reads the first few reports of each from an index range and counts them there.

Text matching follows the SPARQL it replaces (kg/web/api_queries.py): lower-cased strings
(``str.lower``, as LCASE) and ``instr`` for CONTAINS; the API refuses control characters in ``q``, so
the values of one event can be joined with newlines without a match across two of them.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .terms import chunks

SCHEMA = "3"   # 2: canonical events (canon*), article identifiers, stats aggregates; 3: articles (sources)
FILE = ".kg-events.sqlite"

_DIP = "https://w3id.org/dipkg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_DCT = "http://purl.org/dc/terms/"
_SAME = _DIP + "sameEventAs"
_CANONICAL_TYPES = {_DIP + "Canonical" + t: t for t in ("Visit", "Award", "Agreement", "TradeTarget")}
EVENT_TYPES = ("Visit", "Award", "Agreement", "TradeTarget")
ROLES = ("visitor", "host", "place", "recipient", "conferredBy", "party")
KINDS = ("Person", "Country", "Place", "Organization")
_TEXT_PREDICATES = {_DIP + p for p in ("evidence", "title", "awardName", "awardText", "topic", "metric")}
_ROLE_PREDICATES = {_DIP + r: r for r in ROLES}
_LINKS = {_DIP + "represents": "represents", _DIP + "country": "country"}

_DDL = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, graph TEXT NOT NULL, type TEXT NOT NULL,
    status TEXT, key TEXT NOT NULL, article_id TEXT, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_key ON events (key, iri);
CREATE INDEX IF NOT EXISTS events_type_key ON events (type, key, iri);
CREATE INDEX IF NOT EXISTS events_graph ON events (graph);
CREATE INDEX IF NOT EXISTS events_article ON events (article_id);
CREATE TABLE IF NOT EXISTS actors (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS roles (event INTEGER NOT NULL, role TEXT NOT NULL, actor INTEGER NOT NULL,
    PRIMARY KEY (event, role, actor)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS roles_actor ON roles (actor, role, event);
CREATE TABLE IF NOT EXISTS actor_kind (actor INTEGER NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (actor, kind)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actor_label (actor INTEGER NOT NULL, label TEXT NOT NULL, lower TEXT NOT NULL,
    PRIMARY KEY (actor, label)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS actor_label_lower ON actor_label (lower);
CREATE TABLE IF NOT EXISTS actor_code (actor INTEGER NOT NULL, code TEXT NOT NULL, PRIMARY KEY (actor, code)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS actor_code_code ON actor_code (code);
CREATE TABLE IF NOT EXISTS actor_link (actor INTEGER NOT NULL, pred TEXT NOT NULL, target INTEGER NOT NULL,
    PRIMARY KEY (actor, pred, target)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS actor_link_target ON actor_link (target);
CREATE TABLE IF NOT EXISTS article_ident (graph TEXT NOT NULL, article TEXT NOT NULL, ident TEXT NOT NULL,
    PRIMARY KEY (graph, article, ident)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_ident_ident ON article_ident (ident, article);
CREATE TABLE IF NOT EXISTS articles (graph TEXT PRIMARY KEY, ident TEXT, title TEXT, url TEXT, issued TEXT)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS canon (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, type TEXT NOT NULL, status TEXT, key TEXT NOT NULL,
    text TEXT NOT NULL, source_count INTEGER, first_reported TEXT, last_reported TEXT);
CREATE INDEX IF NOT EXISTS canon_key ON canon (key, iri);
CREATE INDEX IF NOT EXISTS canon_type_key ON canon (type, key, iri);
CREATE TABLE IF NOT EXISTS canon_roles (event INTEGER NOT NULL, role TEXT NOT NULL, actor INTEGER NOT NULL,
    PRIMARY KEY (event, role, actor)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS canon_roles_actor ON canon_roles (actor, role, event);
CREATE TABLE IF NOT EXISTS canon_article (event INTEGER NOT NULL, article TEXT NOT NULL,
    PRIMARY KEY (event, article)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS canon_article_article ON canon_article (article, event);
CREATE TABLE IF NOT EXISTS canon_member (event INTEGER NOT NULL, mention TEXT NOT NULL, issued TEXT,
    PRIMARY KEY (event, mention)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS canon_member_order ON canon_member (event, issued, mention);
CREATE TABLE IF NOT EXISTS event_codes (kind INTEGER NOT NULL, event INTEGER NOT NULL, code TEXT NOT NULL,
    PRIMARY KEY (kind, event, code)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_codes_code ON event_codes (kind, code, event);
CREATE INDEX IF NOT EXISTS canon_member_mention ON canon_member (mention);
CREATE TABLE IF NOT EXISTS agg_month (kind INTEGER NOT NULL, code TEXT NOT NULL, type TEXT NOT NULL,
    month TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, code, type, month)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_status (kind INTEGER NOT NULL, code TEXT NOT NULL, type TEXT NOT NULL,
    status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, code, type, status)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_role (kind INTEGER NOT NULL, code TEXT NOT NULL, role TEXT NOT NULL,
    actor INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, code, role, actor)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_visit (kind INTEGER NOT NULL, code TEXT NOT NULL, visitors TEXT NOT NULL,
    places TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, code, visitors, places)) WITHOUT ROWID;
"""
_AGGREGATES = ("event_codes", "agg_month", "agg_status", "agg_role", "agg_visit")
_TABLES = ("events", "actors", "roles", "actor_kind", "actor_label", "actor_code", "actor_link",
           "article_ident", "articles", "canon", "canon_roles", "canon_article", "canon_member")


# --- reading the store: the one definition of a row --------------------------------------------

def _value(term) -> str:
    return term.value


@dataclass
class EventRow:
    iri: str
    type: str
    status: str | None
    key: str
    article_id: str | None
    text: str
    roles: list[tuple[str, str]] = field(default_factory=list)   # (role, actor IRI)


def graph_rows(quads: Iterable[ox.Quad]) -> list[EventRow]:
    """The events of one article graph, as the API's SPARQL sees them (kg/web/api_queries.py):

    an event is a node typed with one of the four classes that has a prov:wasDerivedFrom; its sort key
    is its dip:startDate, else dip:date, else the article's dcterms:issued, else ""; its text is its
    evidence, title, award name and text, topics and metric, lower-cased."""
    props: dict[str, dict[str, list]] = {}
    for q in quads:
        props.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
    out = []
    for s, p in props.items():
        types = [t.value[len(_DIP):] for t in p.get(_RDF_TYPE, ()) if t.value.startswith(_DIP)
                 and t.value[len(_DIP):] in EVENT_TYPES]
        articles = [a.value for a in p.get(_DERIVED, ()) if isinstance(a, ox.NamedNode)]
        if not types or not articles:
            continue
        art = props.get(articles[0], {})
        issued = art.get(_DCT + "issued", ())
        dates = p.get(_DIP + "startDate") or p.get(_DIP + "date") or issued
        status = [o.value[len(_DIP):] for o in p.get(_DIP + "status", ()) if o.value.startswith(_DIP)]
        ident = art.get(_DCT + "identifier", ())
        texts = [o.value.lower() for pred in _TEXT_PREDICATES for o in p.get(pred, ())
                 if isinstance(o, ox.Literal)]
        roles = [(role, o.value) for pred, role in _ROLE_PREDICATES.items() for o in p.get(pred, ())
                 if isinstance(o, ox.NamedNode)]
        out.append(EventRow(s, sorted(types)[0], status[0] if status else None,
                            dates[0].value if dates else "", ident[0].value if ident else None,
                            "\n".join(sorted(texts)), sorted(set(roles))))
    return out


@dataclass
class ActorRow:
    iri: str
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)   # (represents|country, target IRI)


def actor_rows(quads: Iterable[ox.Quad]) -> dict[str, ActorRow]:
    """What the API's queries read about actors: kind, rdfs:label, dip:countryCode, dip:represents and
    dip:country, per subject of the actor graph."""
    out: dict[str, ActorRow] = {}
    for q in quads:
        p, o = q.predicate.value, q.object
        a = out.setdefault(q.subject.value, ActorRow(q.subject.value))
        if p == _RDF_TYPE and o.value.startswith(_DIP) and o.value[len(_DIP):] in KINDS:
            a.kinds.append(o.value[len(_DIP):])
        elif p == _RDFS_LABEL and isinstance(o, ox.Literal):
            a.labels.append(o.value)
        elif p == _DIP + "countryCode" and isinstance(o, ox.Literal):
            a.codes.append(o.value)
        elif p in _LINKS and isinstance(o, ox.NamedNode):
            a.links.append((_LINKS[p], o.value))
    return out


def graph_idents(quads: Iterable[ox.Quad]) -> list[tuple[str, str]]:
    """(subject, dcterms:identifier) of one article graph: what ``?a dcterms:identifier ?aid`` matches
    there, for the article filter of canonical events (they name articles, not identifiers)."""
    return sorted({(q.subject.value, q.object.value) for q in quads if q.predicate.value == _DCT + "identifier"})


@dataclass
class ArticleRow:
    ident: str | None
    title: str | None
    url: str | None
    issued: str | None


def article_row(graph: str, quads: Iterable[ox.Quad]) -> ArticleRow | None:
    """What a source shows of the article of one article graph, as the API's sources SPARQL reads it
    (kg/web/api_queries.py: ``GRAPH ?a { ?a a dip:Article }`` and its dcterms:identifier, title, source and
    issued): None when the graph's own IRI is no dip:Article there. An article has one value of each (kg.rdf
    writes them so); should one have several, the least is kept, where SPARQL would repeat the source."""
    props: dict[str, list[str]] = {}
    for q in quads:
        if q.subject.value == graph:
            props.setdefault(q.predicate.value, []).append(q.object.value)
    if _DIP + "Article" not in props.get(_RDF_TYPE, ()):
        return None

    def one(name: str) -> str | None:
        vals = props.get(_DCT + name)
        return min(vals) if vals else None
    return ArticleRow(one("identifier"), one("title"), one("source"), one("issued"))


@dataclass
class CanonRow:
    iri: str
    type: str
    status: str | None
    key: str
    text: str
    source_count: int | None
    first_reported: str | None
    last_reported: str | None
    roles: list[tuple[str, str]] = field(default_factory=list)   # (role, actor IRI)
    articles: list[str] = field(default_factory=list)            # prov:wasDerivedFrom
    members: list[str] = field(default_factory=list)             # ?m dip:sameEventAs this


def canonical_rows(quads: Iterable[ox.Quad]) -> dict[str, CanonRow]:
    """The canonical events among ``quads`` of graph/events (each event's own triples and the
    dip:sameEventAs links to it), as the API's ``canonical=true`` SPARQL sees them
    (kg/web/api_queries.py): a node typed dip:CanonicalVisit (...) is one, of type Visit (...); its
    sort key is its dip:startDate, else dip:date, else dip:firstReported, else ""; its text, roles and
    status are read as :func:`graph_rows` reads an article event's."""
    props: dict[str, dict[str, list]] = {}
    members: dict[str, set[str]] = {}
    for q in quads:
        if q.predicate.value == _SAME and isinstance(q.object, ox.NamedNode):
            members.setdefault(q.object.value, set()).add(q.subject.value)
        props.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
    out = {}
    for s, p in props.items():
        types = [_CANONICAL_TYPES[t.value] for t in p.get(_RDF_TYPE, ()) if t.value in _CANONICAL_TYPES]
        if not types:
            continue
        dates = p.get(_DIP + "startDate") or p.get(_DIP + "date") or p.get(_DIP + "firstReported")
        status = [o.value[len(_DIP):] for o in p.get(_DIP + "status", ()) if o.value.startswith(_DIP)]
        texts = [o.value.lower() for pred in _TEXT_PREDICATES for o in p.get(pred, ())
                 if isinstance(o, ox.Literal)]
        roles = [(role, o.value) for pred, role in _ROLE_PREDICATES.items() for o in p.get(pred, ())
                 if isinstance(o, ox.NamedNode)]
        count = [o.value for o in p.get(_DIP + "sourceCount", ())]
        first, last = p.get(_DIP + "firstReported", ()), p.get(_DIP + "lastReported", ())
        out[s] = CanonRow(s, sorted(types)[0], status[0] if status else None, dates[0].value if dates else "",
                          "\n".join(sorted(texts)), int(count[0]) if count and count[0].isdigit() else None,
                          first[0].value if first else None, last[0].value if last else None,
                          sorted(set(roles)),
                          sorted({a.value for a in p.get(_DERIVED, ()) if isinstance(a, ox.NamedNode)}),
                          sorted(members.get(s, ())))
    return out


# --- the SQLite file ------------------------------------------------------------------------------

def _connect(path: Path, *, busy_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=busy_ms / 1000, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")     # readers never wait for the writer, nor it for them
    conn.execute("PRAGMA synchronous=NORMAL")   # WAL + NORMAL: a crash loses at most the last commit, whole
    return conn


# --- the statistics aggregates ----------------------------------------------------------------------
#
# /api/stats unfiltered and for one country read small tables instead of grouping every event (258 ms at
# 10k articles before). Each event contributes to them once for the whole store (code '') and once per
# country code it is coded with (event_codes: the code of an actor in one of its roles, or of the country a
# person represents or a place is in: the ?country= filter's meaning). kind 0: articles' events; 1: canonical.
# A visit's pair contribution is the set of its visitors and the set of its places (as actor ids); the pair
# of country codes is derived from them when asked, from the actors as they are then.

_IN_LIST = 500   # ids per SQL IN (...) list, well under SQLite's bound-parameter limit
_TABLES_BY_KIND = {0: ("events", "roles"), 1: ("canon", "canon_roles")}


def _code_events(conn: sqlite3.Connection, kind: int, events: list[int]) -> None:
    """(Re)write the country codes of ``events`` from their roles and the actor tables as they are now."""
    roles = _TABLES_BY_KIND[kind][1]
    for part in chunks(events, _IN_LIST):
        marks = ",".join("?" * len(part))
        conn.execute(f"DELETE FROM event_codes WHERE kind = ? AND event IN ({marks})", [kind, *part])
        conn.execute(
            f"INSERT OR IGNORE INTO event_codes SELECT ?, r.event, c.code FROM {roles} r JOIN actor_code c "
            f"ON c.actor = r.actor WHERE r.event IN ({marks}) UNION SELECT ?, r.event, c.code FROM {roles} r "
            f"JOIN actor_link l ON l.actor = r.actor JOIN actor_code c ON c.actor = l.target WHERE r.event IN ({marks})",
            [kind, *part, kind, *part])


def _contribute(conn: sqlite3.Connection, kind: int, events: list[int], delta: dict, sign: int) -> None:
    """Add (``sign`` +1) or take away (-1) what ``events`` count in the aggregates, as stored now."""
    table, roles = _TABLES_BY_KIND[kind]
    for part in chunks(events, _IN_LIST):
        marks = ",".join("?" * len(part))
        codes: dict[int, list[str]] = {}
        for e, code in conn.execute(f"SELECT event, code FROM event_codes WHERE kind = ? AND event IN ({marks})",
                                    [kind, *part]):
            codes.setdefault(e, []).append(code)
        visit_roles: dict[int, list[tuple[str, int]]] = {}
        for e, role, actor in conn.execute(
                f"SELECT r.event, r.role, r.actor FROM {roles} r JOIN {table} e ON e.id = r.event "
                f"WHERE e.type = 'Visit' AND r.role IN ('visitor', 'host', 'place') AND r.event IN ({marks})", part):
            visit_roles.setdefault(e, []).append((role, actor))
        for e, typ, status, key in conn.execute(f"SELECT id, type, status, key FROM {table} WHERE id IN ({marks})", part):
            rows = [("agg_status", typ, status or "")]
            if key != "":
                rows.append(("agg_month", typ, key[:7]))
            if typ == "Visit":
                vr = visit_roles.get(e, [])
                rows += [("agg_role", role, actor) for role, actor in vr if role != "place"]
                visitors = ",".join(str(a) for a in sorted({a for r, a in vr if r == "visitor"}))
                places = ",".join(str(a) for a in sorted({a for r, a in vr if r == "place"}))
                if visitors and places:
                    rows.append(("agg_visit", visitors, places))
            for code in ["", *codes.get(e, ())]:
                for t, *k in rows:
                    key_ = (t, kind, code, *k)
                    delta[key_] = delta.get(key_, 0) + sign


def _apply_delta(conn: sqlite3.Connection, delta: dict) -> None:
    by: dict[str, list[tuple]] = {}
    for (t, *k), n in delta.items():
        if n:
            by.setdefault(t, []).append((*k, n))
    for t, rows in by.items():
        width = len(rows[0])
        cols = ",".join("?" * width)
        conn.executemany(f"INSERT INTO {t} VALUES ({cols}) ON CONFLICT DO UPDATE SET n = n + excluded.n", rows)
        conn.execute(f"DELETE FROM {t} WHERE n = 0")


def _date_reports(conn: sqlite3.Connection, mentions: list[str] | None) -> None:
    """(Re)write ``canon_member.issued`` of the reports ``mentions`` (every one when None): the issued date of
    the report's article ('' for none), or NULL when the report is no source (no article event of an article
    the index holds). It is the sources' order, kept on the link so that a page reads the first few reports
    of each event from an index range and counts them there, not joining every report (16k on a page at 20k
    articles) with its event and article. A write re-dates the reports of the events and canonical events it
    rewrote: an article's date changes only with its graph, and so with its events."""
    sql = ("UPDATE canon_member SET issued = (SELECT coalesce(a.issued, '') FROM events e JOIN articles a "
           "ON a.graph = e.graph WHERE e.iri = canon_member.mention)")
    if mentions is None:
        conn.execute(sql)
        return
    for part in chunks(mentions, _IN_LIST):
        conn.execute(f"{sql} WHERE mention IN ({','.join('?' * len(part))})", part)


class EventIndex:
    """The index file of the store at ``location``: writes (under the store's write lock) and readers."""

    def __init__(self, location: str):
        self.path = Path(location) / FILE
        self._local = threading.local()

    # writes: only ever called by EmbeddedStore while it holds the store's write lock
    def _writer(self) -> sqlite3.Connection:
        """A connection for :meth:`apply`, with the tables made when the file is new or of this schema. The
        file of another schema keeps its tables until a rebuild drops them: its old tables may lack a column
        that an index of the DDL names (canon_member.issued, schema 3), and only a rebuild writes to it."""
        conn = _connect(self.path, busy_ms=30_000)
        try:
            stored = conn.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()
            ours = stored is not None and stored[0] == SCHEMA
        except sqlite3.OperationalError:   # a new file: no tables yet
            ours = True
        if ours:
            conn.executescript(_DDL)
        return conn

    def version(self) -> str | None:
        """The store version the index reflects; None when there is no (usable) index."""
        try:
            conn = self._reader_conn()
            row = conn.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
            schema = conn.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row and schema and schema[0] == SCHEMA else None

    def apply(self, graphs: dict[str, list[EventRow]], actors: dict[str, ActorRow], version: str,
              *, rebuild: bool = False, canon: dict[str, CanonRow | None] | None = None,
              idents: dict[str, list[tuple[str, str]]] | None = None,
              articles: dict[str, ArticleRow | None] | None = None) -> None:
        """Replace the rows of ``graphs`` (graph IRI -> its events; [] for a dropped graph), ``actors``,
        ``canon`` (canonical IRI -> its row, None for one that is gone), ``idents`` (graph IRI -> its
        article identifiers) and ``articles`` (graph IRI -> its article, None for none), and stamp
        ``version``: one transaction. ``rebuild`` empties every table first.

        The statistics aggregates (:data:`_AGGREGATES`) follow by difference: the contributions of the
        events about to go are taken away before they go (and of the events whose countries change
        because an actor's codes or links did), those of the new ones added after they are in."""
        conn = self._writer()
        try:
            conn.execute("BEGIN IMMEDIATE")
            stored = conn.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()
            if rebuild and (stored is None or stored[0] != SCHEMA):
                # an index of another schema: its tables are dropped and made anew (CREATE IF NOT EXISTS
                # would keep their old columns)
                for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'").fetchall():
                    conn.execute(f"DROP TABLE IF EXISTS {t}")
                for stmt in _DDL.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
            if rebuild:
                for t in _TABLES + _AGGREGATES:
                    conn.execute(f"DELETE FROM {t}")
            ids: dict[str, int] = {}
            delta: dict[tuple, int] = {}

            def actor_id(iri: str) -> int:
                i = ids.get(iri)
                if i is None:
                    conn.execute("INSERT OR IGNORE INTO actors (iri) VALUES (?)", (iri,))
                    i = ids[iri] = conn.execute("SELECT id FROM actors WHERE iri = ?", (iri,)).fetchone()[0]
                return i

            # 1. what goes: article events of the graphs written, canonical events re-read, and any other
            #    row with the IRI of a new one (INSERT OR REPLACE would drop it without its roles)
            if not rebuild:
                gone = [i for g in graphs for (i,) in conn.execute("SELECT id FROM events WHERE graph = ?", (g,))]
                new_iris = [r.iri for rows in graphs.values() for r in rows]
                gone += [i for part in chunks(new_iris, _IN_LIST) for (i,) in conn.execute(
                    f"SELECT id FROM events WHERE iri IN ({','.join('?' * len(part))})", part)]
                gone = sorted(set(gone))
                gone_iris = [iri for part in chunks(gone, _IN_LIST) for (iri,) in conn.execute(
                    f"SELECT iri FROM events WHERE id IN ({','.join('?' * len(part))})", part)]
                cgone = [i for c in (canon or {}) for (i,) in conn.execute("SELECT id FROM canon WHERE iri = ?", (c,))]
                _contribute(conn, 0, gone, delta, -1)
                _contribute(conn, 1, cgone, delta, -1)
                for part in chunks(gone, _IN_LIST):
                    marks = ",".join("?" * len(part))
                    conn.execute(f"DELETE FROM roles WHERE event IN ({marks})", part)
                    conn.execute(f"DELETE FROM event_codes WHERE kind = 0 AND event IN ({marks})", part)
                    conn.execute(f"DELETE FROM events WHERE id IN ({marks})", part)
                # a canonical event that stays keeps its row id: its reports and articles (thousands for an
                # event reported every day) are changed by difference, not deleted and written again
                kept = {}
                for c, row in (canon or {}).items():
                    found = conn.execute("SELECT id FROM canon WHERE iri = ?", (c,)).fetchone() if row else None
                    if found is not None:
                        kept[c] = found[0]
                for part in chunks(cgone, _IN_LIST):
                    marks = ",".join("?" * len(part))
                    conn.execute(f"DELETE FROM canon_roles WHERE event IN ({marks})", part)
                    conn.execute(f"DELETE FROM event_codes WHERE kind = 1 AND event IN ({marks})", part)
                stays = set(kept.values())
                drop = [i for i in cgone if i not in stays]
                for part in chunks(drop, _IN_LIST):
                    marks = ",".join("?" * len(part))
                    for t in ("canon_article", "canon_member"):
                        conn.execute(f"DELETE FROM {t} WHERE event IN ({marks})", part)
                    conn.execute(f"DELETE FROM canon WHERE id IN ({marks})", part)
            else:
                kept, gone_iris = {}, []

            # 2. actors, before the new events, so that these are coded with the new codes; an actor whose
            #    codes (or whose link targets' codes) change recodes the stored events it takes part in
            changed: set[int] = set()
            for a in actors.values():
                i = actor_id(a.iri)
                before = (set(conn.execute("SELECT code FROM actor_code WHERE actor = ?", (i,)).fetchall()),
                          set(conn.execute("SELECT pred, target FROM actor_link WHERE actor = ?", (i,)).fetchall()))
                for t in ("actor_kind", "actor_label", "actor_code", "actor_link"):
                    conn.execute(f"DELETE FROM {t} WHERE actor = ?", (i,))
                conn.executemany("INSERT OR IGNORE INTO actor_kind VALUES (?, ?)", [(i, k) for k in a.kinds])
                conn.executemany("INSERT OR IGNORE INTO actor_label VALUES (?, ?, ?)",
                                 [(i, lab, lab.lower()) for lab in a.labels])
                conn.executemany("INSERT OR IGNORE INTO actor_code VALUES (?, ?)", [(i, c) for c in a.codes])
                conn.executemany("INSERT OR IGNORE INTO actor_link VALUES (?, ?, ?)",
                                 [(i, p, actor_id(t)) for p, t in a.links])
                after = ({(c,) for c in a.codes}, {(p, ids[t]) for p, t in a.links})
                if before != after:
                    changed.add(i)
            recode: dict[int, list[int]] = {0: [], 1: []}
            if changed and not rebuild:
                marks = ",".join("?" * len(changed))
                affected = sorted(changed | {x for (x,) in conn.execute(
                    f"SELECT actor FROM actor_link WHERE target IN ({marks})", sorted(changed))})
                for kind, roles in ((0, "roles"), (1, "canon_roles")):
                    for part in chunks(affected, _IN_LIST):
                        recode[kind] += [e for (e,) in conn.execute(
                            f"SELECT DISTINCT event FROM {roles} WHERE actor IN ({','.join('?' * len(part))})", part)]
                    recode[kind] = sorted(set(recode[kind]))
                    _contribute(conn, kind, recode[kind], delta, -1)

            # 3. the new rows
            added: dict[int, list[int]] = {0: [], 1: []}
            for graph, rows in graphs.items():
                for r in rows:
                    cur = conn.execute("INSERT OR REPLACE INTO events (iri, graph, type, status, key, article_id, text) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                       (r.iri, graph, r.type, r.status, r.key, r.article_id, r.text))
                    added[0].append(cur.lastrowid)
                    conn.executemany("INSERT OR IGNORE INTO roles VALUES (?, ?, ?)",
                                     [(cur.lastrowid, role, actor_id(a)) for role, a in r.roles])
            for graph, pairs in (idents or {}).items():
                if not rebuild:
                    conn.execute("DELETE FROM article_ident WHERE graph = ?", (graph,))
                conn.executemany("INSERT OR IGNORE INTO article_ident VALUES (?, ?, ?)",
                                 [(graph, a, ident) for a, ident in pairs])
            for graph, art in (articles or {}).items():
                if not rebuild:
                    conn.execute("DELETE FROM articles WHERE graph = ?", (graph,))
                if art is not None:
                    conn.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
                                 (graph, art.ident, art.title, art.url, art.issued))
            for c in (canon or {}).values():
                if c is None:
                    continue
                values = (c.type, c.status, c.key, c.text, c.source_count, c.first_reported, c.last_reported)
                cid = kept.get(c.iri)
                if cid is None:
                    cid = conn.execute("INSERT INTO canon (iri, type, status, key, text, source_count, first_reported, "
                                       "last_reported) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (c.iri, *values)).lastrowid
                else:
                    conn.execute("UPDATE canon SET type = ?, status = ?, key = ?, text = ?, source_count = ?, "
                                 "first_reported = ?, last_reported = ? WHERE id = ?", (*values, cid))
                added[1].append(cid)
                conn.executemany("INSERT OR IGNORE INTO canon_roles VALUES (?, ?, ?)",
                                 [(cid, role, actor_id(a)) for role, a in c.roles])
                for t, col, new_values in (("canon_article", "article", c.articles), ("canon_member", "mention", c.members)):
                    have = {v for (v,) in conn.execute(f"SELECT {col} FROM {t} WHERE event = ?", (cid,))}
                    want = set(new_values)
                    conn.executemany(f"DELETE FROM {t} WHERE event = ? AND {col} = ?", [(cid, v) for v in have - want])
                    conn.executemany(f"INSERT OR IGNORE INTO {t} (event, {col}) VALUES (?, ?)",
                                     [(cid, v) for v in sorted(want - have)])
            _date_reports(conn, None if rebuild else sorted(
                {*gone_iris, *(r.iri for rows in graphs.values() for r in rows),
                 *(m for c in (canon or {}).values() if c is not None for m in c.members)}))
            for kind in (0, 1):
                fresh = sorted(set(added[kind]) | set(recode[kind]))
                _code_events(conn, kind, fresh)
                _contribute(conn, kind, fresh, delta, +1)
            _apply_delta(conn, delta)
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("version", version), ("schema", SCHEMA)])
            conn.execute("COMMIT")
            if rebuild:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def dump(self) -> dict[str, list[tuple]]:
        """Every row by table, ids resolved to IRIs and sorted: what two indexes are compared by."""
        conn = self._reader_conn()
        out = {"events": sorted(conn.execute(
            "SELECT iri, graph, type, status, key, article_id, text FROM events").fetchall(), key=repr)}
        out["roles"] = sorted(conn.execute(
            "SELECT e.iri, r.role, a.iri FROM roles r JOIN events e ON e.id = r.event "
            "JOIN actors a ON a.id = r.actor").fetchall())
        for t, cols in (("actor_kind", "x.kind"), ("actor_label", "x.label"), ("actor_code", "x.code")):
            out[t] = sorted(conn.execute(f"SELECT a.iri, {cols} FROM {t} x JOIN actors a ON a.id = x.actor").fetchall())
        out["actor_link"] = sorted(conn.execute(
            "SELECT a.iri, x.pred, b.iri FROM actor_link x JOIN actors a ON a.id = x.actor "
            "JOIN actors b ON b.id = x.target").fetchall())
        out["article_ident"] = sorted(conn.execute("SELECT graph, article, ident FROM article_ident").fetchall())
        out["articles"] = sorted(conn.execute("SELECT graph, ident, title, url, issued FROM articles").fetchall(),
                                 key=repr)
        out["canon"] = sorted(conn.execute(
            "SELECT iri, type, status, key, text, source_count, first_reported, last_reported FROM canon").fetchall(),
            key=repr)
        out["canon_roles"] = sorted(conn.execute(
            "SELECT e.iri, r.role, a.iri FROM canon_roles r JOIN canon e ON e.id = r.event "
            "JOIN actors a ON a.id = r.actor").fetchall())
        out["canon_article"] = sorted(conn.execute(
            "SELECT e.iri, x.article FROM canon_article x JOIN canon e ON e.id = x.event").fetchall())
        out["canon_member"] = sorted(conn.execute(
            "SELECT e.iri, x.mention, x.issued FROM canon_member x JOIN canon e ON e.id = x.event").fetchall(), key=repr)
        # the aggregates, with actor and event ids resolved (a rebuild numbers them anew)
        iri_of = dict(conn.execute("SELECT id, iri FROM actors").fetchall())
        event_iri = {0: dict(conn.execute("SELECT id, iri FROM events").fetchall()),
                     1: dict(conn.execute("SELECT id, iri FROM canon").fetchall())}
        out["event_codes"] = sorted((k, event_iri[k].get(e), c) for k, e, c in
                                    conn.execute("SELECT kind, event, code FROM event_codes"))
        for t in ("agg_month", "agg_status"):
            out[t] = sorted(conn.execute(f"SELECT * FROM {t}").fetchall())
        out["agg_role"] = sorted((k, c, r, iri_of.get(a), n) for k, c, r, a, n in conn.execute("SELECT * FROM agg_role"))

        def names(ids_: str) -> tuple:
            return tuple(sorted(iri_of.get(int(i)) for i in ids_.split(",")))
        out["agg_visit"] = sorted((k, c, names(v), names(p), n) for k, c, v, p, n in
                                  conn.execute("SELECT * FROM agg_visit"))
        return out

    def canonical_iris(self) -> list[tuple[str]]:
        """The IRIs of the canonical rows (for a write that re-reads the whole canonical graph)."""
        try:
            return self._reader_conn().execute("SELECT iri FROM canon").fetchall()
        except sqlite3.Error:
            return []

    # reads
    def _reader_conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if not self.path.exists():
                raise sqlite3.OperationalError("no index file")
            conn = self._local.conn = _connect(self.path, busy_ms=2000)
            conn.execute("PRAGMA query_only=ON")
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def reader(self, store_version: str | None, canonical: bool = False) -> "IndexReader | None":
        """Queries on the index when it reflects ``store_version``; None when it lags (ask SPARQL)."""
        if store_version is None or self.version() != store_version:
            return None
        return IndexReader(self._reader_conn(), canonical=canonical)


# --- queries: the API's questions in SQL ------------------------------------------------------------

# sort name -> (ORDER BY, the row value the cursor compares, comparison): the orders of
# kg.web.api_queries.SORTS, whose SPARQL gives the same pages
_SORTS: dict[str, tuple[str, str, str]] = {"date": ("e.key, e.iri", "(e.key, e.iri)", ">"),
          "-date": ("e.key DESC, e.iri DESC", "(e.key, e.iri)", "<"),
          "type": ("e.type, e.key, e.iri", "(e.type, e.key, e.iri)", ">")}


class IndexReader:
    """The JSON API's event queries (kg/web/api_queries.py has their SPARQL), answered from the index.

    ``f`` is a kg.web.api_queries.EventFilter (validated parameters); every value is bound as an SQL
    parameter, never pasted into the text."""

    def __init__(self, conn: sqlite3.Connection, deadline_s: float = 10.0, canonical: bool = False):
        self.conn = conn
        self.deadline = time.monotonic() + deadline_s
        self.canonical = canonical
        # the event and role tables the queries read: the articles' events, or the canonical events
        self._tables = {"@E@": "canon", "@R@": "canon_roles"} if canonical else {"@E@": "events", "@R@": "roles"}

    def view(self, canonical: bool) -> "IndexReader":
        """The same reader over the canonical events (``canonical=true``) or the articles' events."""
        if canonical == self.canonical:
            return self
        other = IndexReader(self.conn, canonical=canonical)
        other.deadline = self.deadline
        return other

    def _sql(self, sql: str) -> str:
        for token, table in self._tables.items():
            sql = sql.replace(token, table)
        return sql

    def _rows(self, sql: str, args: list) -> list[tuple]:
        deadline = self.deadline
        self.conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 20_000)
        try:
            return self.conn.execute(self._sql(sql), args).fetchall()
        finally:
            self.conn.set_progress_handler(None, 0)

    def _where(self, f, types: list[str] | None = None) -> tuple[str, list]:
        conds, args = [], []
        types = types if types is not None else f.types
        if types:
            conds.append(f"e.type IN ({','.join('?' * len(types))})")
            args += types
        if f.statuses:
            conds.append(f"e.status IN ({','.join('?' * len(f.statuses))})")
            args += f.statuses
        if f.article is not None and self.canonical:
            # ?a dcterms:identifier ?aid . ?e prov:wasDerivedFrom ?a
            conds.append("e.id IN (SELECT ca.event FROM article_ident ai JOIN canon_article ca "
                         "ON ca.article = ai.article WHERE ai.ident = ?)")
            args.append(f.article)
        elif f.article is not None:
            conds.append("e.article_id = ?")
            args.append(f.article)
        for bound, op in ((f.date_from, ">="), (f.date_to, "<=")):
            if bound:
                conds.append(f"e.key != '' AND substr(e.key, 1, {len(bound)}) {op} ?")
                args.append(bound)
        if f.actor_iri is not None:
            conds.append("e.id IN (SELECT r.event FROM @R@ r JOIN actors a ON a.id = r.actor WHERE a.iri = ?)")
            args.append(f.actor_iri)
        if f.person_iri is not None:
            conds.append("e.id IN (SELECT r.event FROM @R@ r JOIN actors a ON a.id = r.actor "
                         "JOIN actor_kind k ON k.actor = a.id AND k.kind = 'Person' WHERE a.iri = ?)")
            args.append(f.person_iri)
        if f.person_name is not None:
            conds.append("e.id IN (SELECT r.event FROM actor_label l JOIN actor_kind k ON k.actor = l.actor "
                         "AND k.kind = 'Person' JOIN @R@ r ON r.actor = l.actor WHERE l.lower = ?)")
            args.append(f.person_name.lower())
        if f.countries:
            marks = ",".join("?" * len(f.countries))
            conds.append("e.id IN (SELECT r.event FROM @R@ r WHERE r.actor IN ("
                         f"SELECT c.actor FROM actor_code c WHERE c.code IN ({marks}) UNION "
                         f"SELECT l.actor FROM actor_link l JOIN actor_code c ON c.actor = l.target "
                         f"WHERE c.code IN ({marks})))")
            args += f.countries * 2
        if f.text:
            q = f.text.lower()
            conds.append("(instr(e.text, ?) > 0 OR e.id IN (SELECT r.event FROM actor_label l "
                         "JOIN @R@ r ON r.actor = l.actor WHERE instr(l.lower, ?) > 0))")
            args += [q, q]
        return (" AND ".join(conds) or "1"), args

    def page(self, f, after: tuple[str, ...] | None, limit: int, sort: str = "date") -> list[dict]:
        """Up to ``limit`` rows {e, key, type} in ``sort`` order strictly after ``after`` (the cursor's
        values: (key, IRI), or (type, key, IRI) for sort=type)."""
        order, tup, op = _SORTS[sort]
        where, args = self._where(f)
        if after is not None:
            where += f" AND {tup} {op} ({','.join('?' * len(after))})"
            args += list(after)
        rows = self._rows(f"SELECT e.iri, e.key, e.type FROM @E@ e WHERE {where} ORDER BY {order} LIMIT ?",
                          args + [int(limit)])
        return [{"e": iri, "key": key, "type": t} for iri, key, t in rows]

    # A canonical event's sources: its reports (canon_member) dated by their article (canon_member.issued, NULL
    # for a report that is no source), oldest first, then by the report's IRI: the order and the rows of
    # kg.web.api_queries.sources_query, whose rows these dicts imitate.
    def _source_rows(self, picked: list[tuple[str, str]]) -> list[dict]:
        """(canonical IRI, report IRI) pairs -> source rows, with each report's article."""
        arts: dict[str, tuple] = {}
        for part in chunks(sorted({m for _, m in picked}), _IN_LIST):
            for m, *art in self._rows("SELECT e.iri, a.graph, a.ident, a.title, a.url, a.issued FROM events e "
                                      f"JOIN articles a ON a.graph = e.graph WHERE e.iri IN ({','.join('?' * len(part))})",
                                      part):
                arts[m] = art
        return [{"c": c, "m": m, "a": arts[m][0], "aid": arts[m][1], "atitle": arts[m][2], "url": arts[m][3],
                 "issued": arts[m][4]} for c, m in picked if m in arts]

    def sources(self, canonical_iris: list[str], first: int) -> tuple[list[dict], dict[str, int]]:
        """The ``first`` sources (one at least) of each canonical event in ``canonical_iris`` and how many each
        has in all (0 for an event without one): index ranges of canon_member, a few rows per event, however
        many reports it has."""
        ids: dict[str, int] = {}
        for part in chunks(list(dict.fromkeys(canonical_iris)), _IN_LIST):
            ids.update(self._rows(f"SELECT iri, id FROM canon WHERE iri IN ({','.join('?' * len(part))})", part))
        totals = dict.fromkeys(canonical_iris, 0)
        iri_of = {i: c for c, i in ids.items()}
        for part in chunks(sorted(iri_of), _IN_LIST):
            for cid, n in self._rows("SELECT event, count(*) FROM canon_member WHERE issued IS NOT NULL AND event IN "
                                     f"({','.join('?' * len(part))}) GROUP BY event", part):
                totals[iri_of[cid]] = n
        picked = [(c, m) for c, cid in ids.items() if totals[c] for (m,) in self._rows(
            "SELECT mention FROM canon_member WHERE event = ? AND issued IS NOT NULL ORDER BY issued, mention LIMIT ?",
            [cid, max(int(first), 1)])]   # the first one at least: a canonical event's article is its first report's
        return self._source_rows(picked), totals

    def source_page(self, canonical_iri: str, after: tuple[str, str] | None, limit: int) -> tuple[list[dict], int]:
        """Up to ``limit`` sources of one canonical event strictly after ``after`` (the cursor's (issued
        date or '', report IRI)), in source order, and how many it has in all."""
        found = self._rows("SELECT id FROM canon WHERE iri = ?", [canonical_iri])
        if not found:
            return [], 0
        cid = found[0][0]
        where, args = "event = ? AND issued IS NOT NULL", [cid]
        if after is not None:
            where += " AND (issued, mention) > (?, ?)"
            args += list(after)
        picked = [(canonical_iri, m) for (m,) in self._rows(
            f"SELECT mention FROM canon_member WHERE {where} ORDER BY issued, mention LIMIT ?", args + [int(limit)])]
        total = self._rows("SELECT count(*) FROM canon_member WHERE event = ? AND issued IS NOT NULL", [cid])[0][0]
        return self._source_rows(picked), total

    def canonical_of(self, iri: str) -> str | None:
        """The canonical event that the event ``iri`` is (a canonical event) or reports (an article event's
        dip:sameEventAs); None for an event no canonical event counts."""
        row = self._rows("SELECT iri FROM canon WHERE iri = ? UNION ALL SELECT c.iri FROM canon_member m "
                         "JOIN canon c ON c.id = m.event WHERE m.mention = ? LIMIT 1", [iri, iri])
        return row[0][0] if row else None

    def country_facet(self, f) -> list[dict]:
        """Events per country code, with the country filter's meaning: the code of an actor in any role,
        or of the country a person represents or a place is in. Most events first, then by code."""
        # the codes of each actor first (a few thousand rows), then the view's role links: filtered views
        # read only their own events (3-10x faster than coding every role link, then filtering)
        where, args = self._where(f)
        rows = self._rows(
            "WITH ac AS (SELECT actor, code FROM actor_code UNION SELECT l.actor, c.code FROM actor_link l "
            "JOIN actor_code c ON c.actor = l.target) "
            "SELECT ac.code, count(DISTINCT e.id) AS n FROM @E@ e JOIN @R@ r ON r.event = e.id "
            f"JOIN ac ON ac.actor = r.actor WHERE {where} GROUP BY ac.code ORDER BY n DESC, ac.code", args)
        return [{"code": c, "n": n} for c, n in rows]

    def person_facet(self, f, top: int) -> list[dict]:
        """The ``top`` persons by events (in any role), as :meth:`top_actors` gives its rows."""
        where, args = self._where(f)
        rows = self._rows(
            "SELECT a.iri, t.n, (SELECT min(l.label) FROM actor_label l WHERE l.actor = t.actor) FROM ("
            "SELECT r.actor, count(DISTINCT e.id) AS n FROM @E@ e JOIN @R@ r ON r.event = e.id "
            "JOIN actor_kind k ON k.actor = r.actor AND k.kind = 'Person' "
            f"WHERE {where} GROUP BY r.actor) t JOIN actors a ON a.id = t.actor ORDER BY t.n DESC, a.iri LIMIT ?",
            args + [int(top)])
        return [{"x": x, "n": n, "label": label} for x, n, label in rows]

    def actor_names(self) -> list[dict]:
        """Every actor with a kind: IRI, kind, label and its number of events in any role (the actor
        search of the API folds and matches the labels)."""
        rows = self._rows(
            "SELECT a.iri, k.kind, l.label, (SELECT count(DISTINCT r.event) FROM roles r WHERE r.actor = a.id) "
            "FROM actors a JOIN actor_kind k ON k.actor = a.id LEFT JOIN actor_label l ON l.actor = a.id", [])
        return [{"x": x, "kind": _DIP + k, "label": label, "n": n} for x, k, label, n in rows]

    def reports(self, f) -> int:
        """How many article events report the canonical events of ``f`` (their dip:sameEventAs links),
        as kg.web.api_queries.reports_query counts them."""
        assert self.canonical
        code = self._agg_code(f)
        if code == "":
            return self._rows("SELECT count(DISTINCT mention) FROM canon_member", [])[0][0]
        if code is not None:
            return self._rows("SELECT count(DISTINCT m.mention) FROM canon_member m WHERE m.event IN "
                              "(SELECT event FROM event_codes WHERE kind = 1 AND code = ?)", [code])[0][0]
        where, args = self._where(f)
        return self._rows(f"SELECT count(DISTINCT m.mention) FROM canon_member m WHERE m.event IN "
                          f"(SELECT e.id FROM canon e WHERE {where})", args)[0][0]

    def count(self, f) -> int:
        where, args = self._where(f)
        return self._rows(f"SELECT count(*) FROM @E@ e WHERE {where}", args)[0][0]

    def _agg_code(self, f) -> str | None:
        """The aggregates' code for the view ``f`` when they answer it: '' unfiltered, the code of one
        ?country=; None for any other filter (then the events are grouped)."""
        if (f.types or f.statuses or f.person_iri is not None or f.person_name is not None or f.actor_iri is not None
                or f.article is not None or f.date_from or f.date_to or f.text or len(f.countries) > 1):
            return None
        return f.countries[0] if f.countries else ""

    @property
    def _kind(self) -> int:
        return 1 if self.canonical else 0

    def per_month(self, f) -> list[dict]:
        code = self._agg_code(f)
        if code is not None:
            rows = self._rows("SELECT type, month, n FROM agg_month WHERE kind = ? AND code = ? ORDER BY month, type",
                              [self._kind, code])
            return [{"type": _DIP + t, "month": m, "n": n} for t, m, n in rows]
        where, args = self._where(f)
        rows = self._rows(f"SELECT e.type, substr(e.key, 1, 7) AS m, count(*) FROM @E@ e "
                          f"WHERE {where} AND e.key != '' GROUP BY e.type, m ORDER BY m, e.type", args)
        return [{"type": _DIP + t, "month": m, "n": n} for t, m, n in rows]

    def per_status(self, f) -> list[dict]:
        code = self._agg_code(f)
        if code is not None:
            rows = self._rows("SELECT type, status, n FROM agg_status WHERE kind = ? AND code = ? ORDER BY type, status",
                              [self._kind, code])
            return [{"type": _DIP + t, "st": (_DIP + s) if s else None, "n": n} for t, s, n in rows]
        where, args = self._where(f)
        rows = self._rows(f"SELECT e.type, e.status, count(*) FROM @E@ e WHERE {where} "
                          "GROUP BY e.type, e.status ORDER BY e.type, e.status", args)
        return [{"type": _DIP + t, "st": (_DIP + s) if s else None, "n": n} for t, s, n in rows]

    def _visit_pairs_from_aggregate(self, code: str, top: int | None) -> list[dict]:
        """The visit pairs from each visit's sets of visitors and places (agg_visit), coded as the query
        below codes them: a country itself, or the country a visitor represents / a place is in."""
        country = ("SELECT k.actor, c.code FROM actor_kind k JOIN actor_code c ON c.actor = k.actor "
                   "WHERE k.kind = 'Country' UNION SELECT l.actor, c.code FROM actor_link l "
                   "JOIN actor_kind k ON k.actor = l.target AND k.kind = 'Country' "
                   "JOIN actor_code c ON c.actor = l.target WHERE l.pred = ?")
        maps = []
        for pred in ("represents", "country"):
            m: dict[str, set[str]] = {}
            for a, c in self._rows(country, [pred]):
                m.setdefault(str(a), set()).add(c)
            maps.append(m)
        counts: dict[tuple[str, str], int] = {}
        for visitors, places, n in self._rows("SELECT visitors, places, n FROM agg_visit WHERE kind = ? AND code = ?",
                                              [self._kind, code]):
            vs = set().union(*(maps[0].get(a, ()) for a in visitors.split(",")))
            ps = set().union(*(maps[1].get(a, ()) for a in places.split(",")))
            for v in vs:
                for p in ps:
                    counts[(v, p)] = counts.get((v, p), 0) + n
        rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
        return [{"from": a, "to": b, "n": n} for (a, b), n in (rows if top is None else rows[:int(top)])]

    def visit_pairs(self, f, top: int | None) -> list[dict]:
        code = self._agg_code(f)
        if code is not None:
            return self._visit_pairs_from_aggregate(code, top)
        where, args = self._where(f, ["Visit"])
        country = ("SELECT k.actor AS a, c.code AS code FROM actor_kind k JOIN actor_code c ON c.actor = k.actor "
                   "WHERE k.kind = 'Country' UNION SELECT l.actor, c.code FROM actor_link l "
                   "JOIN actor_kind k ON k.actor = l.target AND k.kind = 'Country' "
                   "JOIN actor_code c ON c.actor = l.target WHERE l.pred = ?")
        rows = self._rows(
            f"WITH v AS ({country}), p AS ({country}) "
            "SELECT v.code, p.code, count(DISTINCT e.id) AS n FROM @E@ e "
            "JOIN @R@ rv ON rv.event = e.id AND rv.role = 'visitor' JOIN v ON v.a = rv.actor "
            "JOIN @R@ rp ON rp.event = e.id AND rp.role = 'place' JOIN p ON p.a = rp.actor "
            f"WHERE {where} GROUP BY v.code, p.code ORDER BY n DESC, v.code, p.code LIMIT ?",
            ["represents", "country"] + args + [-1 if top is None else int(top)])
        return [{"from": a, "to": b, "n": n} for a, b, n in rows]

    def top_actors(self, f, role: str, top: int) -> list[dict]:
        assert role in ROLES
        code = self._agg_code(f)
        if code is not None and role in ("visitor", "host"):
            rows = self._rows(
                "SELECT a.iri, t.n, (SELECT min(l.label) FROM actor_label l WHERE l.actor = t.actor), "
                "(SELECT min(k.kind) FROM actor_kind k WHERE k.actor = t.actor) FROM agg_role t "
                "JOIN actors a ON a.id = t.actor WHERE t.kind = ? AND t.code = ? AND t.role = ? "
                "ORDER BY t.n DESC, a.iri LIMIT ?", [self._kind, code, role, int(top)])
            return [{"x": x, "n": n, "label": label, "kind": (_DIP + kind) if kind else None}
                    for x, n, label, kind in rows]
        where, args = self._where(f, ["Visit"])
        rows = self._rows(
            "SELECT a.iri, t.n, (SELECT min(l.label) FROM actor_label l WHERE l.actor = t.actor), "
            "(SELECT min(k.kind) FROM actor_kind k WHERE k.actor = t.actor) FROM ("
            f"SELECT r.actor, count(DISTINCT e.id) AS n FROM @E@ e JOIN @R@ r ON r.event = e.id AND r.role = ? "
            f"WHERE {where} GROUP BY r.actor) t JOIN actors a ON a.id = t.actor ORDER BY t.n DESC, a.iri LIMIT ?",
            [role] + args + [int(top)])
        return [{"x": x, "n": n, "label": label, "kind": (_DIP + kind) if kind else None}
                for x, n, label, kind in rows]


def index_path(location: str | os.PathLike) -> Path:
    return Path(location) / FILE


def catch_up(location: str) -> None:
    """Rebuild the index of the embedded store at ``location`` if it lags (``kg serve`` runs this in a child)."""
    import sys
    from .embedded import EmbeddedStore
    store = EmbeddedStore(location)
    try:
        if store.catch_up_index():
            print("rebuilt the event index of the JSON API (it lagged behind the store)", file=sys.stderr)
    finally:
        store.close()


def check_index(store) -> tuple[bool, str]:
    """(ok, message): is the index of an embedded ``store`` current, and row for row what a rebuild
    gives? A lagging index is not an error (it is unused until rebuilt). Nothing is written to the store:
    the rebuild goes into a copy made from a checkpoint. For the crash trials and ``kg reindex --check``."""
    import shutil
    import tempfile
    from .embedded import EmbeddedStore
    if store.index_lags():
        return True, "the event index lags behind the store: unused until 'kg reindex' or 'kg serve' rebuilds it"
    current = store._index.dump()
    tmp = Path(tempfile.mkdtemp(prefix=".kg-reindex-check-", dir=Path(store.location).resolve().parent))
    try:
        copy = tmp / "store"
        store.checkpoint(copy)
        fresh = EmbeddedStore(str(copy))
        fresh.reindex()
        rebuilt = fresh._index.dump()
        fresh.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if current != rebuilt:
        diff = [t for t in current if current[t] != rebuilt[t]]
        return False, f"the event index differs from a rebuild in {', '.join(diff)}"
    return True, f"the event index is current and equals a rebuild ({len(current['events'])} events)"
