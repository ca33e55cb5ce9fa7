"""Progress over the bulk path: every file ticks once, in order, as its chunk comes back
from the workers; the report is the same with or without a progress bar."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from normspace import bulkread
from normspace.annotation.validate import collect_paths
from normspace.validation import validate_all

CORPUS = Path(__file__).resolve().parents[1] / "data" / "queries" / "corpus"


class Recorder:
    """A :class:`~normspace.feedback.Progress` that records what it was given and ticked."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.items: list = []
        self.ticked: list = []

    def __call__(self, items, label):
        self.labels.append(label)
        self.items.append(list(items))

        def ticking():
            for item in items:
                self.ticked.append(item)
                yield item

        return contextlib.nullcontext(ticking())


@pytest.mark.parametrize("workers", [1, 2])
def test_every_file_ticks_once_in_order(monkeypatch, workers):
    monkeypatch.setattr(bulkread, "CHUNK_FILES", 3)
    recorder = Recorder()
    shown = validate_all([CORPUS], recorder, workers=workers)
    files, _ = collect_paths([CORPUS])
    assert recorder.labels == ["validating"]
    assert recorder.ticked == files
    silent = validate_all([CORPUS], workers=workers)
    assert [p.to_json() for p in shown.problems] == [p.to_json() for p in silent.problems]
