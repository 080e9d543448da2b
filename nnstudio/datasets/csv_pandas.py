"""pandas' C parser, asked so that what it reads can be checked exactly.

Every column gets a name (its index) and every cell is read as written: no default NA
strings, the text columns as objects, floats parsed exactly (pandas 3's default, asked
for before it), blank lines skipped as Python's reading skips them. pandas is imported
only when a table is read.
"""

from __future__ import annotations

from nnstudio.datasets.delimited import Layout


def read(
    layout: Layout,
    file,
    text_columns: tuple[int, ...],
    missing: tuple[str, ...],
    na_filter: bool,
    header: bool | None = None,
    **options,
):
    """pandas' reader of ``file`` (the layout's bytes, or its path): a DataFrame, or with
    ``chunksize`` its chunks. With ``na_filter`` a cell in ``missing`` reads as NaN, else
    a number column holding one reads as text (for the caller to convert cell by cell).
    ``header``: whether ``file`` starts with the layout's header line (by default, if the
    layout has one)."""
    import pandas as pd

    header = layout.header if header is None else header
    if int(pd.__version__.split(".")[0]) < 3:
        options["float_precision"] = "round_trip"  # pandas 3's default is exact
    return pd.read_csv(
        file,
        sep=layout.delimiter,
        header=0 if header else None,
        names=list(range(layout.width)),
        index_col=False,
        dtype={c: object for c in text_columns},
        keep_default_na=False,
        na_filter=na_filter,
        na_values={c: list(missing) for c in range(layout.width)},
        skip_blank_lines=True,
        encoding="utf-8",
        engine="c",
        **options,
    )
