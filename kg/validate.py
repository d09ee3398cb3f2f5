"""SHACL validation of one article's data graph against shapes/dipkg.ttl.

The data graph is one article's named graph (the dip:Article, its events and their amounts) plus the
triples of every actor and place those events use, and of the countries those point to
(dip:represents, dip:country). Validation runs pyshacl with our ontology mixed in and no inference.

The shapes and the ontology are parsed once per process (and the pyshacl shapes are harvested once per
thread); :func:`validate_graph` is then cheap enough to call for every article on import
(see bench/bench_validate.py).

Files are found relative to the repository root; ``KG_SHAPES`` / ``KG_ONTOLOGY`` override the paths.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

ROOT = Path(__file__).resolve().parents[1]
RESOURCE_BASE = "https://w3id.org/dipkg/resource/"
DIP = rdflib.Namespace("https://w3id.org/dipkg/ontology#")

PREFIXES = {
    "dip": str(DIP),
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": str(RDF),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": str(XSD),
}
_EVENT_CLASSES = (DIP.Visit, DIP.Award, DIP.Agreement, DIP.TradeTarget)
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def shapes_path() -> Path:
    return Path(os.environ.get("KG_SHAPES") or ROOT / "shapes" / "dipkg.ttl")


def ontology_path() -> Path:
    return Path(os.environ.get("KG_ONTOLOGY") or ROOT / "ontology" / "dipkg.ttl")


@dataclass
class Problem:
    """One SHACL result. ``focus`` and ``path`` are full IRIs (``_:id`` for a blank node); ``value`` is the
    offending value in Turtle notation (``"XYZ"``, ``dip:Signed``) or None."""

    focus: str
    path: str | None
    message: str
    value: str | None
    severity: str
    focus_type: str | None = None  # "Visit", "Country", ... (the node's dip:/schema: class), if typed
    shape: str | None = None       # the shape that failed, e.g. "dipsh:Visit-visitor-count"


@dataclass
class Report:
    conforms: bool
    problems: list[Problem] = field(default_factory=list)

    def text(self, article_id: str | None = None) -> str:
        """A readable report, one line per problem:
        ``article seed-x: event <event/...-3> (Visit): dip:visitor: Visit needs exactly one ...``"""
        head = f"article {article_id}" if article_id else "graph"
        if not self.problems:
            return f"{head}: conforms" if self.conforms else f"{head}: does not conform (no details)"
        lines = [f"{head}: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"]
        for p in self.problems:
            parts = [f"{head}: {_describe_node(p.focus, p.focus_type)}"]
            if p.path:
                parts.append(_compact(p.path))
            msg = p.message
            if p.value is not None:
                msg += f" (found {p.value})"
            if p.severity != "Violation":
                msg = f"[{p.severity}] {msg}"
            parts.append(msg)
            lines.append(": ".join(parts))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri[len(ns):] and "/" not in iri[len(ns):]:
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(RESOURCE_BASE):
        return f"<{iri[len(RESOURCE_BASE):]}>"
    return iri if iri.startswith("_:") else f"<{iri}>"


def _describe_node(focus: str, focus_type: str | None) -> str:
    kind = "node"
    rel = focus[len(RESOURCE_BASE):] if focus.startswith(RESOURCE_BASE) else None
    if rel:
        first = rel.split("/", 1)[0]
        kind = {"event": "event", "article": "article", "country": "country", "person": "person",
                "place": "place", "organization": "organization"}.get(first, "node")
        if first == "event" and rel.endswith("/amount"):
            kind = "amount"
    node = _compact(focus)
    return f"{kind} {node} ({focus_type})" if focus_type else f"{kind} {node}"


# --------------------------------------------------------------------------- loading (once per process)

_lock = threading.Lock()
_graphs: tuple[rdflib.Graph, rdflib.Graph] | None = None
_local = threading.local()


def _load() -> tuple[rdflib.Graph, rdflib.Graph]:
    """(shapes, ontology), parsed once per process."""
    global _graphs
    if _graphs is None:
        with _lock:
            if _graphs is None:
                shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
                ont = rdflib.Graph().parse(ontology_path(), format="turtle")
                _graphs = (shapes, ont)
    return _graphs


def reload() -> None:
    """Forget the cached shapes/ontology (after editing them or changing KG_SHAPES / KG_ONTOLOGY)."""
    global _graphs
    with _lock:
        _graphs = None
        _local.__dict__.clear()


def _validator(data: "DataGraph"):  # noqa: F821 - pyshacl type
    """A pyshacl Validator for ``data``, reusing this thread's harvested shapes.

    pyshacl.validate() re-harvests every shape from the shapes graph on each call; building one
    Validator per thread and swapping its data graph skips that. The state pyshacl keeps per run
    (target graph, pre_inferenced, inplace) is reset each time; see NOTES-measured.md.
    """
    from pyshacl import Validator

    shapes, ont = _load()
    v = getattr(_local, "validator", None)
    if v is None or getattr(_local, "graphs", None) is not _graphs:
        v = Validator(data, shacl_graph=shapes, ont_graph=ont,
                      options={"inference": "none", "advanced": False, "allow_warnings": False})
        _local.validator, _local.graphs = v, _graphs
    v.data_graph = data
    v.data_graph_is_multigraph = data.is_multigraph()
    v._target_graph = None
    v.pre_inferenced = False
    v.inplace = False
    v.options["inplace"] = False
    return v


# --------------------------------------------------------------------------- validation

def _plain_strings(data: rdflib.Graph) -> rdflib.Graph:
    """``data``, with ``"x"^^xsd:string`` literals made plain ``"x"`` (as oxrdflib/pyoxigraph return them),
    which rdflib does not treat as equal and which would fail the sh:in code lists. Copies only if needed."""
    if not any(isinstance(o, Literal) and o.datatype == XSD.string for o in data.objects()):
        return data
    g = rdflib.Graph()
    for s, p, o in data:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        g.add((s, p, o))
    return g


def validate_graph(data: rdflib.Graph) -> Report:
    """Validate one article's data graph (see the module docstring) against the shapes.

    ``data`` is not modified. A Dataset / ConjunctiveGraph is validated as the union of its graphs.
    """
    from pyshacl.graph_abstraction import DataGraph

    if isinstance(data, rdflib.Dataset):
        union = rdflib.Graph()
        for s, p, o, _g in data.quads((None, None, None, None)):
            union.add((s, p, o))
        data = union
    data = _plain_strings(data)
    v = _validator(DataGraph.from_rdflib(data))
    conforms, results, _text = v.run()
    return _report(bool(conforms), results, data)


def _n3(node, graph: rdflib.Graph) -> str:
    if isinstance(node, URIRef):
        return _compact(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3(graph.namespace_manager) if node.datatype or node.language else f'"{node}"'
    return str(node)


def _node_type(node, data: rdflib.Graph) -> str | None:
    types = sorted(str(t) for t in data.objects(node, RDF.type) if isinstance(t, URIRef))
    if not types:
        return None
    event = [t for t in types if URIRef(t) in _EVENT_CLASSES]
    local = [t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in (event or types)]
    return "/".join(local)


def _report(conforms: bool, results: rdflib.Graph, data: rdflib.Graph) -> Report:
    problems = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        messages = [str(m) for m in results.objects(r, SH.resultMessage)]
        # a SPARQL constraint is named by its sh:sourceConstraint; everything else by its shape
        shape = results.value(r, SH.sourceConstraint)
        if not isinstance(shape, URIRef):
            shape = results.value(r, SH.sourceShape)
        severity = _SEVERITY.get(results.value(r, SH.resultSeverity), "Violation")
        problems.append(Problem(
            focus=f"_:{focus}" if isinstance(focus, BNode) else str(focus),
            path=str(path) if isinstance(path, URIRef) else (None if path is None else "(complex path)"),
            message="; ".join(sorted(messages)) or "constraint violated",
            value=None if value is None else _n3(value, data),
            severity=severity,
            focus_type=_node_type(focus, data) if focus is not None else None,
            shape=(_shape_name(shape) if isinstance(shape, URIRef) else None),
        ))
    problems.sort(key=lambda p: (p.focus, p.path or "", p.message, p.value or ""))
    return Report(conforms=conforms, problems=problems)


def _shape_name(shape: URIRef) -> str:
    s = str(shape)
    ns = "https://w3id.org/dipkg/shapes#"
    return f"dipsh:{s[len(ns):]}" if s.startswith(ns) else s
