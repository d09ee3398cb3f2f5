"""The SPARQL service's WSGI entry point: ``gunicorn 'server:create_app()'`` (or ``kg serve``).

The factory lives in :mod:`kg.web.app`; configuration comes from its argument or from
KG_STORE, KG_TOKEN, KG_QUERY_TIMEOUT, KG_MAX_ROWS, KG_MAX_BODY (see README "SPARQL service").
"""
from kg.web.app import create_app

__all__ = ["create_app"]
