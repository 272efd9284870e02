"""The columns of each table of the record, and how its file becomes a typed frame.

Files are read as text first (:func:`read_raw`) and typed second (:func:`typed`), never in one step:
a cell that does not parse becomes null in the typed frame, and comparing the two frames tells the checks
exactly which cell was bad. The typed frame keeps the file's rows in the file's order, so row ``i`` of a
frame is data row ``i + 1`` of the file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import polars as pl

from cadre.record.manifest import data_file, manifest

__all__ = ["KEYS", "QUOTA_KIND", "SCHEMAS", "Column", "read_raw", "typed"]

# The two axes of the control figures; an Enum rejects any other kind when the file is typed.
QUOTA_KIND = pl.Enum(["region", "union"])

# A number as the sources print it: digits with an optional decimal part.
_NUMBER = r"\d+(?:\.\d+)?"
# A range as the sources print it, with a hyphen or an en dash between the bounds.
_RANGE = rf"({_NUMBER})\s*[-–]\s*({_NUMBER})"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a record table: its name, its dtype and whether a cell may be empty."""

    name: str
    dtype: pl.DataType
    required: bool = True


def _text(name: str, *, required: bool = True) -> Column:
    return Column(name, pl.String(), required)


SCHEMAS: Mapping[str, tuple[Column, ...]] = MappingProxyType(
    {
        "regions": (
            _text("code"),
            _text("name"),
            _text("also_printed_as", required=False),
            Column("tempo_group", pl.Int64()),
            _text("note", required=False),
        ),
        "tempo_groups": (
            Column("tempo_group", pl.Int64()),
            _text("meaning"),
            _text("collectivization_deadline_by_decree_of_1930_01_05"),
        ),
        "quotas": (
            Column("kind", QUOTA_KIND),
            _text("key"),
            Column("quota", pl.Int64()),
            _text("note", required=False),
        ),
        "control_plan": (
            _text("from_region"),
            _text("to_region"),
            Column("planned", pl.Int64()),
            _text("printed_in_row"),
            _text("note", required=False),
        ),
        "composition": (
            _text("measure"),
            _text("category"),
            Column("percent", pl.Float64()),
        ),
        "collectivization": (
            _text("region"),
            Column("date", pl.Date()),
            # Empty where the source prints a range or a doubtful figure; the note then says why.
            Column("percent", pl.Float64(), required=False),
            _text("note", required=False),
        ),
        "calendar": (
            Column("date", pl.Date()),
            _text("precision"),
            _text("kind"),
            _text("event"),
        ),
        "observations": (
            _text("id"),
            Column("as_of", pl.Date()),
            _text("measure"),
            # Kept as printed, because some figures are ranges ("2-10"); value_low/value_high are numbers.
            _text("value"),
            _text("unit"),
            _text("scope"),
            _text("note", required=False),
        ),
    }
)

# The columns that identify a row of each table; no two rows may share them.
KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "regions": ("code",),
        "tempo_groups": ("tempo_group",),
        "quotas": ("kind", "key"),
        "control_plan": ("from_region", "to_region"),
        "composition": ("measure", "category"),
        "collectivization": ("region", "date"),
        "calendar": (),
        "observations": ("id",),
    }
)


def read_raw(table: str) -> pl.DataFrame:
    """The table's file as the package ships it, every column as text and empty cells as null."""
    info = manifest()[table]
    return pl.read_csv(io.BytesIO(data_file(info.file)), infer_schema=False)


def _parse(column: Column, present: bool) -> pl.Expr:
    if not present:
        # A missing column is reported by the checks; typing it as nulls lets the other checks still run.
        return pl.lit(None, dtype=column.dtype).alias(column.name)
    # Frames built by hand (in tests, say) may hold numbers where the file holds text: read them as text.
    expr = pl.col(column.name).cast(pl.String)
    if column.dtype == pl.String:
        return expr
    text = expr.str.strip_chars()
    if column.dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False)
    return text.cast(column.dtype, strict=False)


def _collectivization_bounds(frame: pl.DataFrame) -> pl.DataFrame:
    # A figure printed as a range is left out of `percent` but keeps its bounds, read from its note.
    bound = {i: pl.col("note").str.extract(_RANGE, i).cast(pl.Float64) for i in (1, 2)}
    known = pl.col("percent").is_not_null()
    return frame.with_columns(
        percent_low=pl.when(known).then(pl.col("percent")).otherwise(bound[1]),
        percent_high=pl.when(known).then(pl.col("percent")).otherwise(bound[2]),
    )


def _observation_bounds(frame: pl.DataFrame) -> pl.DataFrame:
    # "2-10" gives 2 and 10, a single number gives itself twice; anything else gives nulls (a check fails).
    value = pl.col("value").str.strip_chars()
    single = value.str.extract(rf"^({_NUMBER})$", 1).cast(pl.Float64)
    low = value.str.extract(rf"^{_RANGE}$", 1).cast(pl.Float64)
    high = value.str.extract(rf"^{_RANGE}$", 2).cast(pl.Float64)
    return frame.with_columns(value_low=pl.coalesce(single, low), value_high=pl.coalesce(single, high))


_DERIVED: Mapping[str, Callable[[pl.DataFrame], pl.DataFrame]] = MappingProxyType(
    {"collectivization": _collectivization_bounds, "observations": _observation_bounds}
)


def typed(table: str, raw: pl.DataFrame) -> pl.DataFrame:
    """The table with its schema's dtypes, plus its derived columns; cells that do not parse are null.

    Columns outside the schema are dropped (the checks report them); the file's row order is kept.
    """
    columns = [_parse(column, column.name in raw.columns) for column in SCHEMAS[table]]
    frame = raw.select(columns)
    derive = _DERIVED.get(table)
    return derive(frame) if derive is not None else frame
