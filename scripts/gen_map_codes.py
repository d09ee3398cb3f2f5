"""Write kg/web/static/map-codes.json: the dashboard map's country ids (ISO 3166-1 numeric, as the vendored
world-atlas TopoJSON has them) -> the ISO 3166-1 alpha-3 codes the store uses (dip:countryCode).

Why a table: world-atlas (Natural Earth) names its features by numeric code only, and kg/data/countries.tsv
has no numeric column. Read from Debian's iso-codes (/usr/share/iso-codes/json/iso_3166-1.json, the data
pycountry also ships); only the ids the atlas has are written, so the file stays small (~3 KB).

    python scripts/gen_map_codes.py
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ATLAS = ROOT / "kg" / "web" / "static" / "vendor" / "world_atlas" / "countries-110m.json"
OUT = ROOT / "kg" / "web" / "static" / "map-codes.json"
ISO = Path("/usr/share/iso-codes/json/iso_3166-1.json")


def main() -> None:
    numeric = {c["numeric"]: c["alpha_3"] for c in json.loads(ISO.read_text(encoding="utf-8"))["3166-1"]}
    ids = sorted({g["id"] for g in json.loads(ATLAS.read_text(encoding="utf-8"))["objects"]["countries"]["geometries"]
                  if "id" in g})
    table = {i: numeric[i] for i in ids if i in numeric}
    missing = [i for i in ids if i not in numeric]
    OUT.write_text(json.dumps({"source": "ISO 3166-1 via Debian iso-codes; scripts/gen_map_codes.py",
                               "numericToAlpha3": table}, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(table)} codes; atlas ids without an ISO entry: {missing or 'none'}")


if __name__ == "__main__":
    main()
