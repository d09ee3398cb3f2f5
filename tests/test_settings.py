"""kg.Settings: one validated configuration, built once by the CLI or create_app, passed down, never written
to the environment; `kg serve` and `gunicorn 'server:create_app()'` start with the same defaults."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from conftest import free_port

from kg import Settings, SettingsError
from kg.cli import main
from kg.store import StoreConfig

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE = ROOT / "samples" / "annotated" / "sample-xi-paris-2024.json"


def test_defaults_without_environment():
    s = Settings.from_env({})
    assert (s.store, s.query_timeout, s.max_rows, s.threads, s.query_slots, s.token) == \
        ("kg-data", 10.0, 10_000, 4, 4, None)
    assert s.store_config() == StoreConfig("kg-data")


def test_environment_then_overrides():
    env = {"KG_STORE": "from-env", "KG_QUERY_TIMEOUT": "5", "KG_MAX_ROWS": "20", "KG_QUERY_PROCS": "3",
           "KG_TOKEN": "", "KG_SHAPES": "/x/shapes.ttl"}
    s = Settings.from_env(env)
    assert (s.store, s.query_timeout, s.max_rows, s.query_slots, s.token, s.shapes) == \
        ("from-env", 5.0, 20, 3, None, "/x/shapes.ttl")      # an empty variable counts as unset
    s = Settings.from_env(env, store="from-cli", query_timeout=7, max_rows=None)
    assert (s.store, s.query_timeout, s.max_rows) == ("from-cli", 7.0, 20)   # None: not given, env applies
    assert Settings.from_env({}, threads=8).query_slots == 8                 # one query per thread by default


@pytest.mark.parametrize("env, words", [
    ({"KG_QUERY_TIMEOUT": "ten"}, ["KG_QUERY_TIMEOUT='ten' is not a number", "KG_QUERY_TIMEOUT=10.0"]),
    ({"KG_QUERY_TIMEOUT": "0"}, ["KG_QUERY_TIMEOUT", "above 0"]),
    ({"KG_MAX_ROWS": "1e3"}, ["KG_MAX_ROWS='1e3' is not a whole number", "KG_MAX_ROWS=10000"]),
    ({"KG_THREADS": "0"}, ["KG_THREADS (or --threads) is 0", "at least 1"]),
    ({"KG_QUERY_PROCS": "-1"}, ["KG_QUERY_PROCS", "at least 1"]),
    ({"KG_MIN_CONFIDENCE": "nan"}, ["KG_MIN_CONFIDENCE", "from 0 to 1"]),
    ({"KG_STORE_ENGINE": "blazegraph"}, ["KG_STORE_ENGINE is 'blazegraph'", "oxigraph, virtuoso"]),
])
def test_bad_values_name_the_variable_and_the_fix(env, words):
    with pytest.raises(SettingsError) as e:
        Settings.from_env(env)
    for w in words:
        assert w in str(e.value)


def test_settings_are_frozen_and_keep_secrets_out_of_repr():
    s = Settings.from_env({"KG_STORE": "http://h:7878/query", "KG_STORE_PASSWORD": "hunter2", "KG_TOKEN": "t0k"},
                          store_user="dba")
    with pytest.raises(AttributeError):
        s.store = "elsewhere"  # type: ignore[misc]
    assert "hunter2" not in repr(s) and "t0k" not in repr(s)
    cfg = s.store_config()
    assert (cfg.location, cfg.user, cfg.password) == ("http://h:7878/query", "dba", "hunter2")
    assert "hunter2" not in repr(cfg)
    with pytest.raises(TypeError, match="unknown setting"):
        Settings.from_env({}, query_timout=3)


def test_cli_options_override_the_environment_and_nothing_is_written_to_it(tmp_path):
    """--store wins over KG_STORE; KG_STORE applies without it; os.environ is the same after each command."""
    runner = CliRunner()
    used, ignored = tmp_path / "used", tmp_path / "ignored"
    before = dict(os.environ)
    r = runner.invoke(main, ["--store", str(used), "import", str(SAMPLE)], env={"KG_STORE": str(ignored)},
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert used.is_dir() and not ignored.exists()
    r = runner.invoke(main, ["stats", "--json"], env={"KG_STORE": str(used)}, catch_exceptions=False)
    assert r.exit_code == 0 and '"Article": 1' in r.output
    # kg serve of a remote store used to copy --store-user/--store-password into os.environ for its workers
    r = runner.invoke(main, ["--store", f"http://127.0.0.1:{free_port()}/query", "--store-user", "u",
                             "--store-password", "p", "serve", "--port", str(free_port())])
    assert r.exit_code == 1 and "cannot reach" in r.output
    assert dict(os.environ) == before


def test_cli_reports_bad_settings_as_usage_errors(tmp_path):
    r = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "stats"], env={"KG_MAX_ROWS": "many"})
    assert r.exit_code == 2 and "KG_MAX_ROWS='many' is not a whole number" in r.output
    r = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "serve", "--threads", "0"])
    assert r.exit_code == 2 and "--threads" in r.output and "at least 1" in r.output


def test_create_app_takes_settings_not_dicts(tmp_path):
    from kg.web.app import create_app
    with pytest.raises(TypeError, match="kg.Settings"):
        create_app({"store": str(tmp_path / "s")})
    app = create_app(Settings(store=str(tmp_path / "s"), max_rows=7, token="w"))
    health = app.test_client().get("/health").get_json()
    assert (health["max_rows"], health["writable"], health["query_slots"]) == (7, True, 4)


def _health(cmd: list[str], env: dict, port: int) -> dict:
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                return requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
            except requests.RequestException:
                assert proc.poll() is None, f"{cmd} exited with {proc.returncode}"
                time.sleep(0.3)
        raise AssertionError(f"{cmd} did not answer /health")
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(10)


def test_kg_serve_and_gunicorn_create_app_have_the_same_defaults(tmp_path):
    """The same environment gives the same service, whichever way it is started (KG_QUERY_PROCS used to
    default to the thread count under kg serve and to 2 under gunicorn)."""
    store = tmp_path / "s"
    assert CliRunner().invoke(main, ["--store", str(store), "import", str(SAMPLE)]).exit_code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(KG_STORE=str(store), PYTHONPATH=str(ROOT))
    p1, p2 = free_port(), free_port()
    served = _health([str(BIN / "kg"), "serve", "--port", str(p1)], env, p1)
    gunicorn = _health([str(BIN / "gunicorn"), "-b", f"127.0.0.1:{p2}", "-k", "gthread", "--threads", "4",
                        "server:create_app()"], env, p2)
    keys = ("store", "writable", "query_timeout_s", "max_rows", "query_slots", "quads")
    assert {k: served[k] for k in keys} == {k: gunicorn[k] for k in keys}
    assert served["query_slots"] == Settings.threads == 4
