"""`import kg`: a small documented API, cheap to import, that the CLI and the web app use themselves."""
from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parents[1]


def test_import_kg_loads_nothing_heavy():
    code = "import json, sys, kg; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                           env=env, check=True, cwd=ROOT).stdout))
    heavy = {m for m in loaded if m.split(".")[0] in {"rdflib", "pyshacl", "pyoxigraph", "spacy", "flask", "click"}}
    assert not heavy, f"import kg loaded {sorted(heavy)}"
    assert {m for m in loaded if m.startswith("kg.")} == set()


@pytest.mark.parametrize("name", [n for n in kg.__all__ if n != "__version__"])
def test_every_public_name_is_the_object_of_its_module(name):
    module = importlib.import_module(kg._EXPORTS[name])
    assert getattr(kg, name) is getattr(module, name)
    assert name in dir(kg)
    assert f"``{name}" in kg.__doc__ or f":class:`{name}`" in kg.__doc__, f"{name} is not documented in kg"


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kg.nope  # noqa: B018
    with pytest.raises(ImportError):
        from kg import nope  # noqa: F401


def test_cli_and_web_app_use_the_api():
    from kg import cli
    from kg.web import app, articles
    assert cli.Settings is kg.Settings and cli.StoreError is kg.StoreError
    assert app.Settings is kg.Settings
    assert articles.read_inputs is kg.read_inputs and articles.Article is kg.Article


def test_the_docstring_example_runs(tmp_path, monkeypatch, capsys):
    """The usage example of kg's docstring, run as written from a directory holding samples/."""
    example = textwrap.dedent(kg.__doc__.split("::\n", 1)[1].split("\nOpening a store", 1)[0])
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "kg.__doc__", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "article sample-xi-paris-2024: conforms"
    assert out[1] == "True"
    assert "visitor='Narendra Modi'" in out[2]
    assert out[3] == "1"
    assert "Narendra Modi" in out[4] and "Xi Jinping" in out[4]
    trig = (tmp_path / "graph.trig").read_text(encoding="utf-8")
    assert "narendra-modi" in trig and "sample-xi-paris-2024" in trig


def test_validate_article_reports_without_storing():
    article = kg.Article(id="t", published="2024-07-08", text="x",
                         events=[kg.Visit(evidence="x", status="occurred", visitor=None, place_country="RUS")])
    report = kg.validate_article(article)
    assert not report.conforms and any("visitor" in (p.path or "") for p in report.problems)
    assert kg.validate_article(kg.Article(id="t", published="2024-07-08", text="x")).conforms
