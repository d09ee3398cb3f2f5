"""A SPARQL 1.1 lexer and the few checks the service makes before a query runs.

pyoxigraph parses and runs the query itself (and gives the syntax errors); it exposes no
algebra, so what the service must know *before* running it (the query form, SERVICE, LOAD,
FROM / FROM NAMED, the USING clauses of an update) comes from a token stream built with the
terminals of the SPARQL 1.1 grammar. Strings (all four quote forms, with escapes), IRIs,
prefixed names, variables and comments are whole tokens, so a keyword hidden in a string
literal, an IRI, a variable name (``?service``), a prefixed name (``ex:SERVICE``) or a
comment is never mistaken for the keyword, and a keyword split by a comment
(``SERV#x\\nICE``) is two words, which the parser rejects anyway.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

_PN_CHARS_BASE = "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D" \
                 "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_PN_CHARS = _PN_CHARS_BASE + "_0-9\\-\u00B7\u0300-\u036F\u203F-\u2040"

_TOKEN = re.compile(r"""
  (?P<ws>\s+)
| (?P<comment>\#[^\r\n]*)
| (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
            |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<var>[?$][""" + _PN_CHARS + r"""]+)
| (?P<bnode>_:[""" + _PN_CHARS + r""".]*)
| (?P<pname>(?:[""" + _PN_CHARS_BASE + r"""](?:[""" + _PN_CHARS + r""".]*[""" + _PN_CHARS + r"""])?)?
            :(?:[""" + _PN_CHARS + r""":%\\.]*(?<!\.))?)
| (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
| (?P<word>[A-Za-z_][A-Za-z0-9_]*)
| (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
| (?P<punct>\^\^|\|\||&&|!=|<=|>=|.)
""", re.VERBOSE | re.DOTALL)

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass
class Token:
    kind: str
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokens(sparql: str) -> list[Token]:
    """Significant tokens (no whitespace, no comments) with their offsets."""
    out = []
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        out.append(Token(kind, m.group(), m.start()))
    return out


class ScanError(ValueError):
    """A request the service refuses (SERVICE, LOAD, a remote FROM...); the message says why."""


@dataclass
class Scan:
    form: str | None = None                # SELECT / ASK / CONSTRUCT / DESCRIBE, or None
    service: bool = False
    load: bool = False
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    using: list[str] = field(default_factory=list)          # USING and USING NAMED graphs of an update
    written: set[str] = field(default_factory=set)          # graphs an update names after GRAPH/INTO/WITH/TO/CREATE
    prefixes: dict[str, str] = field(default_factory=dict)
    toks: list[Token] = field(default_factory=list)
    depth: int = 0                         # deepest nesting of { ( [ (the engine overflows its stack ~5000)


def _resolve(tok: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if tok.kind == "iri":
        iri = tok.text[1:-1]
        return urljoin(base, iri) if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) else iri
    if tok.kind == "pname":
        pfx, _, local = tok.text.partition(":")
        if pfx in prefixes:
            return prefixes[pfx] + re.sub(r"\\(.)", r"\1", local)
    return None


def scan(sparql: str, default_prefixes: dict[str, str] | None = None, base: str | None = None) -> Scan:
    toks = tokens(sparql)
    s = Scan(prefixes=dict(default_prefixes or {}), toks=toks)
    level = 0
    for t in toks:
        if t.kind == "punct":
            if t.text in "{([":
                level += 1
                s.depth = max(s.depth, level)
            elif t.text in "})]":
                level -= 1
    for i, t in enumerate(toks):
        if t.kind != "word":
            continue
        u = t.upper
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if u == "PREFIX" and nxt is not None and nxt.kind == "pname" and i + 2 < len(toks) \
                and toks[i + 2].kind == "iri":
            s.prefixes[nxt.text.split(":", 1)[0]] = _resolve(toks[i + 2], {}, base) or ""
        elif u == "BASE" and nxt is not None and nxt.kind == "iri":
            base = _resolve(nxt, {}, base)
        elif u in QUERY_FORMS and s.form is None:
            s.form = u
        elif u == "SERVICE":
            s.service = True
        elif u == "LOAD":
            s.load = True
        elif u in ("FROM", "USING") and nxt is not None:
            named = nxt.kind == "word" and nxt.upper == "NAMED"
            target = toks[i + 2] if named and i + 2 < len(toks) else nxt
            iri = _resolve(target, s.prefixes, base)
            if iri is not None:
                (s.using if u == "USING" else s.from_named if named else s.from_graphs).append(iri)
        elif u in ("GRAPH", "INTO", "WITH", "TO") and nxt is not None:
            iri = _resolve(nxt, s.prefixes, base)
            if iri is not None:
                s.written.add(iri)
    return s


def inject_using(update: str, using: list[str], using_named: list[str]) -> str:
    """Apply the protocol's using-graph-uri / using-named-graph-uri to every INSERT/DELETE ... WHERE.

    Raises ScanError when an operation names its own dataset (USING or WITH): the
    protocol says that is an error.
    """
    if not using and not using_named:
        return update
    toks = tokens(update)
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named]) + " "
    inserts: list[int] = []
    depth = 0
    in_modify = False
    own_dataset = False
    for i, t in enumerate(toks):
        if t.kind == "punct" and t.text == "{":
            depth += 1
            continue
        if t.kind == "punct" and t.text == "}":
            depth -= 1
            continue
        if depth != 0 or t.kind != "word":
            continue
        u = t.upper
        nxt = toks[i + 1].upper if i + 1 < len(toks) and toks[i + 1].kind == "word" else None
        if u == "WITH":
            in_modify, own_dataset = True, True
        elif u in ("DELETE", "INSERT") and not in_modify:
            if nxt == "DATA":
                continue
            if u == "DELETE" and nxt == "WHERE":
                raise ScanError("using-graph-uri / using-named-graph-uri cannot apply to DELETE WHERE { ... }; "
                                "write it as DELETE { ... } WHERE { ... }")
            in_modify = True
        elif u == "USING" and in_modify:
            own_dataset = True
        elif u == "WHERE" and in_modify:
            if own_dataset:
                raise ScanError("the update names its own dataset (USING or WITH) and the request also gives "
                                "using-graph-uri / using-named-graph-uri; use one or the other")
            inserts.append(t.start)
            in_modify = own_dataset = False
    for pos in reversed(inserts):
        update = update[:pos] + clause + update[pos:]
    return update
