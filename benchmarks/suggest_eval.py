"""Recall@10 of ``normspace suggest`` against the human tags of the bundled corpus.

For each annotation file of the corpus, the input text is what the annotator quoted or
wrote about the paper: every evidence quote (on tags, findings, trade-offs, assumptions),
the contributions' labels and descriptions and the trade-offs' descriptions, one paragraph
each. ``suggest`` proposes its top 10 terms per slot; a human tag (terms only, not term
requests) counts as found when it is among its slot's ten. Printed per slot (files with
tags in the slot, tags, found, recall@10) and micro-averaged over all tags.

This is an optimistic setting, and says so in the output: the quotes were chosen by the
annotator to support the tags. A paper's abstract alone gives less.

Usage::

    python benchmarks/suggest_eval.py
    python benchmarks/suggest_eval.py --corpus examples/corpus --top 10

Deterministic; run on demand, not by the test suite.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from normspace.annotation.document import parse_file
from normspace.annotation.model import Annotation
from normspace.annotation.slots import TAG_SLOTS
from normspace.errors import InputError
from normspace.suggest import suggest_terms

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "examples" / "corpus"


def input_text(annotation: Annotation) -> str:
    """The annotator's quotes and descriptions of one paper, one paragraph each."""
    pieces: list[str] = []

    def quotes(evidence) -> None:
        pieces.extend(e.quote for e in evidence if e.quote)

    for tags in (annotation.tags, *(c.tags for c in annotation.contributions)):
        for uses in tags.values():
            for use in uses:
                quotes(use.evidence)
    for contribution in annotation.contributions:
        pieces.extend(t for t in (contribution.label, contribution.description) if t)
        for finding in contribution.findings:
            quotes(finding.evidence)
        for trade_off in contribution.trade_offs:
            if trade_off.description:
                pieces.append(trade_off.description)
            quotes(trade_off.evidence)
    for assumption in annotation.assumptions:
        quotes(assumption.evidence)
    return "\n\n".join(dict.fromkeys(p.strip() for p in pieces if p.strip()))


def human_tags(annotation: Annotation) -> dict[str, set[str]]:
    """Slot key -> the term IRIs the annotator tagged (all contributions, no requests)."""
    found: dict[str, set[str]] = {}
    for tags in (annotation.tags, *(c.tags for c in annotation.contributions)):
        for slot, uses in tags.items():
            found.setdefault(slot, set()).update(u.term for u in uses if u.term)
    return found


def evaluate(corpus: Path, top: int) -> tuple[dict[str, Counter], dict[str, int]]:
    """Per slot: files, tags, found; and counts of files used / skipped."""
    per_slot: dict[str, Counter] = {s.key: Counter() for s in TAG_SLOTS}
    files = Counter()
    for path in sorted(corpus.glob("*.yaml")):
        parsed = parse_file(path)
        if parsed.document is None:
            files["unreadable"] += 1
            continue
        annotation = parsed.document.annotation
        try:
            suggested = suggest_terms(input_text(annotation), top=top)
        except InputError:
            files["no text"] += 1
            continue
        files["used"] += 1
        for slot, tags in human_tags(annotation).items():
            if not tags or slot not in per_slot:
                continue
            proposed = {s.term.iri for s in suggested.get(slot, [])}
            per_slot[slot].update(files=1, tags=len(tags), found=len(tags & proposed))
    return per_slot, dict(files)


def markdown(per_slot: dict[str, Counter], top: int) -> str:
    head = f"| slot | files | tags | found | recall@{top} |"
    lines = [head, "|---|---|---|---|---|"]
    total = Counter()
    for slot, counts in per_slot.items():
        if not counts["tags"]:
            continue
        total.update(counts)
        recall = counts["found"] / counts["tags"]
        lines.append(
            f"| {slot} | {counts['files']} | {counts['tags']} | {counts['found']} | {recall:.0%} |"
        )
    if total["tags"]:
        micro = total["found"] / total["tags"]
        lines.append(f"| **micro-average** | | {total['tags']} | {total['found']} | {micro:.0%} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)
    per_slot, files = evaluate(args.corpus, args.top)
    print(f"## Suggestion recall@{args.top} per slot\n")
    print(
        f"Corpus {args.corpus}: {files.get('used', 0)} files used"
        + "".join(f", {n} {why}" for why, n in sorted(files.items()) if why != "used")
        + ". Input text: the file's evidence quotes and description/label texts "
        "(optimistic: chosen by the annotator to support the tags).\n"
    )
    print(markdown(per_slot, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
