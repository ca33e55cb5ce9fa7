"""Label columns next to term columns, so that a table of codes can be read (and plotted)
without a join: ``approach`` (``norm:RLHF``) gets ``approach_label`` (``RLHF``).

Every CSV or TSV file the CLI writes and every DataFrame of the Python API goes through
:func:`with_labels`. A column gets a label column when at least one of its cells is an
ontology term; in that column, a cell that is not a term (a term request such as
``requested: civic trust``, a literal, a paper) gets its own text as its label, so that a
plot of the label column shows every row.
"""

from __future__ import annotations

from rdflib import URIRef

from .ontology import term_index
from .results import Cell, Table, cell_text

#: Suffix of a label column.
LABEL_SUFFIX = "_label"


def label_column(name: str) -> str:
    """The name of the label column of column ``name``.

    >>> label_column("approach")
    'approach_label'
    """
    return name + LABEL_SUFFIX


def is_term(cell: Cell) -> bool:
    """Whether ``cell`` is an IRI of a NormSpace ontology term."""
    return isinstance(cell, URIRef) and term_index().get(str(cell)) is not None


def with_labels(table: Table) -> Table:
    """``table`` with a ``<column>_label`` column after every column that holds terms.

    >>> from normspace.namespaces import NORM
    >>> t = with_labels(Table(["approach", "papers"], [[NORM.RLHF, 3]]))
    >>> t.columns
    ['approach', 'approach_label', 'papers']
    >>> [cell_text(c) for c in t.rows[0]]
    ['norm:RLHF', 'reinforcement learning from human feedback', '3']
    """
    labelled = [
        i
        for i, name in enumerate(table.columns)
        if not name.endswith(LABEL_SUFFIX)
        and label_column(name) not in table.columns
        and any(is_term(row[i]) for row in table.rows)
    ]
    if not labelled:
        return table
    columns: list[str] = []
    for i, name in enumerate(table.columns):
        columns.append(name)
        if i in labelled:
            columns.append(label_column(name))
    rows = []
    for row in table.rows:
        cells: list[Cell] = []
        for i, cell in enumerate(row):
            cells.append(cell)
            if i in labelled:
                cells.append(None if cell is None else cell_text(cell, labels=True))
        rows.append(cells)
    return Table(columns, rows, table.wrap)
