"""Running a user's SPARQL query: predeclared prefixes and a plain-text table for terminals."""
from __future__ import annotations

import re

from .rdf import PREFIXES
from .store import QueryResult, Store

_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


def with_prefixes(sparql: str) -> str:
    """Prepend the project's usual prefixes that the query does not declare itself."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(sparql)}
    # One line, so that the parser's line numbers in error messages stay the user's.
    header = " ".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items() if k not in declared)
    return f"{header} {sparql}" if header else sparql


def run_query(store: Store, sparql: str, result_format: str = "json") -> QueryResult:
    return store.query(with_prefixes(sparql), result_format=result_format, graph_format="turtle")


def _short(term: dict) -> str:
    v = term.get("value", "")
    if term.get("type") == "uri":
        for k, ns in PREFIXES.items():
            if v.startswith(ns):
                return f"{k}:{v[len(ns):]}"
    return v


def render_table(data: dict, max_width: int = 60) -> str:
    """SPARQL JSON results -> an aligned text table (ASK -> 'true'/'false')."""
    if "boolean" in data:
        return "true" if data["boolean"] else "false"
    cols = data["head"]["vars"]
    rows = [[_short(b[c]) if c in b else "" for c in cols] for b in data["results"]["bindings"]]
    rows = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(cols), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
