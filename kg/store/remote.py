"""The remote backend: an existing SPARQL 1.1 engine, spoken to over HTTP.

``kg --store http://HOST:PORT/PATH`` names the engine's SPARQL *query*
endpoint. The *update* and *Graph Store Protocol* endpoints are derived from it
per engine unless given (``--update-url``, ``--graph-store-url``):

=====================  =============================  ==============================================
query endpoint         update endpoint                Graph Store endpoint
=====================  =============================  ==============================================
Oxigraph ``/query``    ``/update``                    ``/store``
Virtuoso ``/sparql``   same URL (``/sparql-auth``     ``/sparql-graph-crud``
                       with credentials)              (``/sparql-graph-crud-auth`` with credentials)
Fuseki ``/DS/query``   ``/DS/update``                 ``/DS/data``
GraphDB                ``/repositories/R/statements`` ``/repositories/R/rdf-graphs/service``
``/repositories/R``
anything else          same URL                       none (reads use the query endpoint)
=====================  =============================  ==============================================

Credentials (``--store-user``/``--store-password``) are sent with HTTP basic
auth; a 401 answer switches to digest auth (Virtuoso's ``/sparql-auth``
accepts digest only) and the store remembers the choice.

Writes: an article replace is ONE update request (``DROP SILENT GRAPH``, the
relabelling of its actors, ``INSERT DATA``), after one query that reads the
labels the engine holds for those actors (kg.rdf.settle_labels picks each
actor's label among all its spellings). Oxigraph and Virtuoso run one request as one transaction, so
a failure of the engine or the network midway leaves either the old article or
the new one, never a mix. Batches are split into several requests when an
engine limits the size of one update (Virtuoso's SQL text limit), but an
article is never split.

Reads: the default graph must be the union of all graphs (dipkg queries are
written that way). Virtuoso's default graph already is; for Oxigraph the store
sends ``union-default-graph`` with every query (``oxigraph serve
--union-default-graph`` does the same for other clients). Export, stats and
the article list only see dipkg's graphs (article graphs and the actor graph),
not an engine's system graphs.
"""
from __future__ import annotations

import io
import json
import re
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth
from rdflib import Graph

from ..rdf import ACTORS_GRAPH, BASE, PREFIXES, SCHEMA
from .base import (DATASET_FORMATS, OX_RDF_FORMATS, OX_RESULT_FORMATS, PREFIX_HEADER, RDF_FORMATS, RESULT_FORMATS, QueryResult, Store,
                   StoreError, StoreRejected, StoreUnavailable, labelled_actors, prepare_updates, replace_articles_update, settle_batch_labels,
                   with_resolution)
from .resolution import EVENTS_GRAPH, resolution_update
from .terms import iri, triple_lines

ARTICLE_GRAPH_PREFIX = f"{BASE}article/"

_OX_RESULTS = OX_RESULT_FORMATS
_OX_RDF = OX_RDF_FORMATS
_MEDIA_TO_OX_RDF = {m: _OX_RDF[k] for k, m in RDF_FORMATS.items()}
_MEDIA_TO_OX_RDF.update({"application/x-turtle": ox.RdfFormat.TURTLE, "text/plain": ox.RdfFormat.N_TRIPLES,
                         "text/rdf+n3": ox.RdfFormat.TURTLE, "text/n3": ox.RdfFormat.N3,
                         "application/xml": ox.RdfFormat.RDF_XML})
_MEDIA_TO_OX_RESULTS = {m: _OX_RESULTS[k] for k, m in RESULT_FORMATS.items()}
_MEDIA_TO_OX_RESULTS["application/json"] = ox.QueryResultsFormat.JSON
_PREFIXES = PREFIXES

_IRI_OR_COMMENT = re.compile(r"<[^<>\s]*>|#[^\n]*")
_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)

# Rows per request when reading quads: below Virtuoso's default ResultSetMaxRows (10000), so that an
# engine left with its default cannot truncate an export silently.
PAGE_ROWS = 9000


def query_kind(sparql: str) -> str | None:
    """'select', 'ask' or 'graph' from the query form (None when it cannot tell)."""
    m = _QUERY_FORM.search(_IRI_OR_COMMENT.sub(" ", sparql))
    if not m:
        return None
    form = m.group(1).upper()
    return {"SELECT": "select", "ASK": "ask"}.get(form, "graph")


def detect_engine(url: str) -> str:
    """A guess from the endpoint URL: 'oxigraph', 'virtuoso', 'fuseki', 'graphdb', 'neptune' or 'generic'.

    The ``engine`` option (``KG_STORE_ENGINE``, see kg.settings) overrides it; a 'virtuoso' guess is confirmed from the
    engine's Server header before any Virtuoso-only syntax is sent.
    """
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if "neptune.amazonaws.com" in (parts.hostname or ""):
        return "neptune"
    if path == "/query":
        return "oxigraph"
    if path in ("/sparql", "/sparql-auth"):
        return "virtuoso"
    if re.fullmatch(r"/[^/]+/(query|sparql)", path):
        return "fuseki"
    if re.fullmatch(r"(/.*)?/repositories/[^/]+", path):
        return "graphdb"
    return "generic"


def _with_path(url: str, path: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, path, "", ""))


def default_endpoints(url: str, engine: str, *, authenticated: bool) -> tuple[str, str | None]:
    """(update URL, Graph Store URL or None) for a query endpoint of ``engine``."""
    path = urlsplit(url).path.rstrip("/")
    if engine == "oxigraph":
        base = path[: -len("/query")] if path.endswith("/query") else path
        return _with_path(url, base + "/update"), _with_path(url, base + "/store")
    if engine == "virtuoso":
        if authenticated:
            return _with_path(url, "/sparql-auth"), _with_path(url, "/sparql-graph-crud-auth")
        return _with_path(url, path or "/sparql"), _with_path(url, "/sparql-graph-crud")
    if engine == "fuseki":
        base = path.rsplit("/", 1)[0]
        return _with_path(url, base + "/update"), _with_path(url, base + "/data")
    if engine == "graphdb":
        return _with_path(url, path + "/statements"), _with_path(url, path + "/rdf-graphs/service")
    if engine == "neptune":
        return url, _with_path(url, "/sparql/gsp/")
    return url, None


class RemoteStore(Store):
    """A dipkg store held by a SPARQL 1.1 engine (Oxigraph server, Virtuoso, Fuseki, GraphDB, ...)."""

    is_remote = True

    # Virtuoso compiles each update to SQL. Measured on 7.2.5: one INSERT DATA op whose SQL text exceeds
    # 10000 lines is refused ("SP031": 1,000 triples pass, 1,500 fail), and each further op in a request
    # costs a lot (50 one-article ops: 2 s). With the pragma ``define sql:big-data-const 1`` constants
    # are passed as parameters: one INSERT DATA of 200 articles (15k triples) passes and 50 articles take
    # 0.2 s. Its parser still gives up on a single GRAPH block of ~5,000 triples ("SP030 memory
    # exhausted"). So for Virtuoso a batch is ONE request: the pragma, a DROP SILENT GRAPH per article,
    # then one INSERT DATA with GRAPH blocks of at most 2,000 triples, and requests stay below 1 MB.
    MAX_BLOCK_TRIPLES = {"virtuoso": 2000}
    MAX_UPDATE_BYTES = {"virtuoso": 1_000_000}
    DEFAULT_MAX_UPDATE_BYTES = 8_000_000

    def __init__(self, query_url: str, *, update_url: str | None = None, graph_store_url: str | None = None,
                 user: str | None = None, password: str | None = None, engine: str | None = None,
                 timeout: float = 300.0, connect_timeout: float = 5.0, max_update_bytes: int | None = None,
                 max_block_triples: int | None = None, union_param: bool | None = None,
                 token: str | None = None, read_only: bool = False, session: requests.Session | None = None):
        self.location = query_url
        self.read_only = read_only
        self.query_url = query_url
        self.engine = engine or detect_engine(query_url)
        self._engine_confirmed = bool(engine)
        d_update, d_gsp = default_endpoints(query_url, self.engine, authenticated=bool(user))
        self.update_url = update_url or d_update
        self.graph_store_url = graph_store_url or d_gsp
        self.timeout = (connect_timeout, timeout)
        self.max_update_bytes = max_update_bytes or self.MAX_UPDATE_BYTES.get(self.engine,
                                                                              self.DEFAULT_MAX_UPDATE_BYTES)
        self._explicit_block, self._explicit_bytes = max_block_triples, max_update_bytes
        self.max_block_triples = max_block_triples or self.MAX_BLOCK_TRIPLES.get(self.engine)
        # Oxigraph takes a per-query union-default-graph flag; other engines must be configured.
        self.union_param = (self.engine == "oxigraph") if union_param is None else union_param
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = "dipkg"
        self._user, self._password = user, password
        if user:
            self.session.auth = HTTPBasicAuth(user, password or "")
        if token:  # e.g. QLever's access token for updates
            self.session.headers["Authorization"] = f"Bearer {token}"

    @classmethod
    def from_options(cls, location: str, **options) -> RemoteStore:
        """Build from the CLI's options: update_url, graph_store_url, user, password (and any __init__ kw)."""
        known = {"update_url", "graph_store_url", "user", "password", "engine", "timeout", "connect_timeout",
                 "max_update_bytes", "max_block_triples", "union_param", "token", "session", "check",
                 "read_only"}
        unknown = set(options) - known
        if unknown:
            raise StoreError(f"option(s) {', '.join(sorted(unknown))} do not apply to a remote store {location}")
        check = options.pop("check", True)
        store = cls(location, **{k: v for k, v in options.items() if v is not None})
        if check:
            store.ping()
        return store

    def ping(self) -> None:
        """One cheap query, so that a wrong URL or a stopped engine is reported when the store is opened."""
        r = self._query_raw("ASK {}", "application/sparql-results+json, application/sparql-results+xml;q=0.5")
        media = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media not in _MEDIA_TO_OX_RESULTS:
            raise StoreError(f"{self.query_url} answered a SPARQL query with {media or 'no content type'}; "
                             "is it the query endpoint? check --store")

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, engine={self.engine!r})"

    # --- HTTP -------------------------------------------------------------------
    def _request(self, method: str, url: str, *, what: str, **kw) -> requests.Response:
        try:
            r = self.session.request(method, url, timeout=self.timeout, **kw)
            if r.status_code == 401 and isinstance(self.session.auth, HTTPBasicAuth):
                # Virtuoso's /sparql-auth (and others) take digest only: switch and remember.
                self.session.auth = HTTPDigestAuth(self._user, self._password or "")
                r = self.session.request(method, url, timeout=self.timeout, **kw)
        except requests.exceptions.ConnectionError as e:
            reason = "connection refused" if "refused" in str(e).lower() else f"connection failed ({_short(e)})"
            raise StoreUnavailable(f"cannot reach {url}: {reason}; is the engine running? check --store"
                             + (" and --update-url" if url == self.update_url != self.query_url else "")) from e
        except requests.exceptions.Timeout as e:
            raise StoreUnavailable(f"{url} did not answer {what} within {self.timeout[1]:.0f} s; the engine may be "
                             "overloaded, or the request too big") from e
        except requests.exceptions.RequestException as e:
            raise StoreUnavailable(f"request to {url} failed: {_short(e)}") from e
        if r.status_code in (401, 403):
            hint = ("pass --store-user and --store-password (env KG_STORE_USER, KG_STORE_PASSWORD)"
                    if not self._user else "check --store-user and --store-password")
            if self.engine == "virtuoso" and what == "update":
                hint += ("; Virtuoso takes updates at /sparql-auth with credentials, or at /sparql after "
                         "'GRANT SPARQL_UPDATE TO \"SPARQL\";' in isql")
            raise StoreError(f"{url} refused the {what} (HTTP {r.status_code}): {_body(r)}; {hint}")
        if r.status_code >= 400:
            if what == "update" and self.engine == "virtuoso" and "SPARQL_INSERT" in r.text \
                    and "permission" in r.text.lower():
                raise StoreError(f"{url} refused the update: {_body(r)}; pass --store-user/--store-password "
                                 "(Virtuoso's /sparql-auth) or GRANT SPARQL_UPDATE TO \"SPARQL\" in isql")
            error = StoreRejected if r.status_code < 500 else StoreError
            raise error(f"{url} rejected the {what} (HTTP {r.status_code}): {_body(r)}")
        return r

    # --- writes -------------------------------------------------------------------
    def update(self, sparql: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None) -> None:
        """Run a SPARQL Update; ``base_iri`` and ``prefixes`` are sent as BASE and PREFIX declarations."""
        if self.read_only:
            raise StoreError("this store was opened read-only")
        if prefixes:
            sparql = "".join(f"PREFIX {k}: <{v}>\n" for k, v in prefixes.items()) + sparql
        if base_iri:
            sparql = f"BASE {iri(base_iri)}\n" + sparql
        self._request("POST", self.update_url, what="update",
                      data=sparql.encode("utf-8"),
                      headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    def _blocks(self, graph_iri: str, triples) -> list[str]:
        triples = list(triples)
        n = self.max_block_triples or max(len(triples), 1)
        g = iri(graph_iri)
        return [f" GRAPH {g} {{\n{triple_lines(triples[i:i + n])}\n }}" for i in range(0, len(triples), n)]

    def batch_update(self, items: list[tuple[str, Graph, Graph]], known: dict | None = None) -> str:
        """ONE update request that replaces these articles (each whole, all in one transaction).

        ``known``: the labels the engine holds for the batch's actors (read now when not given);
        each actor's label is chosen among all its spellings (kg.rdf.settle_labels).
        """
        if known is None:
            known = self.known_labels(labelled_actors(items))
        resolution = resolution_update(self, [], items)
        if self.engine != "virtuoso" or not self._confirm_virtuoso():
            return with_resolution(replace_articles_update(items, known), resolution)
        drops = [f"DROP SILENT GRAPH {iri(a)}" for a, _, _ in items]
        all_actors, chosen = settle_batch_labels(items, known)
        blocks = [b for a, graph, _ in items for b in self._blocks(a, graph)] + \
            self._blocks(str(ACTORS_GRAPH), all_actors)
        return with_resolution("define sql:big-data-const 1\n" + " ;\n".join(drops + prepare_updates(chosen, all_actors))
                               + (" ;\nINSERT DATA {\n" + "\n".join(blocks) + "\n}" if blocks else ""), resolution)

    def bulk_pragma(self) -> str:
        """Virtuoso passes a large INSERT DATA's constants as parameters only with this pragma (see above)."""
        return "define sql:big-data-const 1\n" if self.engine == "virtuoso" and self._confirm_virtuoso() else ""

    def _confirm_virtuoso(self) -> bool:
        """Is a '/sparql' endpoint really Virtuoso (others share the path)? Asked once, from the Server header."""
        if not self._engine_confirmed:
            r = self._request("GET", self.query_url, what="query", params={"query": "ASK {}"},
                              headers={"Accept": "application/sparql-results+json"})
            self._engine_confirmed = True
            if "virtuoso" not in r.headers.get("Server", "").lower():
                self.engine = "generic"
                self.max_block_triples = self._explicit_block
                self.max_update_bytes = self._explicit_bytes or self.DEFAULT_MAX_UPDATE_BYTES
        return self.engine == "virtuoso"

    def replace_article(self, article_iri: str, graph: Graph, actors: Graph) -> None:
        self.update(self.batch_update([(article_iri, graph, actors)]))

    def replace_articles(self, items: list[tuple[str, Graph, Graph]]) -> None:
        """Several articles in as few requests as the engine takes; an article is never split."""
        if self.engine == "virtuoso":
            self._confirm_virtuoso()
        batch: list[tuple[str, Graph, Graph]] = []
        size = 0
        for it in items:
            # N-Triples of our terms run ~170 bytes a triple; an estimate is enough to bound requests. An
            # article's text (schema:text) is one triple of up to MBs: counted at its length.
            est = 200 * (len(it[1]) + len(it[2])) + 200
            est += sum(len(str(o).encode("utf-8")) for o in it[1].objects(None, SCHEMA.text))
            if batch and size + est > self.max_update_bytes:
                self.update(self.batch_update(batch))
                batch, size = [], 0
            batch.append(it)
            size += est
        if batch:
            self.update(self.batch_update(batch))

    def delete_article(self, article_iri: str) -> bool:
        existed = self.has_graph(article_iri)
        if existed:
            # SILENT: Virtuoso refuses a plain DROP of a graph that was never CREATEd explicitly.
            self.update(with_resolution(f"DROP SILENT GRAPH {iri(article_iri)}", resolution_update(self, [article_iri])))
        return existed

    # --- reads ----------------------------------------------------------------------
    def _query_raw(self, sparql: str, accept: str, default_graphs=None, named_graphs=None) -> requests.Response:
        params: list[tuple[str, str]] = []
        if default_graphs:
            params += [("default-graph-uri", g) for g in default_graphs if g != "default"]
        elif self.union_param:
            params.append(("union-default-graph", ""))
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        return self._request("POST", self.query_url, what="query", params=params,
                             data={"query": sparql}, headers={"Accept": accept})

    def query(self, sparql, *, result_format="json", graph_format="turtle",
              default_graphs=None, named_graphs=None) -> QueryResult:
        if result_format not in RESULT_FORMATS:
            raise StoreError(f"unknown result format {result_format!r}; use one of {', '.join(RESULT_FORMATS)}")
        if graph_format not in RDF_FORMATS:
            raise StoreError(f"unknown graph format {graph_format!r}; use one of {', '.join(RDF_FORMATS)}")
        gfmt = graph_format if graph_format not in ("nquads", "trig") else "ntriples"  # as the embedded store
        kind = query_kind(sparql)
        want_results, want_graph = RESULT_FORMATS[result_format], RDF_FORMATS[gfmt]
        accept = {"select": want_results, "ask": want_results, "graph": want_graph}.get(
            kind, f"{want_results}, {want_graph};q=0.9")
        if kind == "graph" and gfmt not in ("ntriples", "turtle"):
            accept += ", application/n-triples;q=0.5, text/turtle;q=0.4"  # converted below
        elif kind in ("select", "ask") and result_format != "json":
            accept += ", application/sparql-results+json;q=0.5"
        r = self._query_raw(sparql, accept, default_graphs, named_graphs)
        media = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = r.content
        if media in _MEDIA_TO_OX_RESULTS or (kind in ("select", "ask") and media not in _MEDIA_TO_OX_RDF):
            if media != want_results:
                body = self._convert_results(body, media, result_format)
            if kind is None:
                kind = "ask" if b'"boolean"' in body[:200] or b"<boolean>" in body else "select"
            return QueryResult(kind, body, want_results)
        if media != want_graph:
            body = _convert_rdf(body, media, gfmt)
        return QueryResult("graph", body, want_graph)

    @staticmethod
    def _convert_results(body: bytes, media: str, result_format: str) -> bytes:
        src = _MEDIA_TO_OX_RESULTS.get(media)
        if src is None:
            raise StoreError(f"the engine answered with {media or 'no content type'}, not SPARQL results")
        return ox.parse_query_results(body, format=src).serialize(format=_OX_RESULTS[result_format])

    def _solutions(self, sparql: str) -> ox.QuerySolutions:
        """SELECT solutions as pyoxigraph terms (exact datatypes, xsd:string literals made simple)."""
        r = self._query_raw(sparql, "application/sparql-results+json")
        return ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)

    def ask(self, sparql: str) -> bool:
        r = self._query_raw(PREFIX_HEADER + sparql, "application/sparql-results+json")
        return bool(json.loads(r.content)["boolean"])

    def has_graph(self, graph_iri: str) -> bool:
        return self.ask(f"ASK {{ GRAPH {iri(graph_iri)} {{ ?s ?p ?o }} }}")

    def _paged_select(self, sparql_body: str, order: str) -> list[dict]:
        """A SELECT read page by page (ORDER BY + LIMIT/OFFSET), so a row cap cannot truncate it."""
        rows: list[dict] = []
        offset = 0
        while True:
            page = self.select(f"{sparql_body} ORDER BY {order} LIMIT {PAGE_ROWS} OFFSET {offset}")
            rows += page
            if len(page) < PAGE_ROWS:
                return rows
            offset += PAGE_ROWS

    def article_iris(self) -> list[str]:
        return [r["a"] for r in self._paged_select(
            "SELECT DISTINCT ?a WHERE { GRAPH ?a { ?a a dip:Article } }", "?a")]

    def graph_iris(self) -> list[str]:
        """dipkg's graphs in the engine (article graphs, the actor graph, the canonical events), not system graphs."""
        return [r["g"] for r in self._paged_select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), \"{ARTICLE_GRAPH_PREFIX}\") || ?g IN (<{ACTORS_GRAPH}>, <{EVENTS_GRAPH}>)) }}", "?g")]

    def article_graph(self, article_iri: str) -> Graph:
        # Re-serialise through pyoxigraph: engines may type plain strings as xsd:string (Virtuoso keeps
        # both forms), which rdflib and pyshacl treat as different from the plain literals we write.
        g = super().article_graph(article_iri)
        nt = g.serialize(format="nt", encoding="utf-8")
        out = Graph()
        out.parse(data=ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
                                    format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
        return out

    def stats(self) -> dict[str, int]:
        out = super().stats()
        out["quads"] = self.count()  # the base counts quads in every graph, system graphs included
        return out

    # --- export -------------------------------------------------------------------------
    def quads(self, graphs: list[str] | None = None):
        """dipkg's quads (or those of ``graphs``), read in pages of at most PAGE_ROWS rows."""
        graphs = self.graph_iris() if graphs is None else list(graphs)
        # Article graphs are small: many per request; a chunk whose rows hit the page size is split.
        chunks = [graphs[i:i + 60] for i in range(0, len(graphs), 60)]
        while chunks:
            chunk = chunks.pop(0)
            values = " ".join(iri(g) for g in chunk)
            if len(chunk) > 1:
                sols = list(self._solutions(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} "
                                            f"GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {PAGE_ROWS}"))
                if len(sols) >= PAGE_ROWS:
                    half = len(chunk) // 2
                    chunks[:0] = [chunk[:half], chunk[half:]]
                    continue
                for s in sols:
                    yield ox.Quad(s["s"], s["p"], s["o"], s["g"])
                continue
            yield from self._big_graph_quads(chunk[0])

    SUBJECT_PAGE = 500

    def _big_graph_quads(self, graph_iri: str):
        """One large graph (the actors, the canonical events) read subject by subject: pages of subject IRIs
        after the last one seen (keyset, not OFFSET: Virtuoso refuses to sort more than 10,000 rows, so
        ``ORDER BY ... OFFSET 9000`` fails past the first page), then those subjects' triples; subjects
        that are blank nodes, rare here, are read in OFFSET pages."""
        g = ox.NamedNode(graph_iri)
        last = None
        while True:
            after = f"FILTER(isIRI(?s) && STR(?s) > {ox.Literal(last)})" if last else "FILTER(isIRI(?s))"
            subjects = [r["s"] for r in self._solutions(
                f"SELECT DISTINCT ?s WHERE {{ GRAPH {iri(graph_iri)} {{ ?s ?p ?o }} {after} }} "
                f"ORDER BY STR(?s) LIMIT {self.SUBJECT_PAGE}")]
            if not subjects:
                break
            values = " ".join(str(x) for x in subjects)
            for sol in self._solutions(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
                                       f"GRAPH {iri(graph_iri)} {{ ?s ?p ?o }} }}"):
                yield ox.Quad(sol["s"], sol["p"], sol["o"], g)
            if len(subjects) < self.SUBJECT_PAGE:
                break
            last = subjects[-1].value
        offset = 0
        while True:
            sols = list(self._solutions(f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri(graph_iri)} {{ ?s ?p ?o }} "
                                        f"FILTER(isBlank(?s)) }} ORDER BY ?s ?p ?o LIMIT {PAGE_ROWS} OFFSET {offset}"))
            for sol in sols:
                yield ox.Quad(sol["s"], sol["p"], sol["o"], g)
            if len(sols) < PAGE_ROWS:
                break
            offset += PAGE_ROWS

    def export(self, out: BinaryIO, fmt: str, graphs: list[str] | None = None) -> None:
        if fmt not in _OX_RDF:
            raise StoreError(f"unknown format {fmt!r}; use one of {', '.join(_OX_RDF)}")
        quads = dict.fromkeys(self.quads(graphs))
        if fmt in DATASET_FORMATS:
            ox.serialize(quads, out, format=_OX_RDF[fmt], prefixes=_PREFIXES if fmt == "trig" else None)
        else:
            seen = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            ox.serialize(seen, out, format=_OX_RDF[fmt],
                         prefixes=_PREFIXES if fmt in ("turtle", "rdfxml") else None)

    def count(self) -> int:
        """Quads in dipkg's graphs only (Virtuoso also holds system graphs)."""
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                           f"FILTER(STRSTARTS(STR(?g), \"{ARTICLE_GRAPH_PREFIX}\") || ?g IN (<{ACTORS_GRAPH}>, <{EVENTS_GRAPH}>)) }}")
        return int(rows[0]["n"]) if rows else 0

    def graph_triples(self, graph_iri: str | None) -> list[ox.Triple]:
        """One graph through the engine's Graph Store Protocol endpoint (``--graph-store-url``, or the one
        derived from --store), falling back to a paged query without one; [] for a graph it does not hold."""
        if graph_iri is None:
            return super().graph_triples(None)
        if self.graph_store_url:
            param = "graph-uri" if self.engine == "virtuoso" else "graph"
            try:
                r = self._request("GET", self.graph_store_url, what="graph read", params={param: graph_iri},
                                  headers={"Accept": "application/n-triples, text/turtle;q=0.9"})
            except StoreError as e:
                if "HTTP 404" not in str(e):
                    raise
                return []
            media = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
            fmt = _MEDIA_TO_OX_RDF.get(media, ox.RdfFormat.TURTLE)
            return list(ox.parse(r.content, format=fmt))
        return [ox.Triple(q.subject, q.predicate, q.object) for q in self.quads([graph_iri])]

    def version(self) -> str | None:
        return None  # neither Oxigraph nor Virtuoso exposes a cheap change token over HTTP

    def close(self) -> None:
        self.session.close()


def _convert_rdf(body: bytes, media: str, fmt: str) -> bytes:
    src = _MEDIA_TO_OX_RDF.get(media)
    if src is None:
        raise StoreError(f"the engine answered with {media or 'no content type'}, not an RDF format")
    triples = ox.parse(body, format=src)
    buf = io.BytesIO()
    ox.serialize(triples, buf, format=_OX_RDF[fmt], prefixes=_PREFIXES if fmt in ("turtle", "rdfxml") else None)
    return buf.getvalue()


def _short(e: Exception) -> str:
    s = str(e)
    m = re.search(r"\[Errno -?\d+\] ([^'\")]+)", s)
    return m.group(1) if m else s[:200]


def _body(r: requests.Response) -> str:
    text = r.text.strip()
    if "<html" in text[:200].lower():
        text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text)
    return text[:500] or r.reason


__all__ = ["RemoteStore", "detect_engine", "default_endpoints", "query_kind"]

