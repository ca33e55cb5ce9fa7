"""Query headers, parameter declarations and binding, and library look-up."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from normspace.errors import InputError, UnknownTermError
from normspace.namespaces import NORM
from normspace.querylib import library, parse_header, parse_param, parse_query

from .conftest import QUERY_DATA

FILES = QUERY_DATA / "files"


def test_header_fields_continuation_lines_and_end_of_header():
    text = (
        "# title: T\n# description: first line\n#   second line\n# param: ?a iri - x\n"
        "PREFIX norm: <https://w3id.org/normspace#>\n# title: not header\nSELECT * {}"
    )
    assert parse_header(text) == {
        "title": ["T"],
        "description": ["first line second line"],
        "param": ["?a iri - x"],
    }


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "?approach norm:AlignmentApproach term - the approach",
            ("term", "AlignmentApproachScheme", None, False),
        ),
        (
            "?level norm:Value level - a level [norm:ValueScheme]",
            ("level", "ValueScheme", "norm:ValueScheme", False),
        ),
        ("?s scheme - a scheme [optional]", ("scheme", None, None, True)),
        (
            "?role norm:ContributionRole term - a role [optional: proposes or no role]",
            ("term", "ContributionRoleScheme", None, True),
        ),
        ("?n xsd:integer - at least [2]", ("literal", None, "2", False)),
        ("?p iri - a property", ("iri", None, None, False)),
        ("?t term - any term", ("term", None, None, False)),
    ],
)
def test_param_declarations(spec, expected):
    param = parse_param(spec)
    scheme = param.scheme.removeprefix(str(NORM)) if param.scheme else None
    assert (param.kind, scheme, param.default, param.optional) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("approach norm:AlignmentApproach term", r"expected `\?name TYPE - description"),
        ("?x norm:Vlaue term - a value", "did you mean `norm:Value`?"),
        ("?x xsd:float - a number", "unknown type `xsd:float`"),
        (
            "?r norm:ContributionRole term - a role [optional: ]",
            r"`\[optional:\]` needs the meaning",
        ),
    ],
)
def test_bad_param_declarations_are_explained(spec, message):
    with pytest.raises(InputError, match=message):
        parse_param(spec)


def test_an_optional_parameter_can_say_what_unbound_means():
    """`[optional: MEANING]` leaves the variable unbound like `[optional]` and keeps the
    meaning for `query --list` and the reference page."""
    param = parse_param("?role norm:ContributionRole term - a role [optional: proposes or none]")
    assert (param.unbound, param.required, param.default) == ("proposes or none", False, None)
    assert parse_param("?s scheme - a scheme [optional]").unbound is None


def test_a_query_file_with_a_bad_parameter_type_names_the_file():
    with pytest.raises(InputError, match="bad-param-type.rq"):
        parse_query(FILES / "bad-param-type.rq")


def test_binding_resolves_curies_labels_defaults_and_literals():
    query = parse_query(FILES / "count-tags.rq")
    assert query.bind({"property": "norm:hasValue"}) == {
        "property": NORM.hasValue,
        "min": Literal("2", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    }
    approach = library().get("papers-by-approach")
    assert approach.bind({"approach": "Constitutional AI"}) == {"approach": NORM.ConstitutionalAI}


@pytest.mark.parametrize(
    ("query", "values", "message"),
    [
        ("papers-by-approach", {}, r"needs parameter \?approach"),
        ("papers-by-approach", {"approach": "norm:RLHG"}, "did you mean `norm:RLHF`"),
        ("papers-by-approach", {"approach": "norm:Fairness"}, "belongs to norm:ValueScheme"),
        ("papers-by-approach", {"approch": "norm:RLHF"}, r"did you mean \?approach\?"),
        ("papers", {"x": "1"}, "takes no parameters"),
        ("coverage-gaps", {"valueLevel": "norm:ContextScheme"}, "norm:ValueScheme"),
        ("term-usage", {"scheme": "valus"}, "did you mean `norm:ValueScheme`"),
    ],
)
def test_binding_errors_say_what_is_wrong(query, values, message):
    with pytest.raises(InputError, match=message):
        library().get(query).bind(values)


def test_unknown_term_parameter_is_an_unknown_term_error():
    with pytest.raises(UnknownTermError) as info:
        library().get("stated-assumptions").bind({"type": "norm:ConsensusExist"})
    assert "norm:ConsensusExists" in info.value.suggestions


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"property": "not an iri"}, "not an absolute IRI"),
        ({"property": "norm:hasValue", "min": "two"}, "not a valid xsd:integer"),
    ],
)
def test_literal_and_iri_parameters_are_validated(values, message):
    with pytest.raises(InputError, match=message):
        parse_query(FILES / "count-tags.rq").bind(values)


def test_library_lookup_suggests_close_names_and_reads_files():
    with pytest.raises(InputError, match="did you mean `papers-by-approach`"):
        library().get("papers-by-approch")
    assert library().get(str(FILES / "count-tags.rq")).title.startswith("Contributions with")
    with pytest.raises(InputError, match="does not exist"):
        library().get("missing.rq")


def test_qc_queries_are_in_the_library_but_not_top_level():
    names = set(library().queries)
    top = {q.name for q in library().top_level()}
    assert any(n.startswith("qc/") for n in names)
    assert not any("/" in n for n in top)


def test_binding_directive_is_checked(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# title: T\n# binding: fast\nSELECT * {}")
    with pytest.raises(InputError, match="must be `substitution` or `values`"):
        parse_query(path)
    assert library().get("approach-profile").inline
    assert not library().get("papers-by-approach").inline


@pytest.mark.parametrize(
    ("value", "scheme"),
    [
        ("design_goals", "norm:DesignGoalScheme"),
        ("normative_input_from", "norm:StakeholderScheme"),
        ("research-methods", "norm:ResearchMethodScheme"),
        ("assumptions", "norm:AssumptionTypeScheme"),
        ("trade_off_resolution", "norm:ResolutionStrategyScheme"),
        ("norm:Value", "norm:ValueScheme"),
    ],
)
def test_a_scheme_can_be_named_by_its_annotation_slot(value, scheme) -> None:
    """Regression (issue 9 review): `terms --tree design_goals` said the slot key was an
    unknown scheme, though annotators know the schemes by their slot keys."""
    from normspace.namespaces import curie
    from normspace.querylib import resolve_scheme

    assert curie(resolve_scheme(value)) == scheme


def test_an_unknown_scheme_suggests_each_scheme_once() -> None:
    from normspace.errors import InputError
    from normspace.querylib import resolve_scheme

    with pytest.raises(InputError) as caught:
        resolve_scheme("desing goals")
    assert str(caught.value) == (
        "scheme: unknown concept scheme `desing goals`; did you mean `norm:DesignGoalScheme`?"
    )
