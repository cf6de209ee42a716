"""What each kind of early warning is: its device, where it sits, when it fires, who acts on it.

One table drives both the sensor register (``warnings_sensors``) and the warnings
(``warnings``): a kind is one sensor type raising one warning type (the MODEL sensor type has
two kinds, the abnormal-operation and the hazardous-chemicals models). Counts, shares and
timings are plausible orders of magnitude for a city of 2.3 million during its IoT roll-out
(城市大脑 / 数字化改革), not published figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources.simulator.city import INDUSTRIES

WARNINGS_PER_YEAR = 100_000  # city-wide in 2021 at full scale; later years follow the roll-out
# The register's growth: each kind has its devices installed by 2020-01-01 and by 2022-07-01
# (``Kind.counts``); the roll-out between the two follows the reform (most of it in 2021).
# Before 2020 the first count was installed evenly from FIRST_INSTALL; after mid-2022 the
# register grows by LATE_GROWTH of its mid-2022 size until LATE_END.
FIRST_INSTALL = date(2016, 1, 1)
ROLL_OUT = ((date(2020, 1, 1), 0.0), (date(2021, 1, 1), 0.15), (date(2022, 1, 1), 0.75),
            (date(2022, 7, 1), 1.0))
LATE_END = date(2024, 1, 1)
LATE_GROWTH = 0.2
# Warning level by how far the reading went past its threshold, in units of the kind's span.
SEVERITY_LEVELS = ("BLUE", "YELLOW", "ORANGE", "RED")
SEVERITY_CUTS = np.array([0.25, 0.6, 1.2])
DISPOSALS = ("FALSE_ALARM", "ON_SITE_FIXED", "INSPECTION", "CLUE")
NIGHT_HOURS = (22, 6)  # noise limits drop by NIGHT_NOISE_DROP dB(A) between 22:00 and 06:00
NIGHT_NOISE_DROP = 10.0

MEALS = (0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.2, 1.5, 3.0, 4.5, 4.0, 1.5, 0.8, 0.8, 1.5,
         3.5, 4.5, 3.5, 2.0, 1.2, 0.8, 0.5)  # 油烟: lunch and dinner
NIGHT_LIFE = (2.0, 1.5, 1.0, 0.6, 0.4, 0.6, 1.2, 1.5, 1.5, 1.4, 1.2, 1.0, 1.0, 1.2, 1.3, 1.3,
              1.3, 1.4, 1.6, 2.0, 2.6, 3.0, 3.0, 2.6)  # night building work, KTV, square dance
SITE_HOURS = (0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 1.0, 2.5, 3.0, 3.2, 3.2, 2.5, 1.5, 2.5, 3.2, 3.2,
              3.0, 2.0, 0.8, 0.4, 0.3, 0.2, 0.1, 0.1)  # building sites at work
NIGHT_DISCHARGE = (3.0, 3.5, 3.5, 3.0, 2.5, 1.5, 1.0, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7,
                   0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0)  # 偷排 happens at night
EVENING = (1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.3, 1.4, 1.0, 1.0, 1.0,
           1.1, 1.4, 1.8, 2.0, 2.0, 1.8, 1.5, 1.2)  # cooking, heating, smoking
ROUND_THE_CLOCK = (1.0,) * 24
NIGHTLY_BATCH = (0, 0, 3.0, 1.0) + (0,) * 20  # models run on last night's data


@dataclass(frozen=True)
class Kind:
    """One sensor type raising one warning type, with everything the generators need."""

    warning_type: str
    sensor_type: str
    abbr: str  # in the device number, from the pinyin initials: 油烟 YY, 噪声 ZS ...
    device: str  # name suffix of a device on a business's premises
    point: str  # name suffix of a public-space device
    counts: tuple[int, int]  # installed by 2020-01-01 and by 2022-07-01
    attached: float  # share of devices on a business's premises (the rest public)
    industries: dict[str, float]  # trades it sits with, or whose businesses get inspected
    urban: float  # preference for subdistricts (街道) over towns and townships
    share: float  # share of the city's warnings in 2021
    season: str  # a ``grids.SEASONS`` kind
    hours: tuple[float, ...]
    site_calendar: bool  # follows building-site days (quiet at weekends and festivals)
    thresholds: tuple[float, ...]  # configured limits a device is set to
    spread: float  # a device's limit varies this much around the configured one
    span: float  # reading above the limit per unit of exceedance
    cap: float  # the device's measuring range
    decimals: int
    z_scale: float  # mean exceedance
    depts: tuple[dict[str, float], dict[str, float]]  # who gets it, before and after the reform
    disposal: tuple[float, float, float, float]  # before the reform, in ``DISPOSALS`` order


KINDS = (
    Kind("FUME_EXCEEDED", "COOKING_FUME", "YY", "油烟在线监测仪", "油烟监测点", (160, 1580),
         0.85, {"CATERING": 1}, 3.0, 0.30, "summer", MEALS, False, (2.0,), 0.0, 2.0, 50.0,
         2, 0.45, ({"STHJ": 3, "ZHZF": 2, "SCJG": 0.3}, {"ZHZF": 5, "STHJ": 0.8, "SCJG": 0.2}),
         (0.25, 0.37, 0.35, 0.03)),
    Kind("NOISE_EXCEEDED", "NOISE", "ZS", "噪声在线监测仪", "噪声监测点", (160, 580), 0.3,
         {"LEISURE": 2, "CONSTRUCTION": 2, "CATERING": 1}, 3.0, 0.14, "summer", NIGHT_LIFE,
         False, (55.0, 60.0, 65.0, 70.0), 0.0, 12.0, 130.0, 1, 0.45,
         ({"STHJ": 2, "GAJ": 1.5, "ZHZF": 1.5}, {"ZHZF": 4, "GAJ": 1, "STHJ": 0.5}),
         (0.30, 0.40, 0.27, 0.03)),
    Kind("DUST_EXCEEDED", "DUST", "YC", "扬尘在线监测仪", "扬尘监测点", (210, 740), 0.9,
         {"CONSTRUCTION": 3, "MINING": 1}, 1.0, 0.14, "dry", SITE_HOURS, True,
         (80.0, 100.0, 150.0), 0.0, 120.0, 2000.0, 0, 0.45,
         ({"ZJJS": 2, "STHJ": 2, "ZHZF": 1}, {"ZHZF": 3, "ZJJS": 1, "STHJ": 1}),
         (0.20, 0.40, 0.36, 0.04)),
    Kind("WATER_LEVEL_HIGH", "WATER_LEVEL", "SW", "水位监测站", "水位监测站", (320, 500), 0.0,
         {"MINING": 1, "CONSTRUCTION": 1}, 0.0, 0.06, "flood", ROUND_THE_CLOCK, False,
         (60.0, 80.0, 100.0), 15.0, 1.5, 200.0, 2, 0.45,
         ({"SLJ": 4, "YJGL": 1.5}, {"SLJ": 4, "YJGL": 1.5}), (0.20, 0.70, 0.10, 0.0)),
    Kind("DISCHARGE_EXCEEDED", "WASTEWATER", "WS", "污水排放在线监测仪", "排污口监测点",
         (370, 590), 0.95, {"MANUFACTURING": 3, "CHEMICAL": 2, "AGRICULTURE": 0.5}, 0.5, 0.10,
         "flat", NIGHT_DISCHARGE, False, (50.0, 100.0, 150.0), 0.0, 120.0, 5000.0, 1, 0.45,
         ({"STHJ": 5, "SLJ": 0.3}, {"STHJ": 5, "ZHZF": 0.5}), (0.20, 0.26, 0.47, 0.07)),
    Kind("GAS_LEAK", "GAS_LEAK", "RQ", "燃气泄漏报警器", "燃气管网监测点", (160, 1160), 0.9,
         {"CATERING": 3, "LEISURE": 1, "CHEMICAL": 0.5}, 2.0, 0.08, "dry", EVENING, False,
         (20.0, 25.0), 0.0, 30.0, 100.0, 1, 0.45,
         ({"ZJJS": 3, "YJGL": 2}, {"ZJJS": 3, "YJGL": 2, "ZHZF": 0.5}),
         (0.35, 0.50, 0.14, 0.01)),
    Kind("SMOKE_ALARM", "FIRE_SMOKE", "YG", "独立式烟感探测器", "烟感监测点", (210, 1160), 0.9,
         {"LEISURE": 3, "RETAIL": 1, "EDUCATION": 1, "SERVICES": 1, "MEDICAL": 1}, 1.5, 0.08,
         "dry", EVENING, False, (0.10, 0.15, 0.20), 0.0, 0.3, 5.0, 2, 0.45,
         ({"YJGL": 4, "ZHZF": 0.5}, {"YJGL": 4, "ZHZF": 0.5}), (0.55, 0.35, 0.09, 0.01)),
    Kind("ABNORMAL_OPERATION", "MODEL", "MX", "企业经营异常监测模型", "", (0, 6), 0.0,
         {i.code: i.risk for i in INDUSTRIES}, 0.0, 0.06, "flat", NIGHTLY_BATCH, False,
         (80.0,), 0.0, 8.0, 100.0, 1, 0.45,
         ({"SCJG": 4, "ZHZF": 1}, {"SCJG": 4, "ZHZF": 1}), (0.30, 0.10, 0.55, 0.05)),
    Kind("HAZCHEM_RISK", "MODEL", "MX", "危化品安全风险预警模型", "", (0, 6), 0.0,
         {"CHEMICAL": 5, "MINING": 2, "MANUFACTURING": 1}, 0.0, 0.04, "flat", NIGHTLY_BATCH,
         False, (75.0,), 0.0, 10.0, 100.0, 1, 0.45,
         ({"YJGL": 4, "STHJ": 1}, {"YJGL": 4, "STHJ": 1}), (0.25, 0.20, 0.50, 0.05)),
)
KIND_INDEX = {kind.warning_type: k for k, kind in enumerate(KINDS)}
FUME = KIND_INDEX["FUME_EXCEEDED"]
WATER = KIND_INDEX["WATER_LEVEL_HIGH"]
NOISE = KIND_INDEX["NOISE_EXCEEDED"]
MODEL_KINDS = tuple(k for k, kind in enumerate(KINDS) if kind.sensor_type == "MODEL")
FLOOD_Z_SCALE = 0.9  # in the flood season rivers rise further past their warning levels
TRADES = tuple(i.code for i in INDUSTRIES)


def industry_matrix() -> np.ndarray:
    """(kinds, industries) weights of the trades each kind concerns."""
    matrix = np.zeros((len(KINDS), len(INDUSTRIES)))
    for k, kind in enumerate(KINDS):
        for code, weight in kind.industries.items():
            matrix[k, TRADES.index(code)] = weight
    return matrix


def dept_matrix(codes: tuple[str, ...], progress: float) -> np.ndarray:
    """(kinds, departments) dispatch weights, moving to the reform's assignment as it rolls
    out: cooking fumes, noise and dust go to comprehensive enforcement (综合执法)."""
    matrix = np.zeros((len(KINDS), len(codes)))
    for k, kind in enumerate(KINDS):
        for weights, share in zip(kind.depts, (1.0 - progress, progress), strict=True):
            total = sum(weights.values())
            for code, weight in weights.items():
                matrix[k, codes.index(code)] += share * weight / total
    return matrix


def disposal_matrix(progress: float) -> np.ndarray:
    """(kinds, disposals) probabilities: tuned thresholds and verification on the platform
    cut false alarms by a third; the freed share is fixed on the spot."""
    matrix = np.array([kind.disposal for kind in KINDS], dtype=float)
    cut = matrix[:, 0] * 0.35 * progress
    matrix[:, 0] -= cut
    matrix[:, 1] += cut
    return matrix / matrix.sum(axis=1, keepdims=True)


def hour_matrix() -> np.ndarray:
    return np.array([kind.hours for kind in KINDS], dtype=float)


def severity_of(z: np.ndarray) -> np.ndarray:
    """Index into ``SEVERITY_LEVELS`` of each exceedance."""
    return np.searchsorted(SEVERITY_CUTS, z, side="right")
