"""Tidy export for R, Stata or pandas: one row per indicator, a data dictionary beside it.

pandas (and pyarrow for Parquet, openpyxl for Excel) come with the ``pikg[compare]`` extra.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pikg.comparing.table import COLUMNS
from pikg.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "parquet", "xlsx")
DTYPES = {c.name: c.dtype for c in COLUMNS}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise UsageError("export needs pandas: pip install 'pikg[compare]'") from exc
    return pandas


def frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    pandas = _pandas()
    data = pandas.DataFrame.from_records(records, columns=[c.name for c in COLUMNS])
    return data.astype(DTYPES)


def dictionary_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.dictionary.csv")


def write_dictionary(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["column", "dtype", "zh", "en"])
        for c in COLUMNS:
            writer.writerow([c.name, c.dtype, c.zh, c.en])


def export(records: list[dict[str, Any]], out: Path, fmt: str) -> Path:
    """Write the table and its data dictionary; returns the dictionary's path."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    data = frame(records)
    if fmt == "csv":
        data.to_csv(out, index=False, encoding="utf-8")
    elif fmt == "parquet":
        data.to_parquet(out, index=False)
    else:
        data.to_excel(out, index=False, sheet_name="indicators")
    dictionary = dictionary_path(out)
    write_dictionary(dictionary)
    return dictionary


def read(path: Path) -> pd.DataFrame:
    """An export read back with the documented dtypes, whatever its format."""
    pandas = _pandas()
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        data = pandas.read_parquet(path)
    elif suffix == ".xlsx":
        data = pandas.read_excel(path, sheet_name="indicators", dtype=object)
    else:
        data = pandas.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for column, dtype in DTYPES.items():
        if dtype == "boolean" and data[column].dtype == object:
            data[column] = data[column].map(
                lambda v: {"True": True, "False": False, True: True, False: False}.get(v)
            )
        elif dtype in ("Int64", "Float64") and data[column].dtype == object:
            data[column] = pandas.to_numeric(data[column])
    return data.astype(DTYPES)
