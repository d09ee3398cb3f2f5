"""Operations: /health (store reachable, version) and /metrics (Prometheus text format)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from .app import service

bp = Blueprint("ops", __name__)


@bp.route("/health", methods=["GET"])
def health():
    svc = service()
    try:
        st = svc.stats()
    except Exception as e:
        resp = jsonify({"status": "unavailable", "store": svc.location,
                        "error": f"the store cannot be read: {e}; check KG_STORE and its permissions"})
        resp.status_code = 503
        return resp
    return jsonify({"status": "ok", "store": svc.location, "version": st.get("version"), "quads": st.get("quads"),
                    "writable": bool(svc.settings.token), "query_timeout_s": svc.timeout,
                    "max_rows": svc.settings.max_rows, "query_slots": svc.settings.query_slots})


@bp.route("/metrics", methods=["GET"])
def metrics():
    svc = service()
    gauges = {"cache_entries": len(svc.cache), "cache_bytes": svc.cache.size_bytes}
    try:
        gauges["store_quads"] = svc.stats()["quads"]
        gauges["store_up"] = 1
    except Exception:
        gauges["store_up"] = 0
    return Response(svc.metrics.render(gauges), content_type="text/plain; version=0.0.4; charset=utf-8")
