"""SHACL validation of one article's data graph against shapes/dipkg.ttl.

The data graph is one article's named graph (the dip:Article, its events and their amounts) plus the
triples of every actor and place those events use, and of the countries those point to
(dip:represents, dip:country). Validation runs pyshacl with our ontology mixed in and no inference.

The shapes and the ontology are parsed once per process (and the pyshacl shapes are harvested once per
thread); :func:`validate_graph` is then cheap enough to call for every article on import
(see bench/bench_validate.py).

The two files live at the top level of the repository (``shapes/``, ``ontology/``) and travel in the
wheel as ``kg/resources/shapes/`` and ``kg/resources/ontology/`` (pyproject.toml maps the directories into
the package). :func:`shapes_path` / :func:`ontology_path` look in the package first, through
importlib.resources, then at the top level of a checkout; :func:`configure` (from the settings'
``KG_SHAPES`` / ``KG_ONTOLOGY``) overrides both.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import rdflib
from rdflib import BNode, Literal, URIRef
import pyshacl.shape
import pyshacl.shapes_graph
from pyshacl import Validator
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.constraint_component import ConstraintComponent
from pyshacl.graph_abstraction import RdfLibDataGraph
from rdflib.namespace import RDF, SH, XSD
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.plugins.sparql import prepareQuery

from .rdf import PREFIXES as RDF_PREFIXES

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

ROOT = Path(__file__).resolve().parents[1]  # the checkout, when kg is not installed from a wheel
RESOURCE_BASE = "https://w3id.org/dipkg/resource/"
DIP = rdflib.Namespace("https://w3id.org/dipkg/ontology#")

PREFIXES = {**RDF_PREFIXES, "rdf": str(RDF)}   # kg.rdf.PREFIXES, plus rdf: for the shapes' messages
_EVENT_CLASSES = (DIP.Visit, DIP.Award, DIP.Agreement, DIP.TradeTarget)
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def _resource(kind: str) -> Traversable:
    """``<kind>/dipkg.ttl``: from the installed package (kg/resources/<kind>/, where the wheel puts it), else
    from the top level of the checkout this module runs from (where the design keeps it)."""
    packaged = resources.files("kg") / "resources" / kind / "dipkg.ttl"
    return packaged if packaged.is_file() else ROOT / kind / "dipkg.ttl"


# Files configured for this process (kg.settings: KG_SHAPES / KG_ONTOLOGY, given to configure()); None = packaged.
_configured: dict[str, str | None] = {"shapes": None, "ontology": None}


def configure(shapes: str | os.PathLike | None = None, ontology: str | os.PathLike | None = None) -> None:
    """Validate against these files from now on in this process (None: the packaged ones).

    Called once by whoever built the :class:`kg.settings.Settings` (the CLI, create_app); batch
    workers are given the same paths (:func:`configured`). The parsed files are cached, so a
    change of paths drops the cache.
    """
    new = {"shapes": None if shapes is None else str(shapes), "ontology": None if ontology is None else str(ontology)}
    if new != _configured:
        _configured.update(new)
        reload()


def configured() -> tuple[str | None, str | None]:
    """(shapes, ontology) as given to :func:`configure`, to hand to another process."""
    return _configured["shapes"], _configured["ontology"]


def shapes_path() -> Traversable:
    """The SHACL shapes file: the one :func:`configure` was given, else the packaged ``shapes/dipkg.ttl``."""
    return Path(_configured["shapes"]) if _configured["shapes"] else _resource("shapes")


def ontology_path() -> Traversable:
    """The ontology file: the one :func:`configure` was given, else the packaged ``ontology/dipkg.ttl``."""
    return Path(_configured["ontology"]) if _configured["ontology"] else _resource("ontology")


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

    def to_json(self) -> dict:
        """The problem as JSON for HTTP clients (unset fields left out)."""
        d = {k: getattr(self, k) for k in ("focus", "focus_type", "path", "message", "value", "severity", "shape")}
        return {k: v for k, v in d.items() if v is not None}

    def line(self) -> str:
        """``event <event/...> (Visit): dip:visitor: <message> (found <value>)``: one line of Report.text."""
        parts = [_describe_node(self.focus, self.focus_type)]
        if self.path:
            parts.append(_compact(self.path))
        msg = self.message
        if self.value is not None:
            msg += f" (found {self.value})"
        if self.severity != "Violation":
            msg = f"[{self.severity}] {msg}"
        parts.append(msg)
        return ": ".join(parts)


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
        lines += [f"{head}: {p.line()}" for p in self.problems]
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

# The ontology triples mixed into every data graph. With inference "none" pyshacl only ever reads
# rdf:type / rdfs:subClassOf from the data graph (sh:class follows rdfs:subClassOf*), so these axioms are
# what "mixing the ontology in" amounts to. Mixing them ourselves costs ~0.1 ms; pyshacl's own
# ont_graph inoculation copied every list, union and individual of the ontology per article (~40 ms CPU).
_AXIOMS = (
    rdflib.RDFS.subClassOf, rdflib.RDFS.subPropertyOf, rdflib.OWL.equivalentClass, rdflib.OWL.equivalentProperty,
)

_lock = threading.Lock()
_loaded: "_Loaded | None" = None
_local = threading.local()


@dataclass(frozen=True)
class _Loaded:
    shapes: rdflib.Graph
    ontology: rdflib.Graph
    axioms: tuple  # the ontology triples mixed into each data graph
    axioms_about: dict  # subject -> its axioms (a working copy takes those of the nodes it can reach)


def _load() -> _Loaded:
    """Shapes and ontology, parsed once per process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                # read_bytes(): a Traversable need not be a file on disk (a zipped install)
                shapes = rdflib.Graph(store=SimpleMemory()).parse(data=shapes_path().read_bytes(), format="turtle")
                ont = rdflib.Graph().parse(data=ontology_path().read_bytes(), format="turtle")
                named = (URIRef,)
                axioms = [(s, p, o) for p in _AXIOMS for s, o in ont.subject_objects(p)
                          if isinstance(s, named) and isinstance(o, named)]
                # rdf:type of named classes, properties and individuals (e.g. dip:Occurred a dip:Status)
                axioms += [(s, RDF.type, o) for s, o in ont.subject_objects(RDF.type)
                           if isinstance(s, URIRef) and isinstance(o, URIRef)]
                about: dict = {}
                for t in axioms:
                    about.setdefault(t[0], []).append(t)
                _loaded = _Loaded(shapes, ont, tuple(axioms), about)
    return _loaded


def reload() -> None:
    """Forget the cached shapes/ontology (after editing them; configure() calls it on a change of paths)."""
    global _loaded
    with _lock:
        _loaded = None
        _local.__dict__.clear()
        _compiled_graphs.clear()
        _components.clear()
        _sg_memo.clear()


_prepared: dict[str, object] = {}  # SPARQL text -> prepared query (shared by threads)
# rdflib's SPARQL parser (a module-level pyparsing grammar) is not thread-safe: two threads parsing at
# once corrupt each other's parse actions (TypeError: Param.postParse2() ... in POST /articles under load).
_prepare_lock = threading.Lock()


class _DataGraph(RdfLibDataGraph):
    """A pyshacl data graph whose SPARQL queries are parsed once per process.

    pyshacl hands rdflib the same query text for every article (the focus node goes in initBindings);
    rdflib would re-parse it on each call, ~50 ms for the date-order constraint.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            q = _prepared.get(query_object)
            if q is None:
                with _prepare_lock:
                    q = _prepared.get(query_object)
                    if q is None:
                        q = _prepared[query_object] = prepareQuery(query_object)
            query_object = q
        return super().query(query_object, *args, **kwargs)


# --------------------------------------------------------------------------- compiled shapes
# Profiled on the seed-like article (bench/bench_validate.py, cProfile): pyshacl re-builds every constraint
# component from the shapes graph on each validation (an sh:in component re-reads its whole RDF list, 249
# country codes, every time: 30% of the CPU), and looks up each shape's parameters in a *list* of the ~35
# SHACL parameters with rdflib's Python-level __eq__ (another 20%); and it writes a text description of
# every result, including the failing branches of each sh:or that it then throws away (a date that is an
# xsd:gYearMonth fails the xsd:date branch), serialising blank-node shapes to do so (25% of what was left).
# The components depend on the shapes
# graph only, never on the data, so for the shapes graphs of our own validators they are built once and
# reused, the parameter list gets set membership, and no text is written (the report below is built
# from the results graph, which is unchanged). Shapes of any other pyshacl Validator in the process
# (the cross-check in tests/test_validate_fast.py, bench --compare) are evaluated exactly as pyshacl does.

class _ParameterList(list):
    """pyshacl's list of constraint parameters with set membership (it is only ever iterated and tested)."""

    def __init__(self, items):
        super().__init__(items)
        self._set = frozenset(self)

    def __contains__(self, item) -> bool:
        return item in self._set


_compiled_graphs: set[int] = set()   # id() of the pyshacl ShapesGraphs whose components are reused
_components: dict[tuple, tuple] = {}  # (component class, id(shape)) -> (shape, component); the shape pins the id


def _reusing(cls):
    """pyshacl's ``constraint_map[p](shape)`` for component class ``cls``, built once per shape of ours."""
    def make(shape):
        if id(shape.sg) not in _compiled_graphs:
            return cls(shape)
        key = (cls, id(shape))
        hit = _components.get(key)
        if hit is None:
            hit = _components[key] = (shape, cls(shape))
        return hit[1]
    make.__name__ = f"reused_{cls.__name__}"
    return make


_describe = ConstraintComponent.make_v_result_description


def _no_description(self, *args, **kwargs) -> str:
    """pyshacl's text for one result: skipped for our shapes, whose report comes from the results graph."""
    if id(self.shape.sg) in _compiled_graphs:
        return ""
    return _describe(self, *args, **kwargs)


# Profiled again (issue 12, second round): on every run, each of the ~235 shape evaluations per article reads
# the shape's own triples from the shapes graph (``sg.predicate_objects(shape)`` to find its constraint
# parameters, ``sg.objects`` for its messages and paths: 16% of the CPU, through rdflib's Python-level
# indexes) and formats the shape's name for debug logs that are off (``str(shape)``, 5%). Neither depends on
# the data, and our shapes graphs are not changed after they are loaded, so for them both are read once.
_sg_memo: dict[tuple, tuple] = {}   # (id(shapes graph), method, args) -> its answer, for our shapes graphs
_sg_predicate_objects = pyshacl.shapes_graph.ShapesGraph.predicate_objects
_sg_objects = pyshacl.shapes_graph.ShapesGraph.objects
_shape_str = pyshacl.shape.Shape.__str__


def _memo_predicate_objects(self, s):
    """ShapesGraph.predicate_objects, read once per node of our shapes graphs."""
    if id(self) not in _compiled_graphs or s is None:
        return _sg_predicate_objects(self, s)
    key = (id(self), 0, s)
    hit = _sg_memo.get(key)
    if hit is None:
        hit = _sg_memo[key] = tuple(_sg_predicate_objects(self, s))
    return iter(hit)


def _memo_objects(self, s, p):
    """ShapesGraph.objects, read once per (node, predicate) of our shapes graphs."""
    if id(self) not in _compiled_graphs or s is None or p is None:
        return _sg_objects(self, s, p)
    key = (id(self), 1, s, p)
    hit = _sg_memo.get(key)
    if hit is None:
        hit = _sg_memo[key] = tuple(_sg_objects(self, s, p))
    return iter(hit)


def _memo_str(self) -> str:
    """Shape.__str__ (only ever formatted into debug messages), once per shape of ours."""
    if id(self.sg) not in _compiled_graphs:
        return _shape_str(self)
    key = (id(self.sg), 2, id(self))
    hit = _sg_memo.get(key)
    if hit is None:   # Shape has __slots__: kept here, with the shape itself to pin its id
        hit = _sg_memo[key] = (self, _shape_str(self))
    return hit[1]


def _install_compiled_constraints() -> None:
    """Point pyshacl.shape at the reusing constraint map (the lazy module attribute it reads on every run),
    skip result texts for our shapes, and read their shapes graphs once."""
    params = _ParameterList(ALL_CONSTRAINT_PARAMETERS)
    pyshacl.shape.CONSTRAINT_PARAMS = (params, {p: _reusing(c) for p, c in CONSTRAINT_PARAMETERS_MAP.items()})
    ConstraintComponent.make_v_result_description = _no_description
    pyshacl.shapes_graph.ShapesGraph.predicate_objects = _memo_predicate_objects
    pyshacl.shapes_graph.ShapesGraph.objects = _memo_objects
    pyshacl.shape.Shape.__str__ = _memo_str


_install_compiled_constraints()


def _targeted_shapes(v: Validator) -> list[str]:
    """The IRIs of the shapes that declare targets: the only ones that can have focus nodes of their own.

    pyshacl otherwise computes the targets of all ~100 shapes per article, property shapes included,
    which our shapes reach only through sh:property (18% of the time). Shapes without targets are still
    checked, through the shapes that point to them, exactly as before. A blank-node shape with targets
    (none in shapes/dipkg.ttl) cannot be named here, so then every shape runs as before.
    """
    named = []
    for shape in v.shacl_graph.shapes:
        if any(any(True for _ in part) for part in shape.target()):
            if not isinstance(shape.node, URIRef):
                return []
            named.append(str(shape.node))
    return named


def _validator(data):
    """This thread's pyshacl Validator, pointed at ``data``.

    pyshacl.validate() re-harvests every shape from the shapes graph on each call; one Validator per
    thread keeps the harvested shapes. The per-run state pyshacl keeps on the Validator (target graph,
    pre_inferenced, inplace) is reset each time; see NOTES-measured.md.
    """
    loaded = _load()
    v = getattr(_local, "validator", None)
    if v is None or getattr(_local, "loaded", None) is not loaded:
        v = Validator(data, shacl_graph=loaded.shapes, ont_graph=None,
                      options={"inference": "none", "advanced": False, "inplace": True})
        _compiled_graphs.add(id(v.shacl_graph))
        v.options["use_shapes"] = _targeted_shapes(v)
        _local.validator, _local.loaded = v, loaded
    v.data_graph = data
    v.data_graph_is_multigraph = False
    v._target_graph = None
    v.pre_inferenced = False
    v.inplace = True
    return v


# --------------------------------------------------------------------------- validation

def _working_copy(data: rdflib.Graph, about: dict) -> rdflib.Graph:
    """A private copy of ``data`` (a Graph, or the union of a Dataset's graphs) plus the ontology axioms
    it can reach.

    Plain strings typed ``"x"^^xsd:string`` (as oxrdflib/pyoxigraph return them) become plain ``"x"``:
    rdflib does not treat the two as equal, and the sh:in code lists would reject them.

    The axioms mixed in are those about a node of the data (subject or object: dip:Visit's
    rdfs:subClassOf, dip:Occurred's rdf:type) and, transitively, about the nodes those axioms name (the
    superclasses). pyshacl only reaches ontology triples from the data's nodes (sh:class and
    sh:targetClass follow rdf:type, then rdfs:subClassOf), so the other ~120 of the 163 axioms (types of
    the properties, of statuses the article does not use) could not change a result; adding them was
    a fifth of the validation time.
    """
    g = rdflib.Graph(bind_namespaces="none")  # binding rdflib's ~30 default prefixes per article cost ~10%
    triples = (q[:3] for q in data.quads((None, None, None, None))) if isinstance(data, rdflib.Dataset) else data
    add = g.add
    todo = []
    for s, p, o in triples:
        if type(o) is Literal and o.datatype == XSD.string:
            o = Literal(str(o))
        add((s, p, o))
        todo.append(s)
        todo.append(o)
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in about.get(node, ()):
            add(t)
            todo.append(t[2])
    return g


def validate_graph(data: rdflib.Graph) -> Report:
    """Validate one article's data graph (see the module docstring) against the shapes.

    ``data`` is not modified. A Dataset / ConjunctiveGraph is validated as the union of its graphs.
    """
    loaded = _load()
    work = _working_copy(data, loaded.axioms_about)
    conforms, results, _text = _validator(_DataGraph(work.store, impl=work)).run()
    return _report(bool(conforms), results, work)


# Values in reports are written with rdflib's default prefixes (xsd:date, ...): the working copy binds none.
_NAMES = rdflib.Graph().namespace_manager


def _n3(node) -> str:
    if isinstance(node, URIRef):
        return _compact(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3(_NAMES) if node.datatype or node.language else f'"{node}"'
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
            value=None if value is None else _n3(value),
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
