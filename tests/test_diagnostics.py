"""The shared diagnostics vocabulary: one severity, one suggestion helper, one label helper."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdflib.namespace import SH

from normspace.diagnostics import (
    QC_SEVERITIES,
    SHACL_SEVERITIES,
    Finding,
    Severity,
    finding_sort_key,
    label,
    suggest,
)

NORM = "https://w3id.org/normspace#"


@pytest.mark.parametrize(
    ("qc", "shacl", "reader"),
    [("ERROR", "Violation", "error"), ("WARN", "Warning", "warning"), ("INFO", "Info", "info")],
)
def test_every_spelling_maps_to_one_severity(qc: str, shacl: str, reader: str) -> None:
    level = Severity.from_qc(qc)
    assert level is Severity.from_shacl(SH[shacl]) is Severity.from_shacl(shacl)
    assert level is Severity.parse(reader) is Severity.parse(qc) is Severity.parse(SH[shacl])
    assert (level.qc, level.shacl, level.value) == (qc, shacl, reader)
    assert level.shacl_iri == SH[shacl]
    assert level == reader and str(level) == reader


def test_severity_order_is_most_severe_first() -> None:
    assert [s.rank for s in Severity] == [0, 1, 2]
    assert QC_SEVERITIES == ("ERROR", "WARN", "INFO")
    assert SHACL_SEVERITIES == ("Violation", "Warning", "Info")


def test_unknown_severities() -> None:
    with pytest.raises(ValueError, match="`FATAL` is not one of ERROR, WARN, INFO"):
        Severity.from_qc("FATAL")
    with pytest.raises(ValueError, match="`fatal` is not one of error, warning, info"):
        Severity.parse("fatal")
    # SHACL allows custom severities; engines treat them as failing conformance
    assert Severity.from_shacl("https://example.org/Critical") is Severity.ERROR


def test_qc_header_severity_is_case_insensitive() -> None:
    assert Severity.from_qc(" warn ") is Severity.WARNING


def test_suggest_folds_case_and_keeps_the_candidates_spelling() -> None:
    assert suggest("RLFH", ["RLHF", "DPO", "Constitutional AI"]) == ["RLHF"]
    assert suggest("constitutional ai", ["Constitutional AI", "DPO"]) == ["Constitutional AI"]
    assert suggest("xyz", ["RLHF"]) == []
    assert suggest("fairnes", ["Fairness", "fairness", "Fairness"], n=3) == ["Fairness"]


def test_suggest_respects_n_and_cutoff() -> None:
    candidates = ["value1", "value2", "value3", "value4"]
    assert len(suggest("value", candidates, n=2)) == 2
    assert suggest("valu", ["value"], cutoff=0.95) == []


def test_label_uses_curie_and_a_distinct_label() -> None:
    assert label(NORM + "RLHF") == "norm:RLHF"
    assert label(NORM + "RLHF", {NORM + "RLHF": "rlhf"}) == "norm:RLHF"
    assert label(NORM + "EndUsers", {NORM + "EndUsers": "end users"}) == (
        "norm:EndUsers (end users)"
    )
    assert label("https://example.org/x") == "https://example.org/x"
    assert label(None) == ""


def test_finding_level_and_sort() -> None:
    info = Finding("r", "INFO", NORM + "A", "m")
    error = Finding("r", "ERROR", NORM + "B", "m")
    assert info.level is Severity.INFO
    assert sorted([info, error], key=finding_sort_key) == [error, info]
    assert json.loads(json.dumps(error.to_dict()))["severity"] == "ERROR"


def test_reader_problem_severity_is_plain_and_has_a_level() -> None:
    from normspace.annotation.problems import ERROR, Problem

    problem = Problem("x.yaml", "m", "rule")
    assert type(problem.severity) is str and problem.severity == ERROR
    assert problem.level is Severity.ERROR


def test_check_and_validate_use_the_same_severity() -> None:
    from normspace.annotation.report_graph import SEVERITY_IRIS
    from normspace.qc import SEVERITIES, SHACL_SEVERITY
    from normspace.shacl import SEVERITIES as SHACL_NAMES

    assert SEVERITIES == QC_SEVERITIES and SHACL_NAMES == SHACL_SEVERITIES
    assert SHACL_SEVERITY == {"Violation": "ERROR", "Warning": "WARN", "Info": "INFO"}
    assert {"error": SH.Violation, "warning": SH.Warning, "info": SH.Info} == SEVERITY_IRIS


def test_metadata_does_not_import_qc() -> None:
    """Regression (issue 7): ``metadata`` imported ``Finding`` from ``qc`` while ``qc``
    imported ``metadata`` (an import cycle, papered over with a function-level import).
    ``Finding`` now lives in ``diagnostics``."""
    code = "import sys, normspace.metadata; print('normspace.qc' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_diagnostics_imports_nothing_heavy() -> None:
    """Any module must be able to import diagnostics without a cycle: it may only use
    ``namespaces`` from the package."""
    code = (
        "import sys, normspace.diagnostics; "
        "print(sorted(m for m in sys.modules if m.startswith('normspace.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['normspace.diagnostics', 'normspace.namespaces']"
