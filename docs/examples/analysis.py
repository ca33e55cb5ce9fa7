# %% [markdown]
# # Analysing a NormSpace corpus in Python
#
# A researcher's path through the bundled corpus: open it, compare alignment approaches
# and papers, draw a figure for a paper, and check how far two annotators agree. Every
# number here is the number `normspace run` reports: the API runs the same named queries.
#
# This file is a notebook in the "percent" format: open it in Jupyter (with jupytext) or
# VS Code, or run it as a script (`python docs/examples/analysis.py`). The test suite runs
# it (tests/test_docs_example.py). Figures are written to the folder named by
# `NORMSPACE_EXAMPLE_OUT` (default: the current folder).

# %%
import os
from pathlib import Path

import normspace

out = Path(os.environ.get("NORMSPACE_EXAMPLE_OUT", "."))
out.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Open the bundled corpus
# `load_corpus()` validates the annotation files and loads them into an in-memory store
# (`load_corpus("my-annotations/")` does the same for your own folder; `normspace.open()`
# opens a store built by `normspace load` or `normspace run --store`).

# %%
corpus = normspace.load_corpus()
papers = corpus.papers()
print(f"{len(papers)} papers, {papers['annotations'].sum()} annotations")
papers[["title", "year", "venue"]].head()

# %% [markdown]
# ## Which values do the approaches serve?
# Every term column comes with a label column, so the matrix needs no join.

# %%
matrix = corpus.query("approach-value-matrix")
top = matrix.groupby("approach_label")["papers"].sum().nlargest(8).index
table = (
    matrix[matrix["approach_label"].isin(top)]
    .pivot_table(index="approach_label", columns="value_label", values="papers", aggfunc="sum")
    .fillna(0)
    .astype(int)
)
table.loc[:, table.sum().nlargest(6).index]

# %% [markdown]
# ## Compare approaches, then papers, like an ORKG comparison
# One column per approach (or paper), one row per dimension; `diff_only` keeps the rows
# where they differ.

# %%
approaches = corpus.compare("RLHF", "Constitutional AI", dimensions=["values", "stakeholders"])
approaches  # noqa: B018 - a notebook cell shows its last expression

# %%
ccai, cai = "10.1145/3630106.3658979", "arXiv:2212.08073"
papers_compared = corpus.compare(ccai, cai, by="paper", diff_only=True)
papers_compared  # noqa: B018

# %% [markdown]
# ## A figure for the paper
# SVG for print, PNG for slides; the output is the same on every run.

# %%
figure_file = out / "approach-value-heatmap.svg"
corpus.figure("approach-value-heatmap", figure_file, top=12)
print(f"wrote {figure_file}")

# %% [markdown]
# ## How far do annotators agree?
# Krippendorff's alpha per slot over the double-annotated papers, with MASI distance
# between the sets of terms, and a hierarchy-aware variant that gives partial credit when
# the two annotators chose a term and its broader term.

# %%
alpha = corpus.agreement()
alpha[["slot", "units", "alpha", "alpha_hierarchical"]]

# %%
corpus.close()
