"""Validation runs over annotation files, and the gate in front of every load.

Files are validated one at a time against one shared engine (shapes plus term index), the
problems are reported through an :data:`~normspace.feedback.Echo`, and
:func:`check_loadable` decides whether the validated documents may be written: any error
stops a load before the store is touched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

from .annotation import AnnotationDocument, ValidationRun, validate_file
from .annotation.problems import summary_line
from .annotation.terms import TermResolver
from .annotation.validate import expand_paths
from .errors import InputError, ValidationFailure
from .feedback import Echo, Progress, no_progress, seconds_since

log = logging.getLogger(__name__)


def validate_files(paths: Sequence[Path], progress: Progress | None = None) -> ValidationRun:
    """Validate annotation files and folders one file at a time (as ``normspace validate``),
    showing ``progress`` (if given) over the files."""
    files = expand_paths(paths)
    log.info("validating %d annotation file%s", len(files), "" if len(files) == 1 else "s")
    run = ValidationRun()
    started = time.perf_counter()
    resolver = TermResolver()
    from .shacl import annotation_engine

    engine = annotation_engine()
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
