"""One store interface, several backends.

``open_store(location)`` picks the backend from the location: a directory path
opens the embedded pyoxigraph store, an ``http(s)://`` URL a remote SPARQL 1.1
engine. Callers (ingest, CLI, web) only ever see :class:`kg.store.base.Store`.

Nothing here reads the environment: the CLI and the web app build a
:class:`kg.settings.Settings` once and pass its :class:`StoreConfig` down.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .base import QueryResult, Store, StoreError

DEFAULT_LOCATION = "kg-data"


@dataclass(frozen=True)
class StoreConfig:
    """A store's location and the options to reach it: hashable and picklable, so that the web
    app's query processes open the same store as the process that configured them."""

    location: str = DEFAULT_LOCATION
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    engine: str | None = None
    token: str | None = None

    @property
    def remote(self) -> bool:
        return self.location.startswith(("http://", "https://"))

    def options(self) -> dict:
        """The options that are set (for a remote store; an embedded one takes none of them)."""
        return {k: v for k, v in asdict(self).items() if k != "location" and v is not None}

    def __repr__(self) -> str:
        return f"StoreConfig({self.location!r}{', with credentials' if self.password or self.token else ''})"


def open_store(location: str | StoreConfig | None = None, **options) -> Store:
    """Open the store at ``location`` (default ``./kg-data``), a path, URL or :class:`StoreConfig`.

    ``options``: ``read_only=True`` to read without ever creating or writing; for a remote store
    update_url, graph_store_url, user, password, engine, token, timeout (see RemoteStore).
    """
    if isinstance(location, StoreConfig):
        config, location = location, location.location
        if config.remote:
            options = {**config.options(), **options}
    location = location or DEFAULT_LOCATION
    if location.startswith(("http://", "https://")):
        from .remote import RemoteStore
        return RemoteStore.from_options(location, **options)
    from .embedded import EmbeddedStore
    return EmbeddedStore(location, **options)


__all__ = ["open_store", "Store", "StoreError", "StoreConfig", "QueryResult", "DEFAULT_LOCATION"]
