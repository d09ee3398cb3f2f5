"""The package as a newcomer gets it: a wheel built from the repository, installed in a fresh venv, ingests the
seed article and serves it, from a directory outside the checkout.

The fresh venv has no dependencies of its own (installing spaCy and its model would need the network and
minutes): a ``.pth`` file, written after the wheel is installed, appends this interpreter's site-packages to
its path. The venv's own site-packages comes first, so ``kg`` is the wheel's; the test checks that it is,
and that the shapes and the ontology are read from inside the installed package. Building the wheel uses
pip's isolated build (setuptools from the index or pip's cache), as a user's ``pip wheel .`` would.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest
import requests

from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "putin-modi-2024.txt"


def _source_files() -> list[Path]:
    """The files a build sees: tracked and untracked-but-not-ignored ones (so the test runs the tree as it is)."""
    if shutil.which("git") and (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode()
        return [ROOT / f for f in out.split("\0") if f and (ROOT / f).is_file()]
    skip = {".git", ".venv", "build", "kg-data", "__pycache__", ".pytest_cache", ".hypothesis"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
            and not p.name.endswith(".pyc")]


def test_packages_list_covers_the_source_tree():
    """pyproject.toml lists the packages (package-dir needs it): every directory of kg/ with files is one."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    dirs = {".".join(p.parent.relative_to(ROOT).parts) for p in _source_files()
            if p.relative_to(ROOT).parts[0] == "kg"}
    assert dirs <= listed, f"add {sorted(dirs - listed)} to [tool.setuptools] packages in pyproject.toml"
    mapped = {pkg: ROOT / d for pkg, d in config["package-dir"].items()}
    assert listed - dirs == set(mapped), "only the mapped packages (ontology, shapes) live outside kg/"
    assert all((d / "dipkg.ttl").is_file() for d in mapped.values())


def _env() -> dict:
    """No PYTHONPATH (it would put the checkout's kg first) and no KG_* settings of the caller."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("KG_")}


def _run(cmd, cwd, timeout=300, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the source tree (a build leaves build/ and *.egg-info behind)."""
    src = tmp_path_factory.mktemp("src")
    for f in _source_files():
        target = src / f.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, src], cwd=src, timeout=600)
    [whl] = out.glob("dipkg-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_ships_the_package_data_shapes_and_ontology(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"/".join(p.relative_to(ROOT).parts) for p in _source_files() if p.relative_to(ROOT).parts[0] == "kg"}
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert {"kg/resources/shapes/dipkg.ttl", "kg/resources/ontology/dipkg.ttl"} <= names
    with zipfile.ZipFile(wheel) as z:  # the very files of the top-level directories
        assert z.read("kg/resources/shapes/dipkg.ttl") == (ROOT / "shapes" / "dipkg.ttl").read_bytes()
        assert z.read("kg/resources/ontology/dipkg.ttl") == (ROOT / "ontology" / "dipkg.ttl").read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(not SEED.is_file(), reason=f"the seed article is missing ({SEED})")
def test_installed_wheel_ingests_the_seed_and_serves_it(wheel, tmp_path):
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work)
    py, kg = venv / "bin" / "python", venv / "bin" / "kg"
    _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index", "--quiet", wheel],
         cwd=work)
    site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work).stdout.strip())
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "zz_dipkg_test_dependencies.pth").write_text("".join(f"{d}\n" for d in deps), encoding="utf-8")

    # kg, its shapes and its ontology come from the venv's site-packages, not from the checkout
    where = json.loads(_run([py, "-c", "import json, kg, kg.validate as v; print(json.dumps("
                                       "[kg.__file__, str(v.shapes_path()), str(v.ontology_path())]))"],
                            cwd=work).stdout)
    assert all(Path(p).is_relative_to(site / "kg") for p in where), where
    assert not any(Path(p).is_relative_to(ROOT) for p in where), where

    store = work / "store"
    ingest = _run([kg, "--store", store, "ingest", SEED, "--published", "2024-07-09", "--id", "seed"], cwd=work)
    assert "1 article(s) stored" in ingest.stderr, ingest.stderr
    counts = json.loads(_run([kg, "--store", store, "stats", "--json"], cwd=work).stdout)
    assert counts["Article"] == 1 and counts["Visit"] >= 1 and counts["Award"] >= 1, counts
    assert "conform" in _run([kg, "--store", store, "validate"], cwd=work).stderr

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([str(kg), "--store", str(store), "serve", "--port", str(port), "--workers", "1",
                                   "--threads", "2"], cwd=work, env=_env(), stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"kg serve exited with {server.returncode}:\n{log.read_text()}"
            try:
                if requests.get(url + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"kg serve did not become healthy:\n{log.read_text()}"
            time.sleep(0.2)
        query = ("PREFIX dip: <https://w3id.org/dipkg/ontology#> "
                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                 "SELECT ?type ?visitor WHERE { ?e a ?type . VALUES ?type { dip:Visit dip:Award } "
                 "OPTIONAL { ?e dip:visitor/rdfs:label ?visitor } }")
        r = requests.get(f"{url}/sparql?query={urllib.parse.quote(query)}",
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert r.status_code == 200, r.text
        rows = r.json()["results"]["bindings"]
        types = {b["type"]["value"].rsplit("#", 1)[-1] for b in rows}
        assert {"Visit", "Award"} <= types, rows
        assert "Narendra Modi" in {b["visitor"]["value"] for b in rows if "visitor" in b}, rows
    finally:
        os.killpg(server.pid, 15)
        server.wait(15)
