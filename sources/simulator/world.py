"""The world a scenario runs in: geography, departments, residents and the market entities.

Built once per (seed, entity share), independent of the date range, and shared by every
system's generator. The market entities are a volume like any other: a demo run holds about
1% of the city's 320k entities, so that every entity a task or case names is one the market
register exports. Geography, departments and residents do not depend on the scale. Random
streams are keyed by (seed, stream, label) so that each system and month draws from its own
stream: adding a system or shortening the range leaves the others alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np

from sources.simulator import names
from sources.simulator.city import (
    INDUSTRIES,
    N_ENTITIES,
    N_PEOPLE,
    STAFF_RESERVED,
    Departments,
    Geography,
    People,
    build_departments,
    build_geography,
    build_people,
)

SOLE_TRADER_SHARE = 0.62  # 个体工商户 among market entities
MODERN_CODE_SHARE = 0.7  # registered (or re-registered) with an MA-type organisation code


class Stream(IntEnum):
    """Independent random streams; append new systems at the end."""

    GEOGRAPHY = 1
    PEOPLE = 2
    ENTITIES = 3
    INSPECTION = 4
    ENFORCEMENT = 5
    DEFECTS = 6
    ENCODING = 7
    ORGANISATION = 8
    ITEMS = 9
    DRONES = 10
    MARKET = 11  # market-entity lifecycle exports
    CREDIT = 12
    COMPLAINTS = 13
    GRID = 14
    APPROVALS = 15
    WARNINGS = 16
    PLANS = 17  # inspection plans and checklist lines
    CLUES = 18  # clue centre, case stage events
    OVERSIGHT = 19
    STORIES = 20  # the scenario's scripted chains


@dataclass(frozen=True)
class EntityPool:
    """Market entities as columns; strings are made on demand for exported rows only."""

    town: np.ndarray
    county: np.ndarray
    industry: np.ndarray
    sole: np.ndarray  # 个体工商户 (True) or company
    key: np.ndarray  # under key supervision
    trade1: np.ndarray
    trade2: np.ndarray
    word: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    uscc: np.ndarray  # U18
    operator: np.ndarray  # person index: owner of a sole trader, legal representative otherwise
    inspect_weight: np.ndarray  # relative chance of being inspected in a month
    case_weight: np.ndarray  # relative chance of being a case party
    prefixes: tuple[str, ...]  # name prefix per county index

    def __len__(self) -> int:
        return len(self.town)

    def names(self, idx: np.ndarray) -> list[str]:
        """Business names such as 衢州市柯城区鑫盛餐饮店 or 江山市恒达建材有限公司."""
        result = []
        for county, industry, sole, a, b, word in zip(
            self.county[idx].tolist(), self.industry[idx].tolist(), self.sole[idx].tolist(),
            self.trade1[idx].tolist(), self.trade2[idx].tolist(), self.word[idx].tolist(),
            strict=True,
        ):
            spec = INDUSTRIES[industry]
            words = spec.sole_words if sole else spec.company_words
            suffix = "" if sole else "有限公司"
            trade = names.TRADE_CHARS[a] + names.TRADE_CHARS[b]
            result.append(f"{self.prefixes[county]}{trade}{words[word % len(words)]}{suffix}")
        return result


@dataclass(frozen=True)
class World:
    seed: int
    geo: Geography
    departments: Departments
    people: People
    entities: EntityPool

    def rng(self, stream: Stream, *labels: int) -> np.random.Generator:
        """A generator for one stream and label (month, day ...), stable across runs."""
        return stream_rng(self.seed, stream, *labels)


def stream_rng(seed: int, stream: Stream, *labels: int) -> np.random.Generator:
    """``World.rng`` without a world: the frame writer's process keys its streams so."""
    return np.random.default_rng(np.random.SeedSequence([seed, int(stream), *labels]))


def build_world(seed: int, entity_share: float = 1.0) -> World:
    """Everything that exists before the first day; deterministic in the seed and share.

    ``entity_share`` is the scale's factor (``engine.SCALES``): the world then holds
    ``round(N_ENTITIES * entity_share)`` market entities, so that per-entity rates (visits,
    cases, ratings) stay those of the real city at every scale.
    """
    return _build_world(seed, entity_count(entity_share))


def entity_count(entity_share: float) -> int:
    """Market entities at a scale; at least one, so every generator has a pool to draw from."""
    if not 0.0 < entity_share <= 1.0:
        raise ValueError(f"entity_share must be in (0, 1], got {entity_share}")
    return max(1, round(N_ENTITIES * entity_share))


@lru_cache(maxsize=4)
def _build_world(seed: int, n_entities: int) -> World:
    """Cached on the entity count, so build_world(s) and build_world(s, 1.0) share one world."""
    def rng(stream: Stream) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence([seed, int(stream)]))

    geo = build_geography(rng(Stream.GEOGRAPHY))
    people = build_people(rng(Stream.PEOPLE), geo)
    entities = build_entities(rng(Stream.ENTITIES), geo, n_entities)
    departments = build_departments()
    for part in (geo, people, entities, departments):
        _freeze(part)
    return World(seed=seed, geo=geo, departments=departments, people=people, entities=entities)


def _freeze(part: object) -> None:
    """The world is cached and shared between runs: make its arrays read-only."""
    for value in vars(part).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)


def build_entities(rng: np.random.Generator, geo: Geography, n: int = N_ENTITIES) -> EntityPool:
    """``n`` market entities placed, typed and coded; also used for later registrations."""
    town = rng.choice(len(geo.town_codes), size=n, p=geo.town_weight)
    county = geo.town_county[town]
    sole = rng.random(n) < SOLE_TRADER_SHARE
    sole_p = np.array([i.sole_share for i in INDUSTRIES])
    company_p = np.array([i.company_share for i in INDUSTRIES])
    industry = np.where(
        sole,
        rng.choice(len(INDUSTRIES), size=n, p=sole_p / sole_p.sum()),
        rng.choice(len(INDUSTRIES), size=n, p=company_p / company_p.sum()),
    )
    key = rng.random(n) < np.array([i.key_share for i in INDUSTRIES])[industry]
    jitter = np.clip(rng.normal(0.0, 0.012, (2, n)), -0.03, 0.03)
    modern = rng.random(n) < MODERN_CODE_SHARE
    ordinal = np.arange(n, dtype=np.int64)
    # Affine bijections keep organisation codes unique without storing a set of used codes.
    modern_org = (ordinal * 7_368_787 + int(rng.integers(0, 31**6))) % 31**6
    legacy_org = (ordinal * 48_271 + int(rng.integers(0, 10**9))) % 10**9
    org = np.where(modern, modern_org, legacy_org)
    county_codes = [geo.county_codes[c] for c in county.tolist()]
    risk = np.array([i.risk for i in INDUSTRIES])[industry]
    intensity = geo.county_intensity[county]
    return EntityPool(
        town=town, county=county, industry=industry, sole=sole, key=key,
        trade1=rng.integers(0, len(names.TRADE_CHARS), n),
        trade2=rng.integers(0, len(names.TRADE_CHARS), n),
        word=rng.integers(0, 1000, n),
        lat=geo.town_lat[town] + jitter[0],
        lon=geo.town_lon[town] + jitter[1],
        uscc=names.uscc_codes(np.where(sole, 2, 1), county_codes, org, modern),
        operator=rng.permutation(N_PEOPLE - STAFF_RESERVED)[:n],
        inspect_weight=risk * np.where(key, 4.0, 1.0) * intensity * np.where(sole, 0.6, 1.0),
        case_weight=risk * np.where(key, 2.0, 1.0),
        prefixes=tuple(geo.business_prefix(c) for c in range(len(geo.county_codes))),
    )
