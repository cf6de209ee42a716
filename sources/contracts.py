"""Declarative contracts of upstream export tables.

A contract says what a real export of one table looks like: its columns with their types,
which are required, which hold codes from a closed list, value ranges, the key, and
cross-column rules (a record cannot close before it opened). The ingest path validates every
row against it; the simulator writes to it; the docs are generated from it. Nothing here knows
whether an export was simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

ColumnType = Literal["string", "int", "float", "date", "timestamp", "bool"]
ExportFormat = Literal["csv", "jsonl", "parquet"]


class Reason(StrEnum):
    """Why a row was quarantined. Every defect class the ingest path knows has one code."""

    MALFORMED_ROW = "MALFORMED_ROW"  # wrong number of fields, truncated line, invalid JSON
    BAD_ENCODING = "BAD_ENCODING"  # bytes that decode in neither UTF-8 nor GBK
    SCHEMA_MISMATCH = "SCHEMA_MISMATCH"  # the file lacks a required column altogether
    MISSING_REQUIRED = "MISSING_REQUIRED"  # a required field (e.g. the key) is empty
    BAD_TYPE = "BAD_TYPE"  # a value that does not parse as the column's type
    UNKNOWN_CODE = "UNKNOWN_CODE"  # a code outside the column's closed list
    OUT_OF_RANGE = "OUT_OF_RANGE"  # a number or date outside the plausible range
    DATE_ORDER = "DATE_ORDER"  # impossible order of dates (closed before opened)
    DUPLICATE = "DUPLICATE"  # the same key and version seen before in this batch


# Order in which reasons are reported when a row has several defects: the most basic first.
REASON_PRIORITY: tuple[Reason, ...] = (
    Reason.MISSING_REQUIRED,
    Reason.BAD_TYPE,
    Reason.UNKNOWN_CODE,
    Reason.OUT_OF_RANGE,
    Reason.DATE_ORDER,
    Reason.DUPLICATE,
)


@dataclass(frozen=True)
class Column:
    """One exported column."""

    name: str
    type: ColumnType
    description: str
    required: bool = False
    codes: frozenset[str] | None = None  # closed list of allowed values
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class DateOrder:
    """``later`` must not precede ``earlier`` when both are present."""

    earlier: str
    later: str


@dataclass(frozen=True)
class TableContract:
    """The export contract of one table of one upstream system."""

    system: str
    entity: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    version_column: str | None = None  # state rows: the latest version of a key wins
    date_orders: tuple[DateOrder, ...] = field(default_factory=tuple)
    formats: tuple[ExportFormat, ...] = ("csv",)
    # Event systems send rows every day; registers (teams, items) send a file every day but
    # rows only on days something changed.
    rows_every_day: bool = True

    @property
    def table_name(self) -> str:
        """Name of the raw and quarantine tables in the build database."""
        return f"{self.system}_{self.entity}"

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    @property
    def duplicate_key(self) -> tuple[str, ...]:
        """Key plus version: two rows agreeing on it are the same record sent twice."""
        return self.key + ((self.version_column,) if self.version_column else ())

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.table_name} has no column {name!r}")

    def __post_init__(self) -> None:
        names = self.column_names
        if len(set(names)) != len(names):
            raise ValueError(f"{self.table_name}: duplicate column names")
        referenced = set(self.key) | {c for o in self.date_orders for c in (o.earlier, o.later)}
        if self.version_column:
            referenced.add(self.version_column)
        missing = referenced - set(names)
        if missing:
            raise ValueError(f"{self.table_name}: unknown columns referenced {sorted(missing)}")
        for key_column in self.key:
            if not self.column(key_column).required:
                raise ValueError(f"{self.table_name}: key column {key_column} must be required")


# Coordinates inside a generous box around Zhejiang; anything else is a broken GPS fix.
LATITUDE_RANGE = (27.0, 31.5)
LONGITUDE_RANGE = (117.5, 123.5)
