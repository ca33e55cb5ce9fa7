"""The annotation file format: one YAML file per paper and annotator, read into RDF and
validated against the annotation shapes (see docs/annotation-format.md)."""

from .document import (
    AnnotationDocument,
    AnnotationFileError,
    ParsedFile,
    load_annotation,
    parse_file,
    parse_text,
)
from .problems import Problem
from .validate import ValidationRun, validate_file, validate_paths

__all__ = [
    "AnnotationDocument",
    "AnnotationFileError",
    "ParsedFile",
    "Problem",
    "ValidationRun",
    "load_annotation",
    "parse_file",
    "parse_text",
    "validate_file",
    "validate_paths",
]
