"""``docs/coverage.md``: the vocabulary-coverage trend and the make-up of the bundled corpus,
generated from the corpus files and its two logs so that the page cannot drift from the data.

Regenerate with ``python -m normspace.coveragereport`` (a test checks the committed page is
the generated one).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .annotation import parse_file
from .annotation.model import Annotation
from .errors import InputError
from .namespaces import NORM_IRI
from .ontology import term_index
from .vocabcoverage import (
    ACTIONS,
    SLOTS,
    Annotated,
    Gap,
    Shares,
    action_counts,
    check_log,
    check_terms,
    first_and_last,
    read_gaps,
    read_order,
    shares,
)

GAP_LOG = "coverage-log.tsv"
ORDER_LOG = "annotation-log.tsv"
#: Disciplines that count as machine learning for the "outside machine learning" share.
ML_DISCIPLINES = frozenset(NORM_IRI + d for d in ("MachineLearning", "NaturalLanguageProcessing"))
#: The trend compares this many papers at each end of the annotation order.
TREND_PAPERS = 20


@dataclass
class Corpus:
    """The annotation files of a corpus folder, read, with its logs."""

    folder: Path
    annotations: dict[str, Annotation]
    gaps: list[Gap]
    order: list[Annotated]
    #: IRIs of the grouping terms of the ontology (catch-alls, see ``vocabcoverage.shares``).
    grouping: frozenset[str] = frozenset()


def read_corpus(folder: Path) -> Corpus:
    """Read every annotation file and both logs; a file that cannot be read is an error
    (the page would otherwise silently count fewer papers)."""
    annotations: dict[str, Annotation] = {}
    for path in sorted(folder.glob("*.yaml")):
        parsed = parse_file(path)
        if parsed.document is None:
            raise InputError(f"{path}: cannot be read: {parsed.problems[0].message}")
        annotations[path.name] = parsed.document.annotation
    gaps = read_gaps(folder / GAP_LOG)
    order = read_order(folder / ORDER_LOG)
    check_log(gaps, order, annotations, folder / GAP_LOG)
    index = term_index()
    check_terms(gaps, (t.curie for t in index.terms.values()), folder / GAP_LOG)
    grouping = frozenset(t.iri for t in index.terms.values() if t.grouping)
    return Corpus(folder, annotations, gaps, order, grouping)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def _share_cells(share: Shares, slot: str | None) -> list[str]:
    s = share.total if slot is None else share.slots.get(slot)
    if s is None or not s.facets:
        return ["–", "–", "–"]
    return [str(s.facets), str(s.gaps), _pct(s.exact, s.facets)]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def trend_section(corpus: Corpus) -> list[str]:
    first, last = first_and_last(corpus.order, TREND_PAPERS)
    new = [a.file for a in corpus.order]
    groups = {
        name: shares(files, corpus.annotations, corpus.gaps, corpus.grouping)
        for name, files in (
            (f"first {len(first)} new papers", first),
            (f"last {len(last)} new papers", last),
            (f"all {len(new)} new files", new),
        )
    }
    header = ["slot"]
    for name in groups:
        header += [f"facets ({name})", "gaps", "exact"]
    rows = [["**all slots**", *sum((_share_cells(g, None) for g in groups.values()), [])]]
    for slot in SLOTS:
        cells = sum((_share_cells(g, slot) for g in groups.values()), [])
        if any(c != "–" for c in cells):
            rows.append([f"`{slot}`", *cells])
    last_total = groups[f"last {len(last)} new papers"].total
    verdict = "meets" if last_total.share is not None and last_total.share >= 0.95 else "misses"
    return [
        "## Exact-term share: first versus last papers",
        "",
        f"Papers in the order they were finished (first annotations only; second annotations "
        f'are counted under "all"). The last {len(last)} papers: '
        f"{_pct(last_total.exact, last_total.facets)} of {last_total.facets} facets had an "
        f"exact term, which {verdict} the aim of 95 %. A facet tagged with a grouping "
        "term (a catch-all whose scope note asks for a narrower term) counts as a gap, "
        f"logged or not: {last_total.grouping} of the last papers' facets are such tags.",
        "",
        *_table(header, rows),
        "",
    ]


def novel_gaps(corpus: Corpus, files: Sequence[str]) -> tuple[int, int]:
    """Of the gaps of ``files`` that name a concept (a new term or a request), how many name
    one that no file finished earlier had logged: the long tail the vocabulary meets."""
    position = {a.file: i for i, a in enumerate(corpus.order)}
    first_seen: dict[tuple[str, str], int] = {}
    for gap in corpus.gaps:
        if gap.action in ("new-term", "term-request"):
            key = (gap.slot, gap.term.casefold())
            first_seen[key] = min(first_seen.get(key, 10**9), position[gap.file])
    wanted = set(files)
    named = [
        g for g in corpus.gaps if g.file in wanted and g.action in ("new-term", "term-request")
    ]
    novel = sum(first_seen[(g.slot, g.term.casefold())] == position[g.file] for g in named)
    return novel, len(named)


def _reading(novel: int, named: int) -> str:
    if not named:
        return ""
    if novel >= 0.75 * named:
        return (
            ": most gaps of late papers are concepts of their own (the long tail of the "
            "field), not earlier gaps left open"
        )
    return ": many gaps of late papers repeat earlier ones, which more terms would close"


def blocks_section(corpus: Corpus) -> list[str]:
    """The share per block of papers in annotation order: the trend, not just its ends."""
    papers = [a for a in corpus.order if not a.second]
    rows = []
    for start in range(0, len(papers), TREND_PAPERS):
        block = papers[start : start + TREND_PAPERS]
        total = shares(
            [a.file for a in block], corpus.annotations, corpus.gaps, corpus.grouping
        ).total
        span = f"{block[0].finished:%H:%M}–{block[-1].finished:%H:%M} UTC"
        rows.append(
            [
                f"{start + 1}–{start + len(block)}",
                span,
                str(total.facets),
                str(total.gaps),
                _pct(total.exact, total.facets),
            ]
        )
    _first, last = first_and_last(corpus.order, TREND_PAPERS)
    novel, named = novel_gaps(corpus, last)
    return [
        "## The trend, block by block",
        "",
        f"New papers in blocks of {TREND_PAPERS}, in the order they were finished. Of the "
        f"last {len(last)} papers' gaps that name a concept (a term added for it, or a "
        f"request left open), {novel} of {named} name a concept that no earlier paper had "
        f"logged{_reading(novel, named)}.",
        "",
        *_table(["papers", "finished", "facets", "gaps", "exact"], rows),
        "",
    ]


def actions_section(corpus: Corpus) -> list[str]:
    first, last = first_and_last(corpus.order, TREND_PAPERS)
    everything = [a.file for a in corpus.order]
    counts = [action_counts(corpus.gaps, files) for files in (first, last, everything)]
    rows = [
        [f"`{action}`", meaning, *(str(c[action]) for c in counts)]
        for action, meaning in ACTIONS.items()
    ]
    return [
        "## What was done about each gap",
        "",
        *_table(["action", "meaning", "first 20", "last 20", "all"], rows),
        "",
    ]


def _papers(corpus: Corpus) -> dict[str, list[Annotation]]:
    papers: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in corpus.annotations.values():
        papers[annotation.paper.iri].append(annotation)
    return papers


def composition_section(corpus: Corpus) -> list[str]:
    papers = _papers(corpus)
    outside_ml = 0
    recent = 0
    disciplines: Counter[str] = Counter()
    for files in papers.values():
        found = {u.term for a in files for u in a.tags.get("disciplines", []) if u.term}
        disciplines.update(found)
        outside_ml += not (found & ML_DISCIPLINES)
        recent += (files[0].paper.year or 0) >= 2024
    doubles = sum(len(a) > 1 for a in papers.values())
    areas = Counter(a.area for a in corpus.order if not a.second)
    n = len(papers)
    lines = [
        "## The corpus",
        "",
        f"- {len(corpus.annotations)} annotation files on {n} papers; {doubles} papers have "
        "two independent annotations.",
        f"- Outside machine learning (no machine-learning or NLP discipline tag): {outside_ml} "
        f"papers ({_pct(outside_ml, n)}).",
        f"- Published 2024 or later: {recent} papers ({_pct(recent, n)}).",
        "",
        "New papers per area of the field:",
        "",
        *_table(["area", "papers"], [[a, str(c)] for a, c in sorted(areas.items())]),
        "",
        "Papers per discipline (a paper can have several):",
        "",
        *_table(
            ["discipline", "papers"],
            [[f"`norm:{d[len(NORM_IRI) :]}`", str(c)] for d, c in sorted(disciplines.items())],
        ),
        "",
    ]
    return lines


def build(folder: Path) -> str:
    corpus = read_corpus(folder)
    lines = [
        "# Vocabulary coverage of the bundled corpus",
        "",
        "<!-- generated by `python -m normspace.coveragereport`; do not edit -->",
        "",
        f"Measured from `examples/corpus/{GAP_LOG}` (one row per facet of a paper that had no "
        f"exact term when the paper was annotated, and what was done about it) and "
        f"`examples/corpus/{ORDER_LOG}` (when each file was finished). A slot's facets are "
        "the distinct terms and term requests a file uses in it, plus the facets left out; "
        "its exact-term share is the part of them that had an exact term at annotation time "
        "(a facet for which a term was added later counts as a gap). How the log is kept: "
        "[annotation-format.md](annotation-format.md#the-coverage-log).",
        "",
        *trend_section(corpus),
        *blocks_section(corpus),
        *actions_section(corpus),
        *composition_section(corpus),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path("examples/corpus")
    target = Path(args[1]) if len(args) > 1 else Path("docs/coverage.md")
    try:
        page = build(folder)
    except InputError as exc:  # a bad log row: say where, write nothing
        print(f"error: {exc}", file=sys.stderr)
        return 2
    target.write_text(page, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
