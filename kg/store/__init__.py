"""One store interface, several backends.

``open_store(location)`` picks the backend from the location: a directory path
opens the embedded pyoxigraph store, an ``http(s)://`` URL a remote SPARQL 1.1
engine. Callers (ingest, CLI, web) only ever see :class:`kg.store.base.Store`.
"""
from __future__ import annotations

import os

from .base import QueryResult, Store, StoreError

DEFAULT_LOCATION = "kg-data"
REMOTE_ENV = {"update_url": "KG_UPDATE_URL", "graph_store_url": "KG_GRAPH_STORE_URL",
              "user": "KG_STORE_USER", "password": "KG_STORE_PASSWORD"}


def open_store(location: str | None = None, **options) -> Store:
    """Open the store at ``location`` (default: ``$KG_STORE`` or ``./kg-data``)."""
    location = location or os.environ.get("KG_STORE") or DEFAULT_LOCATION
    if location.startswith(("http://", "https://")):
        from .remote import RemoteStore
        for key, env in REMOTE_ENV.items():  # so that processes started from a CLI run see its options
            if options.get(key) is None and os.environ.get(env):
                options[key] = os.environ[env]
        return RemoteStore.from_options(location, **options)
    from .embedded import EmbeddedStore
    return EmbeddedStore(location, **options)


__all__ = ["open_store", "Store", "StoreError", "QueryResult", "DEFAULT_LOCATION"]
