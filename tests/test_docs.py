"""The documentation holds together: every page in mkdocs.yml's nav exists and every page is in the nav,
every relative link in README.md and docs/*.md reaches a file (and a heading, when it names one), and every
repository path the pages cite in backticks exists. `make docs` builds the site with --strict as well.
"""
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
# a repository path in backticks: under one of the top-level directories, or a top-level file
CITED = re.compile(r"`((?:kg|tests|bench|scripts|docs|samples|ontology|shapes|\.ci)/[\w./-]*"
                   r"|[\w-]+\.(?:py|toml|txt|yml|md))`")


def _prose(text: str) -> str:
    return FENCE.sub("", text)


def _slug(heading: str) -> str:
    """Python-Markdown's toc slugify, as mkdocs uses it (link and code markup dropped first)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(page: Path) -> set[str]:
    return {_slug(h) for h in HEADING.findall(_prose(page.read_text(encoding="utf-8")))}


def _nav_pages() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text.split("\nnav:", 1)[1]
    return re.findall(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w./-]+\.md)\s*$", nav, re.M)


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    nav = _nav_pages()
    assert nav, "mkdocs.yml has no nav"
    missing = [p for p in nav if not (DOCS / p).is_file()]
    assert not missing, f"mkdocs.yml nav names pages that are not in docs/: {missing}"
    left_out = sorted({p.name for p in DOCS.glob("*.md")} - set(nav))
    assert not left_out, f"pages in docs/ that mkdocs.yml's nav leaves out: {left_out}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_reach_a_file_and_heading(page):
    broken = []
    for target in LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):        # http:, https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            broken.append(f"{target}: no file {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest}")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no heading '#{anchor}' in {dest.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: broken links:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cited_repository_paths_exist(page):
    cited = set(CITED.findall(page.read_text(encoding="utf-8")))
    # bare file names (`trips.py`) are modules named inside a section about their directory: look them up
    missing = []
    for path in sorted(cited):
        if "/" in path:
            if not (ROOT / path).exists():
                missing.append(path)
        elif not (ROOT / path).exists() and not any(ROOT.glob(f"kg/**/{path}")) \
                and not any(ROOT.glob(f"*/{path}")):
            missing.append(path)
    assert not missing, f"{page.relative_to(ROOT)} cites paths that are not in the repository: {missing}"


@pytest.mark.slow
def test_the_site_builds_strictly(tmp_path):
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    if mkdocs is None:
        pytest.skip("mkdocs is in the docs extra: run `make docs` once to install it")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "site" / "ontology.html").is_file() and (tmp_path / "site" / "sparql" / "index.html").is_file()
