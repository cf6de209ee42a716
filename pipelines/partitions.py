"""Daily partitions of the landing zone, in the city's time zone."""

from __future__ import annotations

import dagster as dg

CITY_TIMEZONE = "Asia/Shanghai"
FIRST_EXPORT_DAY = "2020-01-01"

daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_EXPORT_DAY, timezone=CITY_TIMEZONE)
