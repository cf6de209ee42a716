"""Scripted story 1: the cooking-fume warning in 樟潭街道东迹二巷 and its 综合查一次.

The seed text: 衢江区社会治理中心 warned of cooking-fume pollution in 东迹二巷 of 樟潭街道; the
commander ordered a 综合查一次 of the lane's restaurants, one of them had a problem, and the
clue went to unified case handling, where a case was filed. Here the chain starts: a public
cooking-fume monitor installed in the lane in the 2021 roll-out (``STORY_FUME_SENSOR_ID``)
raises ``STORY_FUME_WARNING_ID`` on ``STORY_DAY`` at lunch time; the centre dispatches it to
comprehensive enforcement (ZHZF), which disposes of it as INSPECTION and asks for a joint
visit with market supervision, ecology and health (``STORY_PARTNERS``) to every restaurant of
the lane: one ``Trigger`` per restaurant, all COMPLIANT but the nearest to the monitor, whose
``scripted_result`` is CLUE. The inspection generator turns the triggers into joint tasks
(``trigger_ref`` = the warning id), the CLUE task hands a clue to the clue centre, and the
case carries the task's reference: warning → tasks → clue → case.

The lane's restaurants are the CATERING entities of 樟潭街道 nearest to the monitor, at most
``STORY_MAX_RESTAURANTS``. The default seed's pool holds 3 of them in the town at factors
0.002-0.005, 7 at demo scale (0.01) and 941 at full scale (the lane takes 8); at factor 0.001
it holds none. Below ``STORY_MIN_RESTAURANTS`` the story inspects those that exist (no trigger
if none do); the warning itself is exported at every scale. Nothing here is random: the story
is the same at every scale and seed, bar the pool.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from sources.simulator.city import INDUSTRIES
from sources.simulator.handoffs import Trigger
from sources.simulator.world import World

STORY_DAY = date(2022, 5, 18)
STORY_TOWN_CODE = "330803001"  # 樟潭街道, 衢江区
STORY_COUNTY_CODE = "330803"
STORY_LANE = "东迹二巷"
STORY_FUME_SENSOR_ID = "SB330803YY09001"  # regular devices of a county and type stay below 9001
STORY_SENSOR_NAME = f"樟潭街道{STORY_LANE}油烟监测点"
STORY_INSTALLED = date(2021, 9, 15)
STORY_INSTALL_SECOND = 10 * 3600 + 20 * 60
STORY_FUME_WARNING_ID = "YJ202205900001"  # regular warnings of a month stay below 900001
STORY_WARNING_TYPE = "FUME_EXCEEDED"
STORY_THRESHOLD = 2.0  # mg/m³, GB 18483
STORY_MEASURED = 3.86  # ORANGE: 0.93 spans past the limit
STORY_SEVERITY = "ORANGE"
STORY_RAISED_AT = datetime(2022, 5, 18, 11, 42, 15)
STORY_DISPATCHED_AT = datetime(2022, 5, 18, 11, 58, 40)  # the centre's commander
STORY_HANDLED_AT = datetime(2022, 5, 18, 15, 20, 0)  # ZHZF orders the joint inspection
STORY_CLOSED_AT = datetime(2022, 5, 21, 10, 5, 0)  # after the lane has been inspected
STORY_DISPOSAL = "INSPECTION"
STORY_DUE = date(2022, 5, 20)
STORY_DEPT = "ZHZF"
STORY_PARTNERS = ("SCJG", "STHJ", "WSJK")
STORY_MAX_RESTAURANTS = 8  # a lane's eateries
STORY_MIN_RESTAURANTS = 3  # reached by the default seed from factor 0.002 up
STORY_CLUE_RESULT, STORY_OTHER_RESULT = "CLUE", "COMPLIANT"
# The lane lies a few hundred metres north-west of the subdistrict's centre.
LANE_OFFSET = (0.0042, -0.0031)
CATERING = next(k for k, industry in enumerate(INDUSTRIES) if industry.code == "CATERING")


def story_town(world: World) -> int:
    return world.geo.town_codes.index(STORY_TOWN_CODE)


def story_sensor_position(world: World) -> tuple[float, float]:
    """Latitude and longitude of the lane's monitor (the same at every scale)."""
    town = story_town(world)
    return (round(float(world.geo.town_lat[town]) + LANE_OFFSET[0], 6),
            round(float(world.geo.town_lon[town]) + LANE_OFFSET[1], 6))


def story_restaurants(world: World) -> np.ndarray:
    """Pool indices of the lane's restaurants, nearest to the monitor first; the first is
    the one the joint inspection finds in breach."""
    pool = world.entities
    lat, lon = story_sensor_position(world)
    candidates = np.flatnonzero((pool.town == story_town(world)) & (pool.industry == CATERING))
    distance = np.hypot(pool.lat[candidates] - lat, pool.lon[candidates] - lon)
    order = np.lexsort((candidates, distance))
    return candidates[order][:STORY_MAX_RESTAURANTS]


def story_triggers(world: World) -> list[Trigger]:
    """The 综合查一次 order: one joint inspection per restaurant of the lane."""
    codes = world.departments.codes
    partners = tuple(codes.index(code) for code in STORY_PARTNERS)
    return [
        Trigger(source="WARNING", ref_id=STORY_FUME_WARNING_ID, entity=int(entity),
                dept=codes.index(STORY_DEPT), raised=STORY_DISPATCHED_AT.date(), due=STORY_DUE,
                partners=partners,
                scripted_result=STORY_CLUE_RESULT if rank == 0 else STORY_OTHER_RESULT)
        for rank, entity in enumerate(story_restaurants(world).tolist())
    ]


def epoch(moment: datetime) -> int:
    """Seconds from 1970-01-01 (naive local time), as the generators count them."""
    return int((moment - datetime(1970, 1, 1)) / timedelta(seconds=1))
