"""`normspace serve` over real HTTP: every named query answers the same rows as the embedded
store, the SPARQL 1.1 Protocol (GET, POST form, POST query, content negotiation), and the
refusals (updates, SERVICE, foreign Host, bad parameters) with their messages."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from ruamel.yaml import YAML

from normspace.querylib import library
from normspace.store import OxigraphStore

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
CASES = YAML(typ="safe").load(
    (Path(__file__).parent.parent / "data" / "queries" / "cases.yaml").read_text("utf-8")
)
#: Parameters for the queries cases.yaml does not cover (or must be given one).
EXTRA_PARAMS = {"papers-by-external-concept": {"external": "dpv:VulnerableHuman"}}


def _runs() -> list[tuple[str, dict[str, str]]]:
    """(query, parameters): every case of cases.yaml, and every other library query once."""
    runs = [(c["query"], dict(c.get("params") or {})) for c in CASES.values()]
    covered = {name for name, _ in runs}
    for name in library().queries:
        if name not in covered:
            runs.append((name, EXTRA_PARAMS.get(name, {})))
    return runs


RUNS = _runs()


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


def fetch(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method=None
) -> Answer:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return Answer(
                response.status,
                response.headers.get("Content-Type", ""),
                response.read(),
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        return Answer(
            error.code, error.headers.get("Content-Type", ""), error.read(), dict(error.headers)
        )


def _key(term) -> tuple:
    """A comparable form of an rdflib term (blank nodes compare equal: labels differ)."""
    if term is None:
        return ("unbound",)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("uri", str(term))
    assert isinstance(term, Literal)
    datatype = str(term.datatype) if term.datatype else (None if term.language else XSD_STRING)
    return ("literal", str(term), datatype, term.language or None)


def _json_key(binding: dict | None) -> tuple:
    """The same form of a SPARQL JSON results binding."""
    if binding is None:
        return ("unbound",)
    kind = binding["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", binding["value"])
    lang = binding.get("xml:lang")
    datatype = binding.get("datatype") or (None if lang else XSD_STRING)
    return ("literal", binding["value"], datatype, lang)


def _rows_of_json(answer: dict) -> tuple[list[str], list[tuple]]:
    names = answer["head"]["vars"]
    rows = [tuple(_json_key(b.get(v)) for v in names) for b in answer["results"]["bindings"]]
    return names, rows


@pytest.fixture(scope="module")
def embedded(bundled_server, bundled_store_dir):
    """The same store, opened read-only beside the running server (no lock involved)."""
    store = OxigraphStore(bundled_store_dir, read_only=True)
    yield store
    store.close()


@pytest.mark.parametrize(("name", "params"), RUNS, ids=[f"{n}{p or ''}" for n, p in RUNS])
def test_every_named_query_answers_the_embedded_stores_rows(bundled_server, embedded, name, params):
    expected = library().get(name).run(embedded, params)
    expected_rows = [tuple(_key(t) for t in row) for row in expected.rows]
    url = bundled_server.url + "api/queries/" + name + "?" + urllib.parse.urlencode(params)
    answer = fetch(url, headers={"Accept": "application/sparql-results+json"})
    assert answer.status == 200, answer.text
    assert answer.content_type == "application/sparql-results+json"
    names, rows = _rows_of_json(answer.json())
    assert names == expected.variables
    assert rows == expected_rows


def test_the_bound_text_posted_to_the_endpoint_answers_the_same(bundled_server, embedded):
    """What the query page puts in the editor (/api/bind) runs like the named query."""
    params = {"approach": "norm:RLHF"}
    bound = fetch(
        bundled_server.url + "api/bind/papers-by-approach?" + urllib.parse.urlencode(params)
    ).json()
    assert "VALUES (?approach) { (<https://w3id.org/normspace#RLHF>) }" in bound["query"]
    answer = fetch(
        bundled_server.endpoint,
        data=bound["query"].encode("utf-8"),
        headers={"Content-Type": "application/sparql-query"},
    )
    expected = library().get("papers-by-approach").run(embedded, params)
    assert _rows_of_json(answer.json())[1] == [tuple(_key(t) for t in row) for row in expected.rows]
    assert len(expected.rows) > 0


def test_the_union_default_graph_sees_annotations_and_ontology(bundled_server):
    answer = fetch(bundled_server.url + "api/queries/papers?format=json")
    papers = {row["paper"]["value"] for row in answer.json()["results"]["bindings"]}
    assert len(papers) == 178


OWL_ONTOLOGY = "<https://w3id.org/normspace> a <http://www.w3.org/2002/07/owl#Ontology>"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ {OWL_ONTOLOGY} }}"
CONSTRUCT = f"CONSTRUCT {{ {OWL_ONTOLOGY} }} WHERE {{ {OWL_ONTOLOGY} }}"


@pytest.mark.parametrize(
    ("query", "accept", "fmt", "content_type", "starts"),
    [
        (COUNT, "", None, "application/sparql-results+json", '{"head":{"vars":["n"]}'),
        (COUNT, "*/*", None, "application/sparql-results+json", '{"head"'),
        (COUNT, "application/json", None, "application/json", '{"head"'),
        (COUNT, "application/sparql-results+xml", None, "application/sparql-results+xml", "<?xml"),
        (COUNT, "text/csv", None, "text/csv", "n\r\n"),
        (COUNT, "text/tab-separated-values", None, "text/tab-separated-values", "?n\n"),
        (
            COUNT,
            "text/csv;q=0.5, text/tab-separated-values",
            None,
            "text/tab-separated-values",
            "?n",
        ),
        (COUNT, "text/html", "csv", "text/csv", "n\r\n"),
        (
            "ASK { ?s ?p ?o }",
            "",
            None,
            "application/sparql-results+json",
            '{"head":{},"boolean":true}',
        ),
        (CONSTRUCT, "", None, "text/turtle", "<https://w3id.org/normspace>"),
        (
            CONSTRUCT,
            "application/n-triples",
            None,
            "application/n-triples",
            "<https://w3id.org/normspace>",
        ),
        (CONSTRUCT, "application/ld+json", None, "application/ld+json", "["),
        (CONSTRUCT, "", "nt", "application/n-triples", "<https://w3id.org/normspace>"),
    ],
)
def test_results_come_in_the_negotiated_format(
    bundled_server, query, accept, fmt, content_type, starts
):
    params = {"query": query} | ({"format": fmt} if fmt else {})
    url = bundled_server.endpoint + "?" + urllib.parse.urlencode(params)
    answer = fetch(url, headers={"Accept": accept} if accept else {})
    assert answer.status == 200, answer.text
    assert answer.content_type == content_type
    assert answer.text.startswith(starts)


def test_get_post_form_and_post_query_answer_alike(bundled_server):
    csv = {"Accept": "text/csv"}
    get = fetch(
        bundled_server.endpoint + "?" + urllib.parse.urlencode({"query": COUNT}), headers=csv
    )
    form = fetch(
        bundled_server.endpoint,
        data=urllib.parse.urlencode({"query": COUNT}).encode(),
        headers=csv | {"Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = fetch(
        bundled_server.endpoint,
        data=COUNT.encode(),
        headers=csv | {"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert get.body == form.body == direct.body == b"n\r\n1\r\n"


def test_default_graph_uri_replaces_the_union(bundled_server):
    """A named ontology graph as default graph: only its own triples are seen."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/normspace#PaperAnnotation> }"
    union = fetch(
        bundled_server.endpoint + "?" + urllib.parse.urlencode({"query": query, "format": "csv"})
    )
    only_ontology = fetch(
        bundled_server.endpoint
        + "?"
        + urllib.parse.urlencode(
            {"query": query, "format": "csv", "default-graph-uri": "https://w3id.org/normspace"}
        )
    )
    assert union.text != "n\r\n0\r\n"
    assert only_ontology.text == "n\r\n0\r\n"


READ_ONLY = (
    "this endpoint is read-only: updates are refused; change the store with `normspace load` "
    "/ `normspace remove` (they work while the server runs; restart it to see the changes)\n"
)


@pytest.mark.parametrize(
    ("path", "data", "content_type"),
    [
        ("sparql", b"update=DROP+ALL", "application/x-www-form-urlencoded"),
        ("sparql", b"DROP ALL", "application/sparql-update"),
        ("update", b"update=DROP+ALL", "application/x-www-form-urlencoded"),
    ],
)
def test_updates_are_refused(bundled_server, path, data, content_type):
    answer = fetch(bundled_server.url + path, data=data, headers={"Content-Type": content_type})
    assert (answer.status, answer.text) == (403, READ_ONLY)
    still = fetch(bundled_server.url + "api/queries/papers?format=csv")
    assert still.text.count("\n") == 179


@pytest.mark.parametrize(
    ("path", "headers", "status", "message"),
    [
        (
            "sparql?query="
            + urllib.parse.quote(
                "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
            ),
            {},
            403,
            "the query calls SERVICE http://example.org/sparql, which would contact that host "
            "over the network; start the server with --allow-service to allow federated queries\n",
        ),
        (
            "sparql?query=SELECT+*+WHERE+%7B",
            {},
            400,
            None,
        ),
        (
            "sparql",
            {},
            400,
            "no query: pass query=SPARQL to /sparql (GET, or POST as a form or as "
            "application/sparql-query); the query page is at /\n",
        ),
        (
            "sparql?query=ASK%7B%7D",
            {"Accept": "image/png"},
            406,
            "cannot answer in image/png; this query's results come as "
            "application/sparql-results+json, application/json, application/sparql-results+xml, "
            "application/xml, text/csv, text/tab-separated-values\n",
        ),
        (
            "sparql?query=ASK%7B%7D&query=ASK%7B%7D",
            {},
            400,
            "query= is given 2 times; give it once\n",
        ),
        (
            "api/queries/papers-by-approach?approach=norm:RLHX",
            {},
            400,
            "parameter ?approach: unknown term `norm:RLHX` in norm:AlignmentApproachScheme; "
            "did you mean `norm:RLHF` or `norm:RLCHF`?\n",
        ),
        (
            "api/queries/papers-by-approach",
            {},
            400,
            "query `papers-by-approach` needs parameter ?approach (term of "
            "norm:AlignmentApproachScheme: "
            + library().get("papers-by-approach").params[0].description
            + "); pass it in the URL as approach=VALUE\n",
        ),
        (
            "api/queries/papers?year=2020",
            {},
            400,
            "query `papers` takes no parameters (got ?year)\n",
        ),
        (
            "api/queries/paperz",
            {},
            404,
            "unknown query `paperz`; did you mean `papers` or `paper-parts` or `paper-profile`? "
            "(/api/queries lists the library)\n",
        ),
        (
            "nothing-here",
            {},
            404,
            "nothing at /nothing-here; the query page is at / and the endpoint at /sparql\n",
        ),
    ],
)
def test_bad_requests_get_a_status_and_one_message(bundled_server, path, headers, status, message):
    answer = fetch(bundled_server.url + path, headers=headers)
    assert answer.status == status
    assert answer.content_type == "text/plain; charset=utf-8"
    if message is None:
        assert answer.text.startswith("invalid SPARQL query: ")
    else:
        assert answer.text == message


def test_a_foreign_host_header_is_refused(bundled_server):
    """A page on another site that rebinds its DNS name to 127.0.0.1 cannot read the store."""
    answer = fetch(bundled_server.url + "api/queries", headers={"Host": "evil.example:80"})
    assert answer.status == 403
    assert answer.text.startswith("this server answers requests for ")
    assert answer.text.endswith(
        ", not for Host `evil.example:80` (a page on another site may be trying to reach it)\n"
    )


def test_no_cors_header_unless_asked(bundled_server):
    answer = fetch(bundled_server.url + "api/queries", headers={"Origin": "null"})
    assert answer.status == 200
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_the_library_is_listed_with_its_parameters(bundled_server):
    listed = fetch(bundled_server.url + "api/queries").json()
    assert listed["endpoint"] == "/sparql"
    by_name = {q["name"]: q for q in listed["queries"]}
    assert set(by_name) == set(library().queries)
    approach = by_name["papers-by-approach"]
    assert approach["page"] == "/?name=papers-by-approach"
    assert approach["params"][0] == {
        "name": "approach",
        "type": "term of norm:AlignmentApproachScheme",
        "kind": "term",
        "description": library().get("papers-by-approach").params[0].description,
        "default": None,
        "required": True,
        "unbound": None,
    }
    assert by_name["qc/missing-label"]["group"] == "qc"


@pytest.mark.parametrize(
    ("path", "content_type", "contains"),
    [
        ("", "text/html; charset=utf-8", '<script src="/vendor/yasgui.min.js"></script>'),
        ("static/app.js", "text/javascript; charset=utf-8", "/api/bind/"),
        ("static/app.css", "text/css; charset=utf-8", ".query-button"),
        ("vendor/yasgui.min.js", "text/javascript; charset=utf-8", "Yasgui"),
        ("vendor/yasgui.min.css", "text/css; charset=utf-8", ".yasgui"),
        (
            "api/prefixes",
            "application/json; charset=utf-8",
            '"norm": "https://w3id.org/normspace#"',
        ),
    ],
)
def test_the_page_and_its_files_are_served(bundled_server, path, content_type, contains):
    answer = fetch(bundled_server.url + path)
    assert (answer.status, answer.content_type) == (200, content_type)
    assert contains in answer.text


@pytest.mark.parametrize(
    "args",
    [
        ["papers"],
        ["papers-by-approach", "-p", "approach=RLHF"],
        ["coverage-gaps"],
        ["qc/missing-label"],
    ],
    ids=lambda args: " ".join(args),
)
def test_normspace_query_with_endpoint_reads_the_server_like_the_store(
    bundled_server, bundled_store_dir, args
):
    """The project's own remote client, pointed at the server, prints what the embedded
    store gives: the server is a drop-in endpoint for the library."""
    from click.testing import CliRunner

    from normspace.cli.main import cli

    runner = CliRunner()
    remote = runner.invoke(
        cli, ["query", *args, "-f", "csv", "--endpoint", bundled_server.endpoint]
    )
    local = runner.invoke(cli, ["query", *args, "-f", "csv", "--store", str(bundled_store_dir)])
    assert (remote.exit_code, local.exit_code) == (0, 0), remote.stderr + local.stderr
    assert remote.stdout == local.stdout
