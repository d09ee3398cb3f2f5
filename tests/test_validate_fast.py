"""kg.validate's reuse of pyshacl (compiled constraint components, no result texts, only targeted shapes
at the top level, only the reachable ontology axioms) gives the same reports as pyshacl used plainly.

The reference below is how kg.validate ran before: a fresh pyshacl Validator per graph, every ontology
axiom mixed in, every shape at the top level, pyshacl's own constraint components and texts. Both are
run on every case of tests/test_shapes.py (the seed article, each broken variant, each valid variant,
typed strings) and must agree on conforms and on every problem (focus, path, message, value, severity,
shape), so that the readable report is the same line for line.
"""
from __future__ import annotations

import rdflib
import pytest
from pyshacl import Validator

from kg import validate as kv

import test_shapes as ts


def reference_report(data: rdflib.Graph) -> kv.Report:
    """pyshacl as it comes: a new Validator (not one of kg.validate's), all axioms, all shapes."""
    loaded = kv._load()
    work = rdflib.Graph()
    for s, p, o in data:
        if type(o) is rdflib.Literal and o.datatype == rdflib.XSD.string:
            o = rdflib.Literal(str(o))
        work.add((s, p, o))
    for t in loaded.axioms:
        work.add(t)
    shapes = rdflib.Graph()
    for t in loaded.shapes:
        shapes.add(t)
    v = Validator(kv._DataGraph(work.store, impl=work), shacl_graph=shapes, ont_graph=None,
                  options={"inference": "none", "advanced": False, "inplace": True})
    assert id(v.shacl_graph) not in kv._compiled_graphs
    conforms, results, _text = v.run()
    assert _text, "the reference keeps pyshacl's result texts"
    return kv._report(bool(conforms), results, work)


def _valid_variants() -> list[tuple[str, str]]:
    marks = [m for m in ts.test_valid_variants_conform.pytestmark if m.name == "parametrize"]
    return list(marks[0].args[1])


def _typed_seed() -> rdflib.Graph:
    typed = rdflib.Graph()
    for s, p, o in ts.seed_graph():
        if isinstance(o, rdflib.Literal) and o.datatype is None and o.language is None:
            o = rdflib.Literal(str(o), datatype=ts.XSD_STRING)
        typed.add((s, p, o))
    return typed


GRAPHS = ([("seed", ts.seed_graph), ("typed-strings", _typed_seed)]
          + [(c[0], (lambda c=c: ts.mutate(c[1], c[2]))) for c in ts.CASES]
          + [(f"valid-{i}", (lambda r=r, a=a: ts.mutate(r, a))) for i, (r, a) in enumerate(_valid_variants())])


@pytest.mark.parametrize("name,build", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_same_report_as_plain_pyshacl(name, build):
    g = build()                      # one parse: blank-node ids must match
    fast = kv.validate_graph(g)
    ref = reference_report(g)
    assert fast.conforms == ref.conforms, (fast.text(name), ref.text(name))
    assert fast.problems == ref.problems
    assert fast.text(name) == ref.text(name)


def test_cases_cover_failures_and_passes():
    """The comparison above is not vacuous: it sees both answers, and reports with several problems."""
    reports = [kv.validate_graph(build()) for _, build in GRAPHS]
    assert sum(r.conforms for r in reports) >= len(_valid_variants()) + 2
    assert sum(not r.conforms for r in reports) == len(ts.CASES)
    assert max(len(r.problems) for r in reports) >= 2


def test_reused_validator_answers_each_graph_afresh():
    """Compiled components hold no state of a previous data graph: bad, good, bad in one thread."""
    bad = ts.mutate(f"{ts.VISIT} dip:visitor <person/narendra-modi> .", "")
    for _ in range(3):
        assert kv.validate_graph(bad).problems == reference_report(bad).problems
        assert kv.validate_graph(ts.seed_graph()).conforms


def test_only_targeted_shapes_run_at_the_top_level():
    kv.validate_graph(ts.seed_graph())
    used = kv._local.validator.options["use_shapes"]
    assert "https://w3id.org/dipkg/shapes#VisitShape" in used
    assert not any(u.endswith("Visit-visitor-count") for u in used)   # reached through sh:property
