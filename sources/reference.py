"""Reference data shipped with the product: real Quzhou geography and the department list.

These are code lists, not facts: contracts use them to recognise unknown codes, dbt seeds
them as dimensions, and the simulator places its city on them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
GEOGRAPHY_CSV = REFERENCE_DIR / "quzhou_geography.csv"
DEPARTMENTS_CSV = REFERENCE_DIR / "departments.csv"


@dataclass(frozen=True)
class Place:
    level: str  # city, county or town
    code: str
    parent_code: str
    name_zh: str
    name_en: str
    area_km2: float | None


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    name_en: str
    domain_code: str  # which of the "1+5" teams enforces its items
    is_enforcement_team: bool


@cache
def places() -> tuple[Place, ...]:
    """Divisions with an official code (one office in the reference list has none; it cannot
    be referenced by any export, so it is left out)."""
    with GEOGRAPHY_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Place(
                level=row["level"],
                code=row["code"],
                parent_code=row["parent_code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                area_km2=float(row["area_km2"]) if row["area_km2"] else None,
            )
            for row in csv.DictReader(handle)
            if row["code"]
        )


@cache
def departments() -> tuple[Department, ...]:
    with DEPARTMENTS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Department(
                code=row["department_code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                domain_code=row["domain_code"],
                is_enforcement_team=row["is_enforcement_team"] == "true",
            )
            for row in csv.DictReader(handle)
        )


def counties() -> list[Place]:
    return [place for place in places() if place.level == "county"]


def towns(county_code: str | None = None) -> list[Place]:
    return [
        place
        for place in places()
        if place.level == "town" and (county_code is None or place.parent_code == county_code)
    ]


def county_codes() -> frozenset[str]:
    return frozenset(place.code for place in counties())


def town_codes() -> frozenset[str]:
    return frozenset(place.code for place in towns())


def department_codes() -> frozenset[str]:
    return frozenset(department.code for department in departments())
