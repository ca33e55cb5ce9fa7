"""The Python API for analysis in Jupyter and scripts: a corpus as pandas DataFrames.

A researcher's path, from the bundled corpus to a comparison, a figure and agreement::

    >>> import normspace
    >>> corpus = normspace.load_corpus(FIXTURES)  # load_corpus() loads the bundled corpus
    >>> corpus.papers().loc[0, ["title", "year"]].to_dict()
    {'title': 'Fairness and Abstraction in Sociotechnical Systems', 'year': 2019}
    >>> matrix = corpus.query("approach-value-matrix", role="proposes")
    >>> list(matrix.columns)
    ['approach', 'approach_label', 'value', 'value_label', 'papers']
    >>> matrix.loc[0].to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'approach': 'norm:CollectiveConstitutionalAI',
     'approach_label': 'Collective Constitutional AI',
     'value': 'norm:Helpfulness', 'value_label': 'helpfulness', 'papers': 1}

Every method is a thin layer over the same code the CLI runs (named queries, the
comparison, agreement, figures), so a number in a notebook is the number in
``normspace run``'s report. Term columns hold CURIEs (``norm:RLHF``; ``normspace.namespaces
.expand`` gives the IRI) and each is followed by a ``<column>_label`` column (see
:mod:`normspace.frames`). pandas and matplotlib are imported on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, NormSpaceError
from .store import Store, open_store

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .annotation import ValidationRun

__all__ = ["Corpus", "CorpusInvalid", "load_corpus", "open"]

#: How many problems the message of :class:`CorpusInvalid` lists (all are in ``.problems``).
SHOWN_PROBLEMS = 10


class CorpusInvalid(NormSpaceError):
    """The corpus has errors, so nothing was loaded; ``problems`` lists every problem (with
    file, line and field), ``run`` is the whole validation run, and ``exit_code`` is the
    CLI's (1: invalid annotations, 2: unreadable files)."""

    def __init__(self, run: ValidationRun):
        self.run = run
        self.exit_code = run.exit_code
        self.problems = list(run.problems)
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(f"  {p}" for p in errors[:SHOWN_PROBLEMS])
        more = len(errors) - SHOWN_PROBLEMS
        tail = f"\n  ... and {more} more (see .problems)" if more > 0 else ""
        super().__init__(f"nothing loaded: {len(errors)} errors in the corpus:\n{shown}{tail}")


class Corpus:
    """An annotated corpus in a store, with its analyses as DataFrames.

    Make one with :func:`load_corpus` (annotation files, validated, in memory) or
    :func:`open` (a store built by ``normspace load``/``run``, or a SPARQL endpoint).
    Use it as a context manager, or call :meth:`close`, to release a store on disk.
    """

    def __init__(self, store: Store, name: str = "corpus"):
        self.store = store
        self.name = name

    def __repr__(self) -> str:
        return f"<normspace.Corpus {self.name}>"

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # -- named queries -------------------------------------------------------------------

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """The rows of the library query ``name`` (``normspace query NAME``), with the
        parameters bound as RDF terms: ``corpus.query("papers-by-approach",
        approach="RLHF")``. Values are given as on the command line (CURIE, IRI or label
        for terms; numbers and booleans may be Python values)."""
        from .frames import to_frame
        from .querylib import library

        values = {key: _param_text(value) for key, value in params.items()}
        return to_frame(library().get(name).run(self.store, values))

    def queries(self) -> pd.DataFrame:
        """The query library: name, title, description and parameters of every query."""
        import pandas as pd

        from .querylib import library

        rows = [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": ", ".join(f"{p.name}{'' if p.required else '?'}" for p in q.params),
            }
            for q in library().top_level()
        ]
        return pd.DataFrame(rows, columns=["name", "title", "description", "params"])

    def papers(self) -> pd.DataFrame:
        """One row per paper: IRI, year, title, venue and number of annotations."""
        return self.query("papers")

    def contributions(self) -> pd.DataFrame:
        """One row per contribution and role: paper, year, title, annotation, annotator,
        contribution IRI, its label and role (with ``role_label``)."""
        return self.query("contributions")

    # -- analyses ------------------------------------------------------------------------

    def compare(
        self,
        *refs: str,
        by: str = "approach",
        dimensions: Sequence[str] | None = None,
        diff_only: bool = False,
        role: str | None = None,
    ) -> pd.DataFrame:
        """The comparison table of ``normspace compare`` (one column per approach, paper
        or contribution, one row per dimension): ``corpus.compare("RLHF", "DPO")``,
        ``corpus.compare(doi_a, doi_b, by="paper", diff_only=True)``."""
        from .compare import compare
        from .frames import to_frame

        table = compare(
            self.store, list(refs), by=by, dimensions=dimensions, diff_only=diff_only, role=role
        )
        return to_frame(table, labels=False)

    def agreement(self, slots: Sequence[str] | None = None, distance: str = "masi") -> pd.DataFrame:
        """Krippendorff's alpha per slot over the double-annotated papers (plain and
        hierarchy-aware), as ``normspace agreement`` computes it."""
        return self._agreement(slots, distance).frames()[0]

    def disagreements(
        self, slots: Sequence[str] | None = None, distance: str = "masi"
    ) -> pd.DataFrame:
        """Per paper and slot, the terms only one annotation has."""
        return self._agreement(slots, distance).frames()[1]

    def _agreement(self, slots: Sequence[str] | None, distance: str):
        from .agreement import agreement

        return agreement(self.store, slots=slots, distance=distance)

    def figure(self, name: str, path: str | Path | None = None, **params: Any) -> Figure:
        """The figure ``name`` (``normspace plot --list``) as a matplotlib Figure, also
        written to ``path`` (SVG or PNG by suffix) when given."""
        from .figures import figure, save

        fig = figure(name, self.store, **{k: _param_text(v) for k, v in params.items()})
        if path is not None:
            save(fig, Path(path))
        return fig


def _param_text(value: Any) -> str:
    """A parameter value as the command line would give it (``True`` -> ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_corpus(path: str | Path | Sequence[str | Path] | None = None) -> Corpus:
    """Validate annotation files (a file, a folder, or several) and load them into a new
    in-memory store; None: the corpus bundled with NormSpace.

    Any error stops the load and raises :class:`CorpusInvalid` listing the problems, as
    ``normspace validate`` would; warnings do not stop it.
    """
    from .loading import build_store
    from .resources import corpus_dir
    from .validation import check_loadable, validate_files

    if path is None:
        paths = [corpus_dir()]
    elif isinstance(path, str | Path):
        paths = [Path(path)]
    else:
        paths = [Path(p) for p in path]
    for p in paths:
        if not p.exists():
            raise InputError(f"{p} does not exist: give an annotation file or folder")
    run = validate_files(paths)
    if run.exit_code:
        raise CorpusInvalid(run)
    store, _summary = build_store(None, check_loadable(run))
    name = "bundled corpus" if path is None else ", ".join(str(p) for p in paths)
    return Corpus(store, name)


def open(  # shadows the built-in only inside this module, which does not use it
    store: str | Path | None = None, *, endpoint: str | None = None, timeout: float | None = None
) -> Corpus:
    """A store built by ``normspace load`` or ``run --store`` (read-only; default: the
    ``NORMSPACE_STORE`` folder or ``.normspace``), or a SPARQL endpoint (``endpoint=URL``)."""
    import os

    if endpoint:
        return Corpus(open_store(None, endpoint, timeout=timeout), endpoint)
    where = Path(store or os.environ.get("NORMSPACE_STORE") or ".normspace")
    return Corpus(open_store(where, create=False, read_only=True), str(where))
