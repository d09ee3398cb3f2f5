#!/usr/bin/env python3
"""Rewrite the generated ISO code lists in shapes/dipkg.ttl from kg/data/*.tsv.

The SHACL shapes check dip:countryCode against ISO 3166-1 alpha-3 (kg/data/countries.tsv, column
``alpha3``, itself written from pycountry by scripts/gen_gazetteer.py) and schema:currency against ISO 4217 (kg/data/currencies.tsv, column ``code``) with sh:in
lists. Those lists live between the ``# BEGIN GENERATED CODE LISTS`` and ``# END GENERATED CODE LISTS``
lines of the shapes file; this script rewrites only that block.

    python scripts/gen_code_lists.py          # rewrite the block
    python scripts/gen_code_lists.py --check  # exit 1 if the block is out of date (CI)
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "shapes" / "dipkg.ttl"
COUNTRIES = ROOT / "kg" / "data" / "countries.tsv"
CURRENCIES = ROOT / "kg" / "data" / "currencies.tsv"

BEGIN = "# BEGIN GENERATED CODE LISTS"
END = "# END GENERATED CODE LISTS"
CODE = re.compile(r"^[A-Z]{3}$")

# (shape that gets the sh:in, data file, column, description)
LISTS = (
    ("dipsh:Country-countryCode", COUNTRIES, "alpha3", "ISO 3166-1 alpha-3 country codes"),
    ("dipsh:MonetaryAmount-currency", CURRENCIES, "code", "ISO 4217 currency codes"),
)


def read_codes(path: Path, column: str) -> list[str]:
    """The values of ``column`` in a TSV whose header row follows optional ``#`` comment lines.

    Sorted and de-duplicated; every value must be three upper-case letters.
    """
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    if rows.fieldnames is None or column not in rows.fieldnames:
        raise SystemExit(f"{path}: no column {column!r} in header {rows.fieldnames}")
    codes = set()
    for n, row in enumerate(rows, start=2):
        code = (row[column] or "").strip()
        if not CODE.match(code):
            raise SystemExit(f"{path}: data row {n}: {column}={code!r} is not a three-letter upper-case code")
        codes.add(code)
    return sorted(codes)


def render_block() -> str:
    out = [f"{BEGIN} (scripts/gen_code_lists.py rewrites this block; do not edit by hand)"]
    for shape, path, column, what in LISTS:
        codes = read_codes(path, column)
        rel = path.relative_to(ROOT).as_posix()
        out.append(f"# {len(codes)} {what}, from {rel} (column {column})")
        out.append(f"{shape} sh:in (")
        for i in range(0, len(codes), 16):
            out.append("    " + " ".join(f'"{c}"' for c in codes[i:i + 16]))
        out.append(") .")
    out.append(END)
    return "\n".join(out) + "\n"


def rewrite(text: str) -> str:
    start = text.find(BEGIN)
    end = text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{SHAPES}: markers {BEGIN!r} ... {END!r} not found")
    line_end = text.find("\n", end)
    tail = text[line_end + 1:] if line_end >= 0 else ""
    return text[:start] + render_block() + tail


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the block is out of date")
    ap.add_argument("--shapes", type=Path, default=SHAPES, help="shapes file (default: %(default)s)")
    args = ap.parse_args(argv)
    text = args.shapes.read_text(encoding="utf-8")
    new = rewrite(text)
    if args.check:
        if new != text:
            print(f"{args.shapes}: generated code lists are out of date; run scripts/gen_code_lists.py",
                  file=sys.stderr)
            return 1
        return 0
    if new != text:
        args.shapes.write_text(new, encoding="utf-8")
        print(f"rewrote the code lists in {args.shapes}")
    else:
        print(f"{args.shapes}: code lists already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
