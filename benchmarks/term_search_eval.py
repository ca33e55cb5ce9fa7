"""How often does ``normspace terms`` find the right term for the words papers use?

Two figures, printed as Markdown tables:

1. **Coverage log.** Every row of the coverage log that ended with an exact term (action
   ``new-term`` or ``missed-existing``: ``term`` holds a CURIE) is a question "the paper
   said PAPER_WORDS; the term is TERM". The words are searched as ``normspace terms
   PAPER_WORDS`` would (all schemes) and within the term's own scheme (as the validator
   and ``--scheme`` do); the table gives how often TERM is in the top 1, 5 and 10.
2. **Evidence quotes.** For every tag of the bundled corpus that carries an evidence quote,
   the quote is searched within the tag's scheme: is the tag in the top 1, 5, 10?

Usage::

    python benchmarks/term_search_eval.py
    python benchmarks/term_search_eval.py --log /tmp/ns/coverage/curator-*.tsv
    python benchmarks/term_search_eval.py --corpus examples/corpus --actions new-term

Deterministic (no sampling, no timing); run on demand, not by the test suite.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from normspace.annotation.document import parse_file
from normspace.namespaces import expand
from normspace.ontology import term_index
from normspace.termsearch import default_search

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOG = ROOT / "examples" / "corpus" / "coverage-log.tsv"
DEFAULT_CORPUS = ROOT / "examples" / "corpus"
EXACT_ACTIONS = ("new-term", "missed-existing")
CUTOFFS = (1, 5, 10)


@dataclass(frozen=True)
class Case:
    """One question: search ``query``; ``iri`` should come back (``group``: table row)."""

    group: str
    query: str
    iri: str


def log_cases(paths: Sequence[Path], actions: Sequence[str]) -> tuple[list[Case], list[str]]:
    """Cases from coverage-log rows with an exact term (a row repeated in several logs
    counts once); also the CURIEs no longer known."""
    index = term_index()
    cases, unknown, seen = [], [], set()
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                term = (row.get("term") or "").strip()
                words = (row.get("paper_words") or "").strip().strip('"')
                if row.get("action") not in actions or not term or not words:
                    continue
                iri = expand(term) or term
                key = (row.get("file"), row.get("slot"), words, iri)
                if key in seen:  # the merged log repeats the curators' rows
                    continue
                seen.add(key)
                if index.get(iri) is None:
                    unknown.append(term)
                    continue
                cases.append(Case(row.get("slot") or "?", words, iri))
    return cases, unknown


def quote_cases(corpus: Path) -> tuple[list[Case], int]:
    """Cases from every evidence quote on a term tag of the corpus; also unreadable files."""
    cases, unreadable = [], 0
    for path in sorted(corpus.glob("*.yaml")):
        parsed = parse_file(path)
        if parsed.document is None:
            unreadable += 1
            continue
        annotation = parsed.document.annotation
        holders = [annotation.tags, *(c.tags for c in annotation.contributions)]
        for tags in holders:
            for slot, uses in sorted(tags.items()):
                for use in uses:
                    for evidence in use.evidence:
                        if use.term and evidence.quote:
                            cases.append(Case(slot, evidence.quote, use.term))
    return cases, unreadable


def ranks(cases: Iterable[Case], restrict: bool) -> list[tuple[Case, int | None]]:
    """Each case with the 1-based rank of its term (None: not found at all)."""
    search, index = default_search(), term_index()
    out = []
    for case in cases:
        scheme = index.get(case.iri).scheme if restrict else None
        found = [hit.term.iri for hit in search.search(case.query, scheme)]
        out.append((case, found.index(case.iri) + 1 if case.iri in found else None))
    return out


def table(title: str, ranked: list[tuple[Case, int | None]]) -> str:
    """Markdown: per group and overall, n and the share found within each cutoff."""
    groups: dict[str, list[int | None]] = defaultdict(list)
    for case, rank in ranked:
        groups[case.group].append(rank)
    head = "| " + " | ".join(["slot", "n", *(f"top-{k}" for k in CUTOFFS)]) + " |"
    lines = [f"### {title}", "", head, "|" + "---|" * (2 + len(CUTOFFS))]

    def row(name: str, found: list[int | None]) -> str:
        shares = [
            f"{sum(1 for r in found if r is not None and r <= k) / len(found):.0%}" for k in CUTOFFS
        ]
        return "| " + " | ".join([name, str(len(found)), *shares]) + " |"

    for name in sorted(groups):
        lines.append(row(name, groups[name]))
    every = [rank for _case, rank in ranked]
    if every:
        lines.append(row("**all**", every))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", nargs="+", type=Path, default=[DEFAULT_LOG])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--actions", nargs="+", default=list(EXACT_ACTIONS))
    args = parser.parse_args(argv)
    logs = [p for p in args.log if p.exists()]
    print(f"## Term search hit rate ({len(term_index())} terms in the ontology)\n")
    cases, unknown = log_cases(logs, args.actions)
    print(
        f"Coverage log: {', '.join(str(p) for p in logs) or '(none found)'}; "
        f"{len(cases)} rows with an exact term ({', '.join(args.actions)})"
        + (f"; {len(unknown)} rows name a term that no longer exists" if unknown else "")
        + "\n"
    )
    if cases:
        print(table("Coverage log, all schemes (`normspace terms WORDS`)", ranks(cases, False)))
        print(table("Coverage log, within the term's scheme", ranks(cases, True)))
    quotes, unreadable = quote_cases(args.corpus)
    print(
        f"Corpus {args.corpus}: {len(quotes)} tags with an evidence quote"
        + (f"; {unreadable} files could not be read" if unreadable else "")
        + "\n"
    )
    if quotes:
        print(table("Evidence quotes, within the tag's scheme", ranks(quotes, True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
