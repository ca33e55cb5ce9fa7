"""``normspace release --corpus``: the citable data package of a corpus (issue 11, part 4).

The packages are built through the CLI (click's CliRunner); the second build of each corpus
runs in a separate process with another hash seed, so that "byte-identical" covers
rdflib's and Python's set orders, not only one process's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib.namespace as rdfns
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from ruamel.yaml import YAML

from normspace.annotation.rdf_io import CONTEXT_IRI, jsonld_context
from normspace.cli.main import cli
from normspace.datapackage import (
    CITATION,
    CRATE,
    JSONLD,
    NQUADS,
    SUMS,
    TRIG,
    Author,
    DatasetMetadata,
    author_option,
    nquads_text,
    resolve_metadata,
    stable_graph,
    trig_text,
)
from normspace.errors import InputError
from normspace.loading import build_store
from normspace.resources import corpus_dir
from normspace.store import REFERENCE_GRAPHS, from_oxigraph
from normspace.validation import check_loadable, validate_files

REPO = Path(__file__).resolve().parents[2]
TEST_CORPUS = REPO / "tests" / "data" / "queries" / "corpus"
METADATA = REPO / "tests" / "data" / "release-corpus" / "CITATION.cff"
CFF_REQUIRED = ("cff-version", "message", "title", "authors", "version", "date-released")


def _env(seed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONHASHSEED"] = seed
    return env


def _subprocess_build(args: list[str], seed: str) -> subprocess.Popen:
    """The same build in another process (another hash seed), started now."""
    code = "from normspace.cli.main import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "-q", "release", *args],
        env=_env(seed),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _build_twice(tmp: Path, args: list[str]) -> tuple[Path, Path]:
    """Build in-process and, at the same time, in a subprocess; both must succeed."""
    first, second = tmp / "first", tmp / "second"
    other = _subprocess_build([*args, "-o", str(second)], seed="4242")
    result = CliRunner().invoke(cli, ["-q", "release", *args, "-o", str(first)])
    out, err = other.communicate(timeout=600)
    assert result.exit_code == 0, result.output
    assert other.returncode == 0, err
    return first, second


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    tmp = tmp_path_factory.mktemp("packages")
    (tmp / "test").mkdir()
    (tmp / "bundled").mkdir()
    return {
        "test": _build_twice(
            tmp / "test", ["--corpus", str(TEST_CORPUS), "--metadata", str(METADATA)]
        ),
        "bundled": _build_twice(tmp / "bundled", ["--corpus", str(REPO / "examples" / "corpus")]),
    }


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _crate(root: Path) -> dict[str, dict]:
    document = json.loads((root / CRATE).read_text(encoding="utf-8"))
    return {entity["@id"]: entity for entity in document["@graph"]}


def _ids(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item["@id"] for item in items]


@pytest.mark.parametrize("corpus", ["test", "bundled"])
def test_two_builds_are_byte_identical(packages, corpus: str) -> None:
    first, second = packages[corpus]
    a, b = _files(first), _files(second)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


@pytest.mark.parametrize("corpus", ["test", "bundled"])
def test_ro_crate_has_the_required_entities(packages, corpus: str) -> None:
    root = packages[corpus][0]
    crate = _crate(root)
    descriptor = crate[CRATE]
    assert descriptor["@type"] == "CreativeWork"
    assert descriptor["about"] == {"@id": "./"}
    assert descriptor["conformsTo"]["@id"].startswith("https://w3id.org/ro/crate/1.")
    dataset = crate["./"]
    assert dataset["@type"] == "Dataset"
    for key in ("name", "description", "datePublished", "license", "version"):
        assert dataset.get(key), key
    dt.date.fromisoformat(dataset["datePublished"])
    licence = crate[dataset["license"]["@id"]]
    assert licence["@type"] == "CreativeWork"
    assert dataset["license"]["@id"].startswith("https://spdx.org/licenses/")
    for author in _ids(dataset["author"]):
        assert crate[author]["@type"] in ("Person", "Organization")
        assert crate[author]["name"]


@pytest.mark.parametrize("corpus", ["test", "bundled"])
def test_every_file_is_a_data_entity_with_its_size(packages, corpus: str) -> None:
    root = packages[corpus][0]
    crate = _crate(root)
    parts = set(_ids(crate["./"]["hasPart"]))
    on_disk = set(_files(root)) - {CRATE}
    assert parts == on_disk
    for name in sorted(parts):
        entity = crate[name]
        assert entity["@type"] == "File"
        assert int(entity["contentSize"]) == (root / name).stat().st_size, name
        assert entity["encodingFormat"] and entity["description"]


@pytest.mark.parametrize("corpus", ["test", "bundled"])
def test_checksums_cover_every_other_file(packages, corpus: str) -> None:
    root = packages[corpus][0]
    lines = (root / SUMS).read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = re.fullmatch(r"([0-9a-f]{64})  (.+)", line).groups()
        listed[name] = digest
    assert set(listed) == set(_files(root)) - {SUMS}
    for name, digest in listed.items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, name


def test_authors_carry_orcid_and_affiliation(packages) -> None:
    crate = _crate(packages["test"][0])
    person = crate["https://orcid.org/0000-0002-1825-0097"]
    assert (person["@type"], person["familyName"], person["givenName"]) == (
        "Person",
        "Carberry",
        "Josiah",
    )
    assert crate[person["affiliation"]["@id"]] == {
        "@id": "#brown-university",
        "@type": "Organization",
        "name": "Brown University",
    }
    assert _ids(crate["./"]["author"]) == [
        "https://orcid.org/0000-0002-1825-0097",
        "#normspace-test-fixtures",
    ]
    assert crate["./"]["license"] == {"@id": "https://spdx.org/licenses/CC-BY-4.0"}


#: The validator, run in a process of its own: it runs pySHACL with OWL RL inference, and owlrl
#: registers rdflib literal converters for the whole process (afterwards "20220"^^xsd:gYear
#: counts as ill-typed, which changed the results of tests/test_shapes.py when it ran here).
#: It fetches the RO-Crate context over the network: the copy that ro-crate-py ships is
#: served instead, and any other URL fails (no network in the tests).
VALIDATE = """
import json, sys
from importlib import resources
from rocrate_validator import models, services
from rocrate_validator.utils.http import HttpRequester

context = json.loads(resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_text("utf-8"))

class Response:
    status_code = 200
    headers = {"Content-Type": "application/ld+json"}
    def json(self):
        return context

def get(self, url, *args, **kwargs):
    assert url == context["@id"], f"the validator asked for {url}"
    return Response()

setattr(HttpRequester, "get", get)  # otherwise served by __getattr__
root, profile = sys.argv[1:3]
found = {}
for level in ("REQUIRED", "RECOMMENDED"):
    result = services.validate(services.ValidationSettings(
        rocrate_uri=root, profile_identifier=profile,
        requirement_severity=getattr(models.Severity, level)))
    found[level] = [[i.check.identifier, i.message] for i in result.get_issues()]
print(json.dumps(found))
"""


def _validate_crate(root: Path) -> dict[str, list[list[str]]]:
    """Issues per severity level (``REQUIRED``, ``RECOMMENDED``): [check id, message]."""
    profile = "ro-crate-" + _crate(root)[CRATE]["conformsTo"]["@id"].rsplit("/", 1)[1]
    done = subprocess.run(
        [sys.executable, "-c", VALIDATE, str(root), profile],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


#: Recommendations that only metadata the user did not give can meet: a publisher (56.1),
#: an affiliation for every author (80.2, 80.3), an organisation's URL (86.2), ROR iD (89.0)
#: and contact point (90.1, 93.0). The package invents none of them.
UNGIVEN = {
    f"ro-crate-1.2_{check}" for check in ("56.1", "80.2", "80.3", "86.2", "89.0", "90.1", "93.0")
}


@pytest.mark.parametrize("corpus", ["test", "bundled"])
def test_roc_validator_accepts_the_crate(packages, corpus: str) -> None:
    pytest.importorskip("rocrate_validator", reason="roc-validator is in the test extras")
    issues = _validate_crate(packages[corpus][0])
    assert [message for _, message in issues["REQUIRED"]] == []
    checks = {check for check, _ in issues["RECOMMENDED"]}
    assert checks <= UNGIVEN, issues["RECOMMENDED"]


def test_citation_cff_has_the_required_keys(packages) -> None:
    data = YAML(typ="safe", pure=True).load((packages["test"][0] / CITATION).read_text())
    assert [key for key in CFF_REQUIRED if key not in data] == []
    assert data["cff-version"] == "1.2.0"
    assert data["type"] == "dataset"
    assert (data["title"], data["version"], data["license"]) == (
        "Test corpus of the NormSpace query library",
        "1.2.0",
        "CC-BY-4.0",
    )
    assert data["date-released"] == "2026-11-27"  # the newest annotation date
    assert data["authors"] == [
        {
            "family-names": "Carberry",
            "given-names": "Josiah",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
            "affiliation": "Brown University",
        },
        {"name": "NormSpace test fixtures"},
    ]


def test_bundled_corpus_names_the_project_as_author(packages) -> None:
    data = YAML(typ="safe", pure=True).load((packages["bundled"][0] / CITATION).read_text())
    assert data["authors"] == [{"name": "NormSpace contributors"}]
    assert data["license"] == "Apache-2.0"


CORPORA = {"test": TEST_CORPUS, "bundled": REPO / "examples" / "corpus"}


@pytest.fixture(scope="module")
def store_graphs() -> dict[str, dict[str, Graph]]:
    """Per corpus (built on first use): the annotation graphs exactly as the embedded
    store holds them."""
    cache: dict[str, dict[str, Graph]] = {}

    def graphs_of(corpus: str) -> dict[str, Graph]:
        if corpus not in cache:
            documents = check_loadable(validate_files([CORPORA[corpus]]))
            store, _ = build_store(None, documents)
            cache[corpus] = {
                iri: _rdflib_graph(store.quads([iri]))
                for iri in store.graphs()
                if iri not in REFERENCE_GRAPHS
            }
            store.close()
        return cache[corpus]

    return graphs_of


def _rdflib_graph(quads) -> Graph:
    graph = Graph()
    for quad in quads:
        terms = (quad.subject, quad.predicate, quad.object)
        graph.add(tuple(from_oxigraph(t) for t in terms))
    return graph


def _named_graphs(dataset: Dataset) -> dict[str, Graph]:
    graphs = {}
    for context in dataset.graphs():
        if len(context) and isinstance(context.identifier, URIRef):
            graphs[str(context.identifier)] = Graph() + context
    return graphs


def _jsonld_dataset(path: Path) -> Dataset:
    """The JSON-LD, read with the bundled copy of the published context (no network)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["@context"] == CONTEXT_IRI
    document["@context"] = jsonld_context()
    return Dataset().parse(data=json.dumps(document), format="json-ld")


@pytest.mark.parametrize("corpus", ["test", "bundled"])
@pytest.mark.parametrize(
    ("name", "read"),
    [
        (TRIG, lambda p: Dataset().parse(p, format="trig")),
        (NQUADS, lambda p: Dataset().parse(p, format="nquads")),
        (JSONLD, _jsonld_dataset),
    ],
    ids=["trig", "nquads", "jsonld"],
)
def test_rdf_holds_exactly_the_store_graphs(packages, store_graphs, corpus, name, read) -> None:
    expected = store_graphs(corpus)
    graphs = _named_graphs(read(packages[corpus][0] / name))
    assert sorted(graphs) == sorted(expected)
    unequal = [iri for iri in graphs if not isomorphic(graphs[iri], expected[iri])]
    assert unequal == []


def test_data_card_describes_the_corpus(packages) -> None:
    card = (packages["test"][0] / "README.md").read_text(encoding="utf-8")
    for text in (
        "# Test corpus of the NormSpace query library",
        "7 papers (2019–2024) in 8 annotations; 1 paper is annotated by more than one",
        "| machine learning | 4 |",
        "| Fixture Annotator A |",
        "| values |",
        "Krippendorff's alpha per slot",
        "https://w3id.org/normspace/0.1.0",
        "Carberry, Josiah; NormSpace test fixtures (2026). *Test corpus",
    ):
        assert text in card, text


# ---------------------------------------------------------------------------
# Metadata resolution
# ---------------------------------------------------------------------------

FULL = DatasetMetadata(
    title="T", description="D", version="1", license="CC0-1.0", authors=(Author(name="G"),)
)


@pytest.mark.parametrize(
    ("option", "epoch", "expected"),
    [
        (dt.date(2030, 1, 2), "0", dt.date(2030, 1, 2)),  # the option wins
        (None, "1767225600", dt.date(2026, 1, 1)),  # then SOURCE_DATE_EPOCH
        (None, None, dt.date(2026, 11, 27)),  # then the newest annotation date
    ],
)
def test_release_date_never_comes_from_the_clock(tmp_path, monkeypatch, option, epoch, expected):
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    documents = check_loadable(validate_files([TEST_CORPUS]))
    options = DatasetMetadata(**{**vars(FULL), "date_released": option})
    meta = resolve_metadata(tmp_path, documents, None, options)
    assert meta.date_released == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Carberry, Josiah", Author(family="Carberry", given="Josiah")),
        ("NormSpace contributors", Author(name="NormSpace contributors")),
        ("de la Cruz, María", Author(family="de la Cruz", given="María")),
    ],
)
def test_author_option(text: str, expected: Author) -> None:
    assert author_option(text) == expected


def test_options_override_the_metadata_file(tmp_path) -> None:
    documents = check_loadable(validate_files([TEST_CORPUS]))
    meta = resolve_metadata(
        tmp_path, documents, METADATA, DatasetMetadata(version="2.0.0", license="CC0-1.0")
    )
    assert (meta.title, meta.version, meta.license) == (
        "Test corpus of the NormSpace query library",
        "2.0.0",
        "CC0-1.0",
    )


def test_the_bundled_corpus_has_its_own_metadata() -> None:
    documents = check_loadable(validate_files([TEST_CORPUS]))[:1]
    meta = resolve_metadata(corpus_dir(), documents, None, DatasetMetadata())
    assert [a.display for a in meta.authors] == ["NormSpace contributors"]


def test_missing_metadata_names_the_options(tmp_path) -> None:
    documents = check_loadable(validate_files([TEST_CORPUS]))
    with pytest.raises(InputError) as info:
        resolve_metadata(tmp_path, documents, None, DatasetMetadata(title="T"))
    assert str(info.value).startswith(
        "the data package needs description, version, license, authors: pass "
        "--description TEXT, --dataset-version VERSION, --license SPDX-ID (e.g. CC-BY-4.0), "
        '--author "Family, Given" (repeatable)'
    )


# ---------------------------------------------------------------------------
# Bad input: one message, the right exit code, nothing written
# ---------------------------------------------------------------------------


def _corpus_copy(tmp_path: Path, files: int = 2) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(TEST_CORPUS.glob("*.yaml"))[:files]:
        shutil.copy(path, corpus / path.name)
    return corpus


def _invalid_corpus(tmp_path: Path) -> Path:
    corpus = _corpus_copy(tmp_path)
    path = corpus / "alfrink2023.yaml"
    path.write_text(path.read_text().replace("norm:Accountability", "norm:NoSuchValue"))
    return corpus


CASES = [
    # (id, corpus maker, extra arguments, exit code, expected message start)
    ("invalid-corpus", _invalid_corpus, ["--metadata", str(METADATA)], 1, None),
    (
        "no-metadata",
        _corpus_copy,
        [],
        2,
        "error: the data package needs title, description, version, license, authors: pass "
        "--title TEXT,",
    ),
    (
        "bad-licence",
        _corpus_copy,
        ["--metadata", str(METADATA), "--license", "CC BY"],
        2,
        "error: --license: `CC BY` is not an SPDX licence identifier (e.g. CC-BY-4.0)",
    ),
    (
        "bad-date",
        _corpus_copy,
        ["--metadata", str(METADATA), "--date-released", "04/12/2026"],
        2,
        "error: --date-released: `04/12/2026` is not a date; give YYYY-MM-DD",
    ),
    (
        "ontology-option",
        _corpus_copy,
        ["--metadata", str(METADATA), "--record"],
        2,
        "Error: --record: only for an ontology release; leave them out with --corpus",
    ),
]


@pytest.mark.parametrize(
    ("make", "args", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input(tmp_path, make, args, code, message) -> None:
    corpus = make(tmp_path)
    out = tmp_path / "package"
    result = CliRunner().invoke(cli, ["release", "--corpus", str(corpus), "-o", str(out), *args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if message is not None:
        assert result.output.splitlines()[-1].startswith(message), result.output
    else:
        assert "alfrink2023.yaml" in result.output and "NoSuchValue" in result.output
    assert not out.exists()
    assert not (tmp_path / "package.building").exists()


def test_dataset_option_without_corpus_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["release", "--author", "Doe, Jane"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: --author: only for a data package; add --corpus DIR"
    )


def test_bad_orcid_in_the_metadata_file_names_file_and_author(tmp_path) -> None:
    corpus = _corpus_copy(tmp_path)
    (corpus / "CITATION.cff").write_text(
        METADATA.read_text().replace("0000-0002-1825-0097", "1234")
    )
    result = CliRunner().invoke(
        cli, ["release", "--corpus", str(corpus), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"error: {corpus / 'CITATION.cff'}: authors[0]: `https://orcid.org/1234` is not an "
        "ORCID iD; give https://orcid.org/0000-0002-1825-0097 or 0000-0002-1825-0097"
    )


def test_output_folder_rules(tmp_path) -> None:
    corpus = _corpus_copy(tmp_path, files=1)
    out = tmp_path / "package"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    args = ["release", "--corpus", str(corpus), "--metadata", str(METADATA), "-o", str(out)]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2
    assert "is not empty and holds no earlier data package" in refused.output
    (out / "notes.txt").unlink()
    assert CliRunner().invoke(cli, args).exit_code == 0  # empty folder
    assert CliRunner().invoke(cli, args).exit_code == 0  # an earlier package: replaced
    (out / "figures" / "mine.svg").write_text("<svg/>")
    mixed = CliRunner().invoke(cli, args)
    assert mixed.exit_code == 2
    assert "holds an earlier data package and other files (figures/mine.svg)" in mixed.output
    inside = CliRunner().invoke(cli, [*args[:-1], str(corpus / "pkg")])
    assert inside.exit_code == 2
    assert "is inside --corpus" in inside.output


@pytest.mark.parametrize(
    "literal",
    [
        Literal("9", datatype=rdfns.XSD.decimal),  # Turtle's shorthand would write 9.0
        Literal("1e3", datatype=rdfns.XSD.double),
        Literal("007", datatype=rdfns.XSD.integer),
        Literal("first line\n    second line, indented"),
        Literal('a "quoted" word', lang="en"),
    ],
    ids=["decimal", "double", "integer-leading-zeros", "multi-line", "quotes"],
)
def test_trig_keeps_every_literal_exactly(literal: Literal) -> None:
    iri = "https://w3id.org/normspace/annotation/doi/10.1/x/a"
    graph = Graph()
    node = BNode()
    graph.add((URIRef(iri), URIRef("https://schema.org/value"), node))
    graph.add((node, URIRef("https://schema.org/value"), literal))
    stable = stable_graph(iri, graph)
    for text, fmt in ((trig_text({iri: stable}), "trig"), (nquads_text({iri: stable}), "nquads")):
        read = _named_graphs(Dataset().parse(data=text, format=fmt))
        assert list(read) == [iri]
        assert isomorphic(read[iri], graph), text
