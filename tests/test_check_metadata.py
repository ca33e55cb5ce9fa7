"""`normspace check` runs the FOOPS!-style metadata checklist (issue 4, section 3)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from normspace.cli.main import cli
from normspace.ontology import ontology_files
from normspace.qc import run_check


def test_bundled_ontology_passes_every_metadata_check() -> None:
    report = run_check(reasoner=False)
    checklist = report.stats["metadata"]
    assert checklist and all(c["passed"] for c in checklist), checklist
    names = {c["check"] for c in checklist}
    assert {"licence", "version IRI differs from ontology IRI", "terms with definitions"} <= names


def test_missing_citation_shows_as_failed_check_and_fails_check(tmp_path: Path) -> None:
    files = ontology_files()
    core = files[0].read_text(encoding="utf-8")
    header_citation = 'dcterms:bibliographicCitation "'
    lines = [ln for ln in core.splitlines() if not ln.strip().startswith(header_citation)]
    broken = tmp_path / "normspace.ttl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["check", "--no-reasoner", "--ontology", str(broken)]
    for f in files[1:]:
        args += ["--ontology", str(f)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "[ ] citation: no <http://purl.org/dc/terms/bibliographicCitation>" in result.output
