"""Configuration of the app factory: KG_* environment, the config dict, CORS off (through Flask's test client)."""

import pyoxigraph as ox
import pytest

from kg.errors import UsageError
from kg.web.app import create_app, load_settings

from .conftest import HERE


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    s.bulk_load(path=str(HERE / "fixtures" / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return s


def test_environment_then_config_dict(monkeypatch):
    """KG_* variables override the defaults and the config dict overrides them."""
    monkeypatch.setenv("KG_TIMEOUT", "7")
    monkeypatch.setenv("KG_MAX_ROWS", "12")
    settings = load_settings({"MAX_ROWS": 99, "CORS_ORIGIN": ""})
    assert (settings["TIMEOUT"], settings["MAX_ROWS"], settings["CORS_ORIGIN"]) == (7.0, 99, "")


def test_bad_number_setting_is_refused(monkeypatch):
    """A setting that must be a number and is not stops the app factory."""
    monkeypatch.setenv("KG_TIMEOUT", "soon")
    with pytest.raises(UsageError, match="KG_TIMEOUT"):
        load_settings()


def test_empty_cors_variable_turns_cors_off(monkeypatch, store):
    """KG_CORS_ORIGIN set to the empty string turns CORS off (an unset variable keeps the default *)."""
    monkeypatch.setenv("KG_CORS_ORIGIN", "")
    client = create_app(store=store).test_client()
    assert "Access-Control-Allow-Origin" not in client.get("/sparql", query_string={"query": "ASK {}"}).headers
    monkeypatch.delenv("KG_CORS_ORIGIN")
    from kg.settings import activate

    activate(None)
    on = create_app(store=store).test_client()
    assert on.get("/sparql", query_string={"query": "ASK {}"}).headers["Access-Control-Allow-Origin"] == "*"


def test_cors_can_be_turned_off(store):
    """With CORS_ORIGIN empty no answer carries Access-Control-Allow-Origin."""
    client = create_app({"CORS_ORIGIN": ""}, store).test_client()
    assert "Access-Control-Allow-Origin" not in client.get("/sparql", query_string={"query": "ASK {}"}).headers
    assert "Access-Control-Allow-Origin" not in client.get("/rdf-graphs?default").headers
    on = create_app({"CORS_ORIGIN": "https://yasgui.example"}, store).test_client()
    assert on.get("/sparql", query_string={"query": "ASK {}"}).headers["Access-Control-Allow-Origin"] == \
        "https://yasgui.example"


def test_max_rows_from_config(store):
    """MAX_ROWS from the config dict bounds the answers of the app."""
    client = create_app({"MAX_ROWS": 3}, store).test_client()
    assert client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 3"}).status_code == 200
    assert client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 4"}).status_code == 422
