"""kg.web.formats.best_match: werkzeug's Accept matching, with the answers the endpoints have always given."""
import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.web.formats import GRAPH_ACCEPT, RESULT_ACCEPT, best_match


@pytest.mark.parametrize("header, results, graphs", [
    (None, "json", "turtle"),                               # no Accept: the first of each table
    ("", "json", "turtle"),
    ("*/*", "json", "turtle"),
    ("*", "json", "turtle"),                                # a lone * is read as */*
    ("text/*", "xml", "turtle"),
    ("application/json", "json", "jsonld"),
    ("text/turtle; charset=utf-8", None, "turtle"),         # parameters other than q are ignored
    ("text/turtle;q=0.5, application/rdf+xml", None, "rdfxml"),
    ("application/sparql-results+json;q=0, text/csv;q=0.5", "csv", None),
    ("*/*;q=0.1, text/csv", "csv", "turtle"),
    ("*/*, text/csv", "csv", "turtle"),     # the more specific range wins a tie (werkzeug; json before)
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml", "rdfxml"),
    ("image/png", None, None),
    ("application/*", "json", "turtle"),
])
def test_best_match(header, results, graphs):
    accept = parse_accept_header(header, MIMEAccept)
    assert best_match(accept, RESULT_ACCEPT) == results
    assert best_match(accept, GRAPH_ACCEPT) == graphs
