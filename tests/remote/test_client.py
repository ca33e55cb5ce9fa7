"""The remote client against scripted HTTP servers: explicit query form, retries, Basic
authentication, passwords kept out of every message, row caps, default-graph detection
and paged reads. Real servers: ``test_servers.py``."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from normspace.cli.main import cli
from normspace.endpointconfig import PASSWORD_ENV, endpoint_config
from normspace.remote import Client, EndpointError
from normspace.store import SparqlEndpointStore

from .doubles import EMPTY_SELECT, Reply, scripted_server

USER, SECRET = "ann", "s3cret-Pw"
ASK_TRUE = Reply(body=b'{"head": {}, "boolean": true}')
ASK_FALSE = Reply(body=b'{"head": {}, "boolean": false}')


def select(variables: list[str], rows: list[dict[str, dict[str, str]]]) -> bytes:
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()


def literal(value: str) -> dict[str, str]:
    return {"type": "literal", "value": value}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env or {})
    return result.exit_code, result.output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- the query form


@pytest.mark.parametrize(
    "comment",
    ["# the address of each paper", "# load the store first", "# describe every approach"],
    ids=["address", "load", "describe"],
)
def test_a_query_is_sent_as_a_query_whatever_its_comments_say(comment):
    """SPARQLWrapper alone guesses the form from the first keyword, comments included
    (upstream #232/#211), and would send these as updates."""
    text = f"{comment}\nSELECT ?x WHERE {{ ?x ?p ?o }}"
    with scripted_server([Reply()]) as script:
        Client(endpoint_config(script.url)).select(text)
    assert script.seen[0].form == {"query": [text]}


def test_an_update_is_sent_as_an_update_whatever_its_comments_say():
    text = "# select the graphs to drop\nDROP SILENT GRAPH <urn:x:g>"
    with scripted_server([Reply(204, b"")]) as script:
        Client(endpoint_config(script.url, script.url)).update(text)
    assert script.seen[0].form == {"update": [text]}


# ---------------------------------------------------------------- retries


@pytest.mark.parametrize("status", [429, 503])
def test_busy_answers_are_retried_until_the_answer_comes(status):
    busy = Reply(status, b"busy", {"Retry-After": "0"}, "text/plain")
    with scripted_server([busy, busy, Reply()]) as script:
        data, answer = Client(endpoint_config(script.url)).select("SELECT ?x {}")
    assert len(script.seen) == 3
    assert answer.attempts == 3 and data["results"]["bindings"] == []


def test_retries_are_bounded():
    busy = Reply(503, b"busy", {"Retry-After": "0"}, "text/plain")
    with scripted_server([busy]) as script:
        config = endpoint_config(script.url)
        with pytest.raises(EndpointError, match=r"HTTP 503 .*gave up after 5 attempts"):
            Client(config).select("SELECT ?x {}")
    assert len(script.seen) == config.retries + 1


def test_a_retry_pause_longer_than_the_deadline_is_not_waited_for():
    busy = Reply(503, b"busy", {"Retry-After": "30"}, "text/plain")
    with (
        scripted_server([busy]) as script,
        pytest.raises(EndpointError, match="gave up after 1 attempt"),
    ):
        Client(endpoint_config(script.url, timeout=1)).select("SELECT ?x {}")
    assert len(script.seen) == 1


# ---------------------------------------------------------------- authentication


@pytest.mark.parametrize(
    ("auth", "requests", "first_has_credentials"),
    [("auto", 2, False), ("basic", 1, True)],
)
def test_basic_authentication(auth, requests, first_has_credentials):
    with scripted_server([Reply()], basic=(USER, SECRET)) as script:
        config = endpoint_config(script.url, user=USER, password=SECRET, auth=auth)
        Client(config).select("SELECT ?x {}")
    assert len(script.seen) == requests
    assert ("Authorization" in script.seen[0].headers) is first_has_credentials
    assert script.seen[-1].headers["Authorization"].startswith("Basic ")


def test_credentials_written_in_the_url_work_and_are_never_shown():
    with scripted_server(
        [ASK_TRUE, Reply(body=select(["x"], [{"x": literal("1")}]))], basic=(USER, SECRET)
    ) as script:
        url = script.url.replace("http://", f"http://{USER}:{SECRET}@")
        code, output = run("query", "papers", "--endpoint", url, "-f", "csv")
    assert code == 0, output
    assert "Authorization" not in script.seen[0].headers  # sent as a header, not in the URL
    assert script.seen[-1].path == "/sparql"


def _unauthorised(url: str) -> list[str]:
    return ["query", "papers", "--endpoint", url, "--user", USER]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            Reply(401, b"wrong password", {"WWW-Authenticate": 'Basic realm="t"'}, "text/plain"),
            f"the user {USER} was refused",
        ),
        (Reply(500, f"error for {USER}:{SECRET}".encode(), ctype="text/plain"), "HTTP 500"),
        (Reply(404, b"nothing here", ctype="text/plain"), "HTTP 404"),
        (Reply(200, f"<html>{SECRET}</html>".encode(), ctype="text/html"), "HTML page"),
    ],
    ids=["401", "500-echoing-the-password", "404", "html-echoing-the-password"],
)
def test_no_message_contains_the_password(reply, message):
    with scripted_server([reply]) as script:
        code, output = run(*_unauthorised(script.url), env={PASSWORD_ENV: SECRET})
    assert code == 2
    assert message in output
    assert SECRET not in output
    assert "czNjcmV0" not in output  # no piece of a Basic token either


@pytest.mark.parametrize("where", ["url", "env"])
def test_no_password_in_unreachable_or_slow_endpoint_errors(where):
    url = f"http://{USER}:{SECRET}@127.0.0.1:{closed_port()}/sparql"
    args = (
        ["query", "papers", "--endpoint", url]
        if where == "url"
        else [*_unauthorised(url.replace(f"{USER}:{SECRET}@", ""))]
    )
    code, output = run(*args, env={PASSWORD_ENV: SECRET} if where == "env" else None)
    assert code == 2
    assert "connection refused" in output and SECRET not in output


def test_a_missing_login_says_how_to_give_one():
    challenge = Reply(
        401, b"", {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="1"'}, "text/plain"
    )
    with scripted_server([challenge]) as script:
        code, output = run("query", "papers", "--endpoint", script.url)
    assert code == 2
    assert "--user NAME" in output and PASSWORD_ENV in output and "digest" in output


def test_a_user_given_twice_differently_is_a_usage_error():
    code, output = run(
        "query", "papers", "--endpoint", "http://a:b@127.0.0.1:9/sparql", "--user", "c"
    )
    assert code == 2
    assert "--user c and the user a written in the endpoint URL differ" in output
    assert ":b@" not in output


# ---------------------------------------------------------------- row caps


@pytest.mark.parametrize(("cap", "code"), [(2, 2), (3, 0)])
def test_an_answer_cut_at_the_row_cap_is_an_error(tmp_path, cap, code):
    rows = select(["x"], [{"x": literal("1")}, {"x": literal("2")}])
    capped = Reply(body=rows, headers={"X-SPARQL-MaxRows": str(cap)})
    with scripted_server([ASK_TRUE, capped]) as script:
        exit_code, output = run("query", "papers", "--endpoint", script.url, "-f", "csv")
    assert exit_code == code, output
    if code:
        assert f"cut the answer at its limit of {cap} rows" in output
        assert "ResultSetMaxRows" in output


# ---------------------------------------------------------------- default graph


def test_an_endpoint_without_the_ontology_is_warned_about():
    with scripted_server([ASK_FALSE, ASK_FALSE, ASK_FALSE, Reply(body=EMPTY_SELECT)]) as script:
        code, output = run("query", "papers", "--endpoint", script.url, "-f", "csv")
    assert code == 0
    assert "holds no NormSpace ontology" in output
    assert "normspace load FILE... --endpoint URL" in output


def test_oxigraph_union_parameter_is_used_when_it_works():
    with scripted_server([ASK_FALSE, ASK_TRUE, Reply()]) as script:
        store = SparqlEndpointStore(script.url)
        store.query("SELECT ?x WHERE { ?x ?p ?o }")
    assert store.default_graph().mode == "oxigraph"
    assert (
        "union-default-graph" in script.seen[-1].form
        or script.seen[-1].form.get("union-default-graph") is not None
    )


def test_other_servers_get_the_graphs_listed_in_the_request():
    graph = "https://w3id.org/normspace/annotation/x"
    graphs = Reply(body=select(["g"], [{"g": {"type": "uri", "value": graph}}]))
    replies = [
        ASK_FALSE,  # default graph: no ontology
        Reply(400, b"unknown parameter", ctype="text/plain"),  # no union parameter
        ASK_TRUE,  # the ontology is in its named graph
        graphs,  # annotation graphs
        ASK_TRUE,  # ontology graph present
        ASK_FALSE,  # mappings graph absent
        ASK_FALSE,  # imports graph absent
        Reply(),  # the query itself
    ]
    with scripted_server(replies) as script:
        store = SparqlEndpointStore(script.url)
        store.query("SELECT ?x WHERE { ?x ?p ?o }")
    sent = script.seen[-1].form
    assert store.default_graph().mode == "listed"
    assert sorted(sent["default-graph-uri"]) == sorted(["https://w3id.org/normspace", graph])
    assert sent["named-graph-uri"] == sent["default-graph-uri"]


# ---------------------------------------------------------------- paged reads


def _quad_rows(*subjects: str) -> bytes:
    iri = {"type": "uri", "value": "urn:x:p"}
    return select(
        ["s", "p", "o"],
        [{"s": {"type": "uri", "value": s}, "p": iri, "o": literal("v")} for s in subjects],
    )


def test_a_graph_is_read_in_pages_shrunk_to_the_row_cap_with_virtuoso_blank_nodes():
    count = Reply(body=select(["n"], [{"n": literal("3")}]))
    first = Reply(body=_quad_rows("nodeID://b10000", "urn:x:a"), headers={"X-SPARQL-MaxRows": "2"})
    second = Reply(body=_quad_rows("urn:x:b"))
    with scripted_server([count, first, second]) as script:
        quads = list(SparqlEndpointStore(script.url).quads(["urn:x:g"]))
    assert [str(q.subject) for q in quads] == ["_:b10000", "<urn:x:a>", "<urn:x:b>"]
    assert "LIMIT 2 OFFSET 2" in script.seen[-1].form["query"][0]


def test_a_short_paged_read_is_an_error():
    count = Reply(body=select(["n"], [{"n": literal("5")}]))
    with (
        scripted_server([count, Reply(body=_quad_rows("urn:x:a")), Reply()]) as script,
        pytest.raises(EndpointError, match="gave 1 distinct triples of graph <urn:x:g>"),
    ):
        list(SparqlEndpointStore(script.url).quads(["urn:x:g"]))


# ---------------------------------------------------------------- updates refused


def test_virtuoso_refusing_an_anonymous_update_is_explained():
    refused = Reply(
        500,
        b"Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure "
        b"DB.DBA.SPARQL_INSERT_DICT_CONTENT with user ID 107",
        ctype="text/plain",
    )
    with (
        scripted_server([refused]) as script,
        pytest.raises(EndpointError, match="accepts only queries, not updates") as info,
    ):
        Client(endpoint_config(script.url, script.url)).update("DROP SILENT GRAPH <urn:x>")
    assert "/sparql-auth" in str(info.value) and "--update-endpoint" in str(info.value)


def test_the_password_is_asked_for_at_a_terminal_without_echo(monkeypatch):
    monkeypatch.setattr("normspace.cli.options.can_prompt", lambda: True)
    reply = Reply(body=select(["x"], [{"x": literal("1")}]))
    with scripted_server([ASK_TRUE, reply], basic=(USER, SECRET)) as script:
        result = CliRunner().invoke(
            cli,
            ["query", "papers", "--endpoint", script.url, "--user", USER, "-f", "csv"],
            input=SECRET + "\n",
        )
    assert result.exit_code == 0, result.output
    assert f"Password of {USER} at {script.url}" in result.output
    assert SECRET not in result.output


def test_a_scheme_the_server_does_not_accept_is_named():
    challenge = Reply(
        401, b"", {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="1"'}, "text/plain"
    )
    with scripted_server([challenge]) as script:
        code, output = run(
            "query",
            "papers",
            "--endpoint",
            script.url,
            "--user",
            USER,
            "--auth",
            "basic",
            env={PASSWORD_ENV: SECRET},
        )
    assert code == 2
    assert "does not accept --auth basic; the server asks for digest" in output
    assert SECRET not in output
