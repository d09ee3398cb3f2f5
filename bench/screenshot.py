"""Take the README's screenshot of the dashboard: docs/dashboard.png.

    python bench/screenshot.py                  # a temporary store with the dev corpus, its own server
    python bench/screenshot.py --url http://127.0.0.1:8000 -o /tmp/d.png

Needs Chromium (Debian: apt-get install chromium) and the playwright package (pip install
playwright; no 'playwright install': it uses /usr/bin/chromium). The page is shown at
1280 px wide, filtered to visits (as /?type=Visit); the PNG is kept small (palette
quantisation when Pillow is installed) because it is committed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"):
        if name and (shutil.which(name) or Path(name).exists()):
            return shutil.which(name) or name
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, corpus: Path) -> tuple[subprocess.Popen, str]:
    kg = Path(sys.executable).parent / "kg"
    base = [str(kg)] if kg.exists() else [sys.executable, "-m", "kg.cli"]
    files = sorted(str(p) for p in corpus.glob("*.json"))
    if files:
        subprocess.run(base + ["--store", str(store), "import", *files], check=True, capture_output=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    proc = subprocess.Popen(base + ["--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=str(ROOT),
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    import requests
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def shrink_png(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    img = Image.open(path).convert("RGB")
    img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def screenshot(url: str, out: Path, *, view: str | None = "?type=Visit", width: int = 1280) -> None:
    from playwright.sync_api import sync_playwright
    exe = chromium_path()
    if exe is None:
        raise SystemExit("Chromium not found: apt-get install chromium (or set CHROMIUM=/path/to/chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
        # the explorer with one filter (the view a link reproduces), its table cut to 6 rows
        page.goto(url + "/" + (view or ""))
        page.wait_for_selector("#timeline[data-state=ready] rect.bar")
        page.wait_for_selector("#network[data-state=ready] .net-node")
        page.wait_for_selector("#map[data-state=ready] path.country")
        page.wait_for_selector("#events[data-state=ready] tbody tr")
        page.wait_for_timeout(300)
        page.evaluate("""() => {
            document.querySelectorAll('#events tbody tr').forEach((r, i) => { if (i >= 6) r.style.display = 'none'; });
        }""")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    shrink_png(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", help="a running server (default: start one over the dev corpus)")
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "dashboard.png"))
    ap.add_argument("--corpus", default=str(CORPUS))
    args = ap.parse_args()
    proc, tmp = None, None
    url = args.url
    try:
        if url is None:
            tmp = tempfile.mkdtemp(prefix="kg-shot-")
            proc, url = start_server(Path(tmp) / "store", Path(args.corpus))
        screenshot(url.rstrip("/"), Path(args.output))
        print(f"{args.output}: {Path(args.output).stat().st_size:,} bytes")
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
