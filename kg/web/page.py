"""The dashboard page: ``/`` -> kg/web/static/index.html, and its assets under ``/static/``.

Everything the page needs ships in the package (kg/web/static: the page, its JS and CSS,
example queries, the vendored YASGUI build and the world map's outline), so it works with no
network access. The page keeps its state in its URL (app.js), so ``/`` serves every view.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

STATIC = Path(__file__).with_name("static")

bp = Blueprint("page", __name__)


@bp.get("/")
def index():
    resp = send_from_directory(STATIC, "index.html", max_age=0)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/static/<path:filename>")
def static_file(filename: str):
    # send_from_directory refuses paths that leave STATIC (404), and answers If-None-Match /
    # If-Modified-Since; 'no-cache' makes browsers revalidate, so an upgrade shows at once.
    resp = send_from_directory(STATIC, filename, max_age=0)
    resp.headers["Cache-Control"] = "no-cache"
    return resp
