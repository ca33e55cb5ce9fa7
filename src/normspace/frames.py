"""Query results and tables as pandas DataFrames (imported only by the Python API, the
figures and the benchmarks: pandas is not loaded by the CLI's other commands).

Cells become plain Python values a researcher can filter and plot: ontology terms and
other IRIs with a known prefix become CURIEs (``norm:RLHF``, the same text as in the CSV
files; :func:`normspace.namespaces.expand` gives the IRI back), other IRIs (papers) stay
whole, numbers become numbers, years become integers, and a missing value is ``None``.
Every term column comes with its label column (see :func:`normspace.results.with_labels`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from .results import Cell, Table, cell_text, with_labels
from .store import QueryResult

if TYPE_CHECKING:
    import pandas as pd

_YEAR_TYPES = {XSD.gYear, XSD.gYearMonth}


def cell_value(cell: Cell) -> object:
    """The Python value of a cell.

    >>> cell_value(URIRef("https://w3id.org/normspace#RLHF"))
    'norm:RLHF'
    >>> cell_value(Literal("3", datatype=XSD.integer))
    3
    >>> cell_value(Literal("2022", datatype=XSD.gYear))
    2022
    >>> cell_value(None) is None
    True
    """
    if cell is None:
        return None
    if isinstance(cell, URIRef | BNode):
        return cell_text(cell)
    if isinstance(cell, Literal):
        if cell.datatype in _YEAR_TYPES:
            return int(str(cell)[:4])
        value = cell.toPython()
        return str(cell) if isinstance(value, Literal) else value
    return cell


def to_frame(table: Table | QueryResult, labels: bool = True) -> pd.DataFrame:
    """A DataFrame of ``table``, with a label column after each term column (``labels``).

    >>> from normspace.namespaces import NORM
    >>> frame = to_frame(Table(["approach", "papers"], [[NORM.RLHF, 3]]))
    >>> list(frame.columns), frame.dtypes["papers"]
    (['approach', 'approach_label', 'papers'], Int64Dtype())
    """
    import pandas as pd

    if isinstance(table, QueryResult):
        table = Table.from_result(table)
    if labels:
        table = with_labels(table)
    rows = [[cell_value(c) for c in row] for row in table.rows]
    frame = pd.DataFrame(rows, columns=table.columns, dtype=object)
    for name in frame.columns:
        frame[name] = _typed(frame[name])
    return frame


def _typed(column: pd.Series) -> pd.Series:
    """Whole numbers as nullable integers (a year column with a gap stays ``2019``, not
    ``2019.0``), other numbers as floats, text as text."""
    values = [v for v in column if v is not None]
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return column.astype("Int64")
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return column.astype("Float64")
    if len(values) == len(column) and all(isinstance(v, str) for v in values):
        return column.astype("str")  # a column with gaps keeps None, not the text "None"
    return column
