"""The simulated city's calendar: working days, holidays, seasons and the reform's progress.

Everything that makes volumes move with time lives here, so the generators only ask "how busy
is this day?" and "how far has the reform come this month?". Nothing here is random.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

DayKind = Literal["planned", "reactive"]

# Lunar new year's day; the holiday week and the weeks around it are quiet.
SPRING_FESTIVAL = {
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
    2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
}
# Fixed-date public holidays (month, first day, last day): New Year, Labour Day, National Day.
FIXED_HOLIDAYS = ((1, 1, 1), (5, 1, 5), (10, 1, 7))
FLOOD_MONTHS = (6, 7)  # 梅汛期 and typhoon season in western Zhejiang

# Relative activity of a day. "planned" work (plans, random checks) stops at weekends;
# "reactive" work (complaints, grid patrols, on-the-spot penalties) much less so.
_WEIGHTS: dict[DayKind, dict[str, float]] = {
    "planned": {"workday": 1.0, "weekend": 0.12, "holiday": 0.15, "festival": 0.1,
                "festival_shoulder": 0.6},
    "reactive": {"workday": 1.0, "weekend": 0.35, "holiday": 0.35, "festival": 0.25,
                 "festival_shoulder": 0.75},
}

# The reform (大综合一体化) rolled out through 2021: 2020 is "before", 2022 is "after".
REFORM_START = (2021, 1)
REFORM_MONTHS = 12


@dataclass(frozen=True)
class Month:
    """One calendar month of the scenario, cut to the scenario's range."""

    year: int
    month: int
    days: tuple[date, ...]

    @property
    def label(self) -> int:
        """An absolute month number: random streams key on it, so a shorter range
        reproduces the same months as a longer one."""
        return self.year * 12 + self.month - 1

    @property
    def yyyymm(self) -> str:
        return f"{self.year:04d}{self.month:02d}"

    @property
    def is_flood_season(self) -> bool:
        return self.month in FLOOD_MONTHS


def months(start: date, end: date) -> list[Month]:
    """The scenario's months in order, the first and last possibly partial."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    result: list[Month] = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        following = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        first, last = max(cursor, start), min(following - timedelta(days=1), end)
        days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
        result.append(Month(cursor.year, cursor.month, days))
        cursor = following
    return result


def _day_class(day: date) -> str:
    festival = SPRING_FESTIVAL.get(day.year)
    following = SPRING_FESTIVAL.get(day.year + 1)
    for new_year in (festival, following):
        if new_year is None:
            continue
        offset = (day - new_year).days
        if -2 <= offset <= 6:
            return "festival"
        if -9 <= offset <= 13:
            return "festival_shoulder"
    if any(day.month == m and first <= day.day <= last for m, first, last in FIXED_HOLIDAYS):
        return "holiday"
    return "weekend" if day.weekday() >= 5 else "workday"


def day_weight(day: date, kind: DayKind) -> float:
    """How busy a day is relative to an ordinary working day."""
    weights = _WEIGHTS[kind]
    kind_of_day = _day_class(day)
    if kind_of_day == "festival_shoulder" and day.weekday() >= 5:
        return weights["weekend"] * weights["festival_shoulder"]
    return weights[kind_of_day]


@cache
def year_weight(year: int, kind: DayKind) -> float:
    """Sum of a whole year's day weights: turns a yearly volume into a daily expectation."""
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    return sum(day_weight(first + timedelta(days=n), kind) for n in range(days))


def expected_volume(days: tuple[date, ...], per_year: float, kind: DayKind) -> float:
    """Expected number of events on these days given a yearly volume."""
    return sum(per_year * day_weight(d, kind) / year_weight(d.year, kind) for d in days)


def reform_progress(month: Month) -> float:
    """0 before the reform, 1 once it is in force, linear through the roll-out year."""
    start = REFORM_START[0] * 12 + REFORM_START[1] - 1
    return min(1.0, max(0.0, (month.label - start + 0.5) / REFORM_MONTHS))
