"""Research tables (kg/tables.py): `kg export --table events` from a real on-disk store, loaded with pandas
and pyarrow exactly as docs/user-guide.md tells researchers to."""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kg
from kg.tables import COLUMN_NAMES, COLUMNS, TableError, write_table
from test_core import kg as run_kg

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"

# One article with every kind of row: a visit without a named host, a planned visit known to the month, an
# award, a three-party agreement and a trade target.
ARTICLE = {
    "id": "tables-1", "published": "2024-07-10", "url": "https://example.org/news/tables-1",
    "title": "Leaders meet", "text": "...",
    "events": [
        {"type": "Visit", "visitor": "Narendra Modi", "visitor_country": "IND", "place": "Moscow",
         "place_country": "RUS", "start": "2024-07-08", "end": "2024-07-09", "status": "occurred",
         "evidence": "Modi was in Moscow on 8 and 9 July."},
        {"type": "Visit", "visitor": "Narendra Modi", "visitor_country": "IND", "place_country": "AUT",
         "start": "2024-08", "status": "planned", "evidence": "Modi will visit Austria in August."},
        {"type": "Award", "recipient": "Narendra Modi", "recipient_country": "IND", "conferrer": "Vladimir Putin",
         "conferrer_country": "RUS", "award": "Order of St Andrew the Apostle", "date": "2024-07-09",
         "status": "conferred", "evidence": "Putin awarded Modi the Order of St Andrew."},
        {"type": "Agreement", "parties": ["RUS", "IND", "BLR"], "title": "trilateral memorandum",
         "topics": ["trade", "investment"], "date": "2024-07-09", "status": "agreed",
         "evidence": "Russia, India and Belarus agreed on a memorandum."},
        {"type": "TradeTarget", "parties": ["IND", "RUS"], "amount": 100000000000, "currency": "USD", "year": 2030,
         "metric": "bilateral trade", "status": "agreed", "evidence": "Trade should reach $100bn by 2030."},
    ],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tables")
    src = tmp / "tables-1.json"
    src.write_text(json.dumps(ARTICLE), encoding="utf-8")
    s = tmp / "store"
    run_kg(s, "import", str(src), *map(str, sorted((ROOT / "samples" / "annotated").glob("*.json"))))
    return s


@pytest.fixture(scope="module")
def files(store, tmp_path_factory):
    """The three formats, written by the real CLI into one directory (the names the guide reads)."""
    out = tmp_path_factory.mktemp("out")
    for fmt in ("csv", "jsonl", "parquet"):
        run_kg(store, "export", "--table", "events", "--format", fmt, "-o", str(out / f"events.{fmt}"))
    return out


@pytest.fixture(scope="module")
def loaded(files, monkeypatch_module):
    """Run the guide's reading recipe as it is printed, in the directory holding the files."""
    block = next(b for b in re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
                 if b.startswith("# read events.csv"))
    monkeypatch_module.chdir(files)
    scope: dict = {}
    exec(compile(block, str(GUIDE), "exec"), scope)  # noqa: S102 - our own documentation
    return scope


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def by_type(df: pd.DataFrame, kind: str, status: str) -> pd.Series:
    rows = df[(df["EventType"] == kind) & (df["Status"] == status)]
    assert len(rows) >= 1, (kind, status)
    return rows[rows["ArticleID"] == "tables-1"].iloc[0]


def test_parquet_carries_every_column_with_its_type(files):
    table = pq.read_table(files / "events.parquet")
    arrow = {"string": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64()}
    assert table.schema.names == list(COLUMN_NAMES)
    for c in COLUMNS:
        assert table.schema.field(c.name).type == arrow[c.type], c.name
    assert table.num_rows == 5 + 14   # this article's events and the samples'


def test_the_three_formats_hold_the_same_rows(loaded):
    parquet, csv_, jsonl = loaded["events"], loaded["from_csv"], loaded["from_jsonl"]
    assert list(csv_.columns) == list(jsonl.columns) == list(parquet.columns) == list(COLUMN_NAMES)
    assert list(csv_["EventIRI"]) == list(jsonl["EventIRI"]) == list(parquet["EventIRI"])
    for col in ("EventCode", "Actor1Name", "Actor2CountryCode", "Year", "TargetAmount", "Evidence"):
        a, b, c = (list(df[col].astype(object).where(df[col].notna(), None)) for df in (csv_, jsonl, parquet))
        assert a == b == c, col


def test_pandas_reads_the_csv_with_the_documented_types(loaded):
    df = loaded["from_csv"]
    assert df["EventCode"].dtype == "string" and str(df["Year"].dtype) == "Int64"
    assert str(df["Confidence"].dtype) == "Float64" and pd.api.types.is_datetime64_any_dtype(df["EventDate"])
    visit = by_type(df, "Visit", "Occurred")
    assert visit["EventCode"] == "042" and visit["HostEventCode"] == "043"   # the leading zero kept
    assert (visit["PLOVERCategory"], visit["PLOVERMode"]) == ("CONSULT", "visit")
    assert visit["EventDate"] == pd.Timestamp("2024-07-08") and visit["EndDate"] == pd.Timestamp("2024-07-09")
    assert visit["Year"] == 2024 and visit["MonthYear"] == 202407 and visit["QuadClass"] == 1
    # no host named: Actor2 is the country visited, as a CAMEO coder would have it
    assert (visit["Actor1Name"], visit["Actor1Kind"], visit["Actor1CountryCode"]) == ("Narendra Modi", "Person", "IND")
    assert (visit["Actor2Name"], visit["Actor2Kind"], visit["Actor2CountryCode"]) == ("Russia", "Country", "RUS")
    assert (visit["ActionGeo_FullName"], visit["ActionGeo_ISO3"]) == ("Moscow", "RUS")
    # identities and coordinates from kg/data/wikidata.tsv and coordinates.tsv (a person has no QID yet)
    assert visit["Actor2WikidataID"] == "Q159" and pd.isna(visit["Actor1WikidataID"])
    assert 55 < visit["ActionGeo_Lat"] < 56 and 37 < visit["ActionGeo_Long"] < 38
    assert visit["SOURCEURL"] == "https://example.org/news/tables-1" and visit["NumSources"] == 1
    assert visit["PublicationDate"] == pd.Timestamp("2024-07-10") and pd.isna(visit["Confidence"])


def test_partial_dates_award_agreement_and_target_rows(loaded):
    df = loaded["events"]   # Parquet through pandas with the pyarrow backend
    planned = by_type(df, "Visit", "Planned")
    assert pd.isna(planned["EventDate"]) and planned["EventDatePrecision"] == "month"
    assert planned["Year"] == 2024 and planned["MonthYear"] == 202408 and planned["EventCode"] == "036"
    assert (planned["Actor2Name"], planned["ActionGeo_ISO3"]) == ("Austria", "AUT")
    award = by_type(df, "Award", "Conferred")
    assert (award["Actor1Name"], award["Actor2Name"], award["EventCode"]) == ("Vladimir Putin", "Narendra Modi", "051")
    assert award["AwardName"] == "Order of St Andrew the Apostle"
    agreement = by_type(df, "Agreement", "Agreed")
    assert agreement["Parties"] == "Belarus; India; Russia" and agreement["PartyCountryCodes"] == "BLR; IND; RUS"
    assert (agreement["Actor1Name"], agreement["Actor2Name"]) == ("Belarus", "India")
    assert (agreement["Actor1WikidataID"], agreement["Actor2WikidataID"]) == ("Q184", "Q668")
    assert agreement["EventCode"] == "0311" and agreement["Topics"] == "investment; trade"
    target = by_type(df, "TradeTarget", "Agreed")
    assert target["TargetAmount"] == 1e11 and target["TargetCurrency"] == "USD" and target["TargetYear"] == 2030
    assert str(df["TargetYear"].dtype).startswith("int64") and str(df["EventDate"].dtype).startswith("date32")


def test_the_api_gives_the_rows_the_cli_writes(store, files):
    with kg.open_store(str(store), read_only=True) as s:
        rows = kg.event_rows(s)
        # a function running SELECTs (what the web app passes) and a page of events
        assert kg.event_rows(s.select, [rows[3]["EventIRI"], rows[0]["EventIRI"]]) == [rows[3], rows[0]]
        assert kg.event_rows(s.select, []) == []
    buf = io.BytesIO()
    write_table(rows, buf, "csv")
    assert buf.getvalue() == (files / "events.csv").read_bytes()


def test_mentions_gives_one_row_per_article_event_and_the_default_one_per_canonical_event(store, files, tmp_path):
    """No two stored articles report one event: every event is its own canonical event, so the two tables have the same rows, except for
    the ids (canonical-...) and the link to the canonical event."""
    import csv
    run_kg(store, "export", "--table", "events", "--mentions", "--format", "csv", "-o", str(tmp_path / "m.csv"))
    mentions = list(csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8")))
    canonical = list(csv.DictReader((files / "events.csv").open(encoding="utf-8")))
    assert len(mentions) == len(canonical) > 5          # the samples report no event twice
    assert {m["CanonicalEventID"] for m in mentions} == {c["EventID"] for c in canonical}
    assert all(c["EventID"].startswith("canonical-") and c["CanonicalEventID"] == c["EventID"] for c in canonical)
    assert all(m["NumSources"] == c["NumSources"] == "1" for m, c in zip(mentions, canonical))
    same = ("EventType", "EventDate", "Actor1Name", "Actor2Name", "ArticleID", "SOURCEURL", "Status")
    assert sorted(tuple(r[k] for k in same) for r in mentions) == sorted(tuple(r[k] for k in same) for r in canonical)


@pytest.mark.parametrize("args,message", [
    (["--format", "parquet"], "is a table format: add --table events"),
    (["--table", "events", "--format", "trig"], "--table writes csv, jsonl, parquet"),
    (["--mentions"], "--mentions goes with --table events"),
    (["--table", "events", "--article", "tables-1"], "--article selects RDF"),
])
def test_export_option_mistakes_are_named(store, args, message):
    proc = run_kg(store, "export", *args, check=False)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_parquet_without_pyarrow_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(TableError, match=r"pip install 'dipkg\[tables\]'"):
        write_table([], io.BytesIO(), "parquet")


def test_the_guide_lists_every_column():
    text = GUIDE.read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(\w+)` \| (string|date|int|float) \|", text, re.M)
    assert listed == [(c.name, c.type) for c in COLUMNS]
