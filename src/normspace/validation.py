"""Validation runs over annotation files, and the gate in front of every load.

Each file is validated on its own against one engine (shapes plus term index) per process:
one at a time in this process when callers need the documents whole, or in worker
processes by the bulk reader (:mod:`normspace.bulkread`) for ``validate``, ``load`` and
``run``; the problems are reported through an :data:`~normspace.feedback.Echo`, and
:func:`check_loadable` decides whether the validated documents may be written: any error
stops a load before the store is touched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .annotation import AnnotationDocument, ValidationRun, validate_file
from .annotation.document import ParsedFile
from .annotation.problems import Problem, summary_line
from .annotation.terms import TermResolver
from .annotation.validate import FileResult, collect_paths, expand_paths
from .bulkread import FileRecord, read_records
from .errors import InputError, ValidationFailure
from .feedback import Echo, Progress, no_progress, seconds_since
from .shaclbatch import selected_engine

log = logging.getLogger(__name__)


def validate_files(
    paths: Sequence[Path],
    progress: Progress | None = None,
    *,
    models: bool = True,
    workers: int | None = None,
    known: Mapping[str, frozenset[str]] | None = None,
) -> ValidationRun:
    """Validate annotation files and folders (as ``normspace validate``), showing
    ``progress`` (if given) over the files.

    With ``models`` (the default) every document keeps its rdflib graph, model and origins,
    read one file at a time in this process: for callers that use them, on corpora of a
    size that fits in memory. Without, the bulk reader validates in ``workers`` processes
    (:mod:`normspace.bulkread`) and documents carry only their triples as N-Triples: the
    path for ``load`` and ``run`` at any size. Both give the same problems. ``known``
    (bulk path only) skips files whose content the store already holds (see
    :attr:`ValidationRun.unchanged`).
    """
    files = expand_paths(paths)
    if models:
        return _validate_in_process(files, progress)
    return validate_collected(files, [], progress, workers=workers, known=known)


def validate_all(
    paths: Sequence[Path], progress: Progress | None = None, *, workers: int | None = None
) -> ValidationRun:
    """``normspace validate``: like :func:`validate_files` on the bulk path, and links that
    cannot be followed are reported as problems of the run (exit 2), as
    :func:`normspace.annotation.validate.validate_paths` does, instead of raised."""
    files, link_problems = collect_paths(paths)
    return validate_collected(files, link_problems, progress, workers=workers, triples=False)


def validate_collected(
    files: Sequence[Path],
    link_problems: Sequence[Problem],
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    known: Mapping[str, frozenset[str]] | None = None,
    each_chunk: Callable[[list[FileRecord]], None] | None = None,
    triples: bool = True,
) -> ValidationRun:
    """The bulk path: records read (and validated) in worker processes, in file order;
    the progress bar advances per finished chunk of files. ``each_chunk`` sees every
    chunk's records as they arrive (a streaming writer; it may drop their triples).
    Without ``triples`` the documents carry no N-Triples (nothing is to be written)."""
    log.info("validating %d annotation file%s", len(files), "" if len(files) == 1 else "s")
    started = time.perf_counter()
    run = ValidationRun()
    for problem in link_problems:
        parsed = ParsedFile(Path(problem.file), None, [problem])
        run.files.append(FileResult(parsed, problems=[problem]))
    debug = log.isEnabledFor(logging.DEBUG)
    with (progress or no_progress)(files, "validating") as bar:
        ticks = iter(bar)
        for records in read_records(files, workers=workers, known=known, triples=triples):
            if each_chunk is not None:
                each_chunk(records)
            for record in records:
                next(ticks, None)
                if record.unchanged:
                    run.unchanged.append(record.path)
                    if debug:
                        log.debug("unchanged since it was loaded: %s", record.path)
                else:
                    run.files.append(record.file_result())
                    if debug:
                        log.debug("validated %s", record.path)
    run.check_duplicates()  # two files of one paper and annotator: an error, as in validate
    took = seconds_since(started)
    skipped = f" ({len(run.unchanged)} unchanged, skipped)" if run.unchanged else ""
    log.info(
        "validated %d files in %.2f s%s: %s",
        len(run.files),
        took,
        skipped,
        summary_line(run.summary()),
    )
    return run


def _validate_in_process(files: Sequence[Path], progress: Progress | None) -> ValidationRun:
    """One file at a time in this process, keeping every document whole."""
    log.info("validating %d annotation file%s", len(files), "" if len(files) == 1 else "s")
    run = ValidationRun()
    started = time.perf_counter()
    resolver = TermResolver()
    engine = selected_engine()
    log.info("built the validation engine (shapes, term index) in %.2f s", seconds_since(started))
    started = time.perf_counter()
    with (progress or no_progress)(files, "validating") as bar:
        for path in bar:
            run.files.append(validate_file(path, engine, resolver))
            log.debug("validated %s", path)
    run.check_duplicates()  # two files of one paper and annotator: an error, as in validate
    took = seconds_since(started)
    log.info("validated %d files in %.2f s: %s", len(files), took, summary_line(run.summary()))
    return run


def report_problems(run: ValidationRun, echo: Echo) -> None:
    """Every problem, then the summary line."""
    for problem in run.problems:
        echo(str(problem))
    echo(summary_line(run.summary()))


def check_loadable(run: ValidationRun) -> list[AnnotationDocument]:
    """The documents to load, or the error that stops the load (exit 1 or 2)."""
    if run.exit_code == 2:
        raise InputError("nothing loaded: some files cannot be read (see above)")
    if run.exit_code == 1:
        raise ValidationFailure("nothing loaded: some files have errors (see above)")
    documents = run.documents
    seen: dict[str, Path] = {}
    for doc in documents:
        if doc.annotation_iri in seen:
            raise InputError(
                f"nothing loaded: {seen[doc.annotation_iri]} and {doc.path} are the same "
                f"annotation <{doc.annotation_iri}> (same paper and annotator); "
                "keep one file per paper and annotator"
            )
        seen[doc.annotation_iri] = doc.path
    return documents
