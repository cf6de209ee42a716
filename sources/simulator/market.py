"""市场主体: the market register's entities and their lifecycle, as the register exports it.

The world's entity pool is the stock registered before the scenario's epoch; inspection and
enforcement draw only from it. On top of it the register gains new registrations every
working day (a net growth of a few per cent a year), and every entity may be listed in the
abnormal-operation list (经营异常名录) — scattered through the year, and in a wave each July
for not filing the annual report by June 30 —, be removed from it again, be revoked (吊销)
after long abnormality, or close (注销). Risky entities (a high latent violation propensity,
derived from the pool's case weight) are listed more often; ``credit`` rates the same
propensity, so the abnormal list and the D class agree.

The lifecycle is drawn once per world, month by month with the month's own random stream,
from before the epoch to ``HORIZON``, independent of the run's range. An export then is a
snapshot of every entity registered by the first export day (closed ones included: the
register keeps them) and one row per entity and day on which it changed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

import numpy as np

from sources import reference
from sources.simulator import sampling
from sources.simulator.city import INDUSTRIES
from sources.simulator.formats import Row
from sources.simulator.timeline import Month, day_weight, months
from sources.simulator.world import EntityPool, Stream, World, build_entities
from sources.systems.market import ENTITIES

EPOCH = date(2020, 1, 1)  # the world's pool is the register's stock on this day
HISTORY_START = date(2018, 1, 1)  # monthly states are kept from here (credit burn-in)
HORIZON = date(2025, 12, 31)  # lifecycle events are drawn up to here; exports stop at ``end``
LOAD_SECONDS = 30 * 60  # the snapshot is taken at 00:30 of the first export day
REGISTRATIONS_PER_YEAR = 0.12  # new entities a year, as a share of the epoch stock
STATUSES = ("OPERATING", "ABNORMAL", "REVOKED", "CLOSED")
OPERATING, ABNORMAL, REVOKED, CLOSED = range(4)
UNREGISTERED = -1
# Monthly hazards of an average entity (scaled by its propensity, type and age).
CLOSE_OPERATING = 0.0040
CLOSE_ABNORMAL = 0.02
LIST_ANY_MONTH = 0.0020  # cannot be reached at its registered address
LIST_IN_JULY = 0.03  # annual report (年报) not filed by June 30
REMOVE = 0.06  # report filed or address corrected: removed from the list (移出)
REVOKE = 0.008
INITIAL_ABNORMAL = 0.05  # share of the epoch stock already on the list
PHONE_SHARE = 0.92
GEOCODED_SHARE = 0.97
ROADS = ("人民路", "解放路", "新华路", "府山路", "荷花路", "衢化路", "花园路", "双港路",
         "白云大道", "三衢路", "振兴路", "文昌路", "环城路", "中山路", "和平路", "建设路",
         "兴业路", "东方大道", "西安路", "江滨路", "工业园路", "百灵路", "世纪大道", "长安路")


@dataclass(frozen=True)
class Register:
    """Every entity the register ever holds up to ``HORIZON``, and its dated status events."""

    entities: EntityPool  # the world's pool first, then later registrations in date order
    n_pool: int
    propensity: np.ndarray  # latent violation propensity (0 = average, higher = riskier)
    registered: np.ndarray  # datetime64[D]
    road: np.ndarray
    number: np.ndarray
    geocoded: np.ndarray
    has_phone: np.ndarray
    event_entity: np.ndarray  # events sorted by (day, seconds, entity)
    event_day: np.ndarray  # datetime64[D]
    event_seconds: np.ndarray
    event_status: np.ndarray
    status: np.ndarray  # (month, entity) status at each month's end, from HISTORY_START

    def __len__(self) -> int:
        return len(self.registered)

    def status_at_month_end(self, label: int) -> np.ndarray:
        """Status per entity (UNREGISTERED before registration) at the end of a month."""
        row = label - month_label(HISTORY_START)
        if not 0 <= row < len(self.status):
            raise ValueError(f"month {label // 12}-{label % 12 + 1:02d} is outside "
                             f"{HISTORY_START}..{HORIZON}")
        return self.status[row]


def month_label(day: date) -> int:
    return day.year * 12 + day.month - 1


_REGISTERS: dict[tuple[int, int], Register] = {}


def register(world: World) -> Register:
    """The register of a world, built once (a few seconds at full scale) and kept."""
    key = (world.seed, len(world.entities))
    if key not in _REGISTERS:
        if len(_REGISTERS) >= 2:
            _REGISTERS.pop(next(iter(_REGISTERS)))
        built = _build_register(world)
        for part in (built, built.entities):  # cached and shared between runs: read-only
            for value in vars(part).values():
                if isinstance(value, np.ndarray):
                    value.setflags(write=False)
        _REGISTERS[key] = built
    return _REGISTERS[key]


def _build_register(world: World) -> Register:
    """The stock, the later registrations (built like the stock, so their names and codes
    look alike) and every entity's events; all draws come from the MARKET stream."""
    pool = world.entities
    rng = world.rng(Stream.MARKET, 0)
    years = (HORIZON - EPOCH).days / 365.25
    later = build_entities(rng, world.geo, max(1, round(len(pool) * REGISTRATIONS_PER_YEAR
                                                        * years)))
    taken = set(pool.uscc.tolist())  # codes stay unique: drop the rare clash with the stock
    later = _take(later, np.array([c not in taken for c in later.uscc.tolist()], dtype=bool))
    entities = _concat(pool, later)
    n = len(entities)
    log_weight = np.log(entities.case_weight)
    propensity = log_weight - log_weight[: len(pool)].mean() + rng.normal(0.0, 0.6, n)
    registered = np.r_[_stock_registrations(rng, pool), _new_registrations(rng, len(later))]
    static = _static_events(rng, registered, len(pool), propensity)
    events, status = _simulate(world, entities, propensity, registered, static)
    return Register(
        entities=entities, n_pool=len(pool), propensity=propensity, registered=registered,
        road=rng.integers(0, len(ROADS), n), number=rng.integers(1, 400, n),
        geocoded=rng.random(n) < GEOCODED_SHARE, has_phone=rng.random(n) < PHONE_SHARE,
        event_entity=events[0], event_day=events[1], event_seconds=events[2],
        event_status=events[3], status=status,
    )


def _take(pool: EntityPool, idx: np.ndarray) -> EntityPool:
    """The entities at ``idx`` (an index or boolean mask) as a pool of their own."""
    return EntityPool(**{f.name: (getattr(pool, f.name)[idx] if f.name != "prefixes"
                                  else pool.prefixes) for f in fields(EntityPool)})


def _concat(a: EntityPool, b: EntityPool) -> EntityPool:
    """``a`` then ``b``: indices of ``a`` stay valid, so the world's pool keeps its numbers."""
    return EntityPool(**{f.name: (np.concatenate([getattr(a, f.name), getattr(b, f.name)])
                                  if f.name != "prefixes" else a.prefixes)
                         for f in fields(EntityPool)})


def _stock_registrations(rng: np.random.Generator, pool: EntityPool) -> np.ndarray:
    """Establishment days of the epoch stock: sole traders are younger than companies."""
    age_years = np.clip(rng.exponential(np.where(pool.sole, 5.0, 8.0)), 0.01, 30.0)
    return sampling.to_day(EPOCH) - np.ceil(age_years * 365.25).astype("timedelta64[D]")


def _new_registrations(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days of later registrations, spread over working days (few at the spring festival)."""
    days = [EPOCH + timedelta(d) for d in range((HORIZON - EPOCH).days + 1)]
    weights = np.array([day_weight(d, "planned") for d in days])
    chosen = np.sort(rng.choice(len(days), size=n, p=weights / weights.sum()))
    return sampling.to_day(EPOCH) + chosen.astype("timedelta64[D]")


def _static_events(rng: np.random.Generator, registered: np.ndarray, n_pool: int,
                   propensity: np.ndarray) -> tuple[np.ndarray, ...]:
    """Registrations of everyone, and the listings of stock entities already abnormal."""
    n = len(registered)
    epoch = sampling.to_day(EPOCH)
    old = np.flatnonzero(registered[:n_pool] < epoch - np.timedelta64(365, "D"))
    chance = INITIAL_ABNORMAL * np.exp(0.6 * propensity[old])
    listed = old[rng.random(len(old)) < chance * INITIAL_ABNORMAL / chance.mean()]
    first = np.maximum(registered[listed] + np.timedelta64(180, "D"),
                       epoch - np.timedelta64(730, "D"))
    span = (epoch - first).astype(np.int64)
    listed_day = first + (rng.random(len(listed)) * span).astype("timedelta64[D]")
    entity = np.r_[np.arange(n), listed]
    day = np.r_[registered, listed_day]
    seconds = sampling.office_seconds(rng, len(entity))
    status = np.r_[np.full(n, OPERATING), np.full(len(listed), ABNORMAL)].astype(np.int8)
    return entity, day, seconds, status


def _simulate(world: World, pool: EntityPool, propensity: np.ndarray, registered: np.ndarray,
              static: tuple[np.ndarray, ...]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Month by month: apply the month's events, then record everyone's month-end status."""
    parts = [static]
    status = np.full(len(registered), UNREGISTERED, dtype=np.int8)
    _apply(status, static, None, sampling.to_day(HISTORY_START) - np.timedelta64(1, "D"))
    hazards = _Hazards(
        close=CLOSE_OPERATING * np.where(pool.sole, 1.4, 0.7) * np.exp(0.2 * propensity),
        listing=np.exp(0.6 * propensity), registered=registered)
    history = []
    for month in months(HISTORY_START, HORIZON):
        first, last = sampling.to_day(month.days[0]), sampling.to_day(month.days[-1])
        if month.days[0] >= EPOCH:
            moved = _transitions(world.rng(Stream.MARKET, month.label), month, status, hazards)
            parts.append(moved)
            _apply(status, moved, first, last)
        _apply(status, static, first, last)
        history.append(status.copy())
    events = tuple(np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.lexsort((events[0], events[2], events[1]))
    return tuple(column[order] for column in events), np.stack(history)


def _apply(status: np.ndarray, events: tuple[np.ndarray, ...], first: np.datetime64 | None,
           last: np.datetime64) -> None:
    """Set the status of every entity with an event in [first, last]; at most one each."""
    entity, day, _, new = events
    inside = (day <= last) if first is None else (day >= first) & (day <= last)
    if first is None:  # everything before the history: keep each entity's latest event
        idx = np.flatnonzero(inside)
        idx = idx[np.lexsort((idx, day[idx]))]
        _, last_of = np.unique(entity[idx][::-1], return_index=True)
        idx = idx[len(idx) - 1 - last_of]
    else:
        idx = np.flatnonzero(inside)
    status[entity[idx]] = new[idx]


@dataclass(frozen=True)
class _Hazards:
    """What makes an entity close or be listed, fixed for its life."""

    close: np.ndarray  # monthly closure hazard while operating (before the start-up factor)
    listing: np.ndarray  # relative chance of being listed (from the propensity)
    registered: np.ndarray


def _transitions(rng: np.random.Generator, month: Month, status: np.ndarray,
                 hazards: _Hazards) -> tuple[np.ndarray, ...]:
    """Listings, removals, revocations and closures of one month, at most one per entity."""
    u = rng.random(len(status))
    first = sampling.to_day(month.days[0])
    operating = np.flatnonzero(status == OPERATING)
    registered = hazards.registered[operating]
    young = registered > first - np.timedelta64(730, "D")  # start-ups close more often
    close = hazards.close[operating] * np.where(young, 1.5, 1.0)
    scattered = LIST_ANY_MONTH * hazards.listing[operating]
    reported = registered < sampling.to_day(date(month.year, 1, 1))  # owes an annual report
    wave = LIST_IN_JULY * hazards.listing[operating] * ((month.month == 7) & reported)
    v = u[operating]
    closed, listed = v < close, (v >= close) & (v < close + scattered + wave)
    in_wave = listed & (v >= close + scattered)
    abnormal = np.flatnonzero(status == ABNORMAL)
    w = u[abnormal]
    removed, revoked = w < REMOVE, (w >= REMOVE) & (w < REMOVE + REVOKE)
    ended = (w >= REMOVE + REVOKE) & (w < REMOVE + REVOKE + CLOSE_ABNORMAL)
    moved = np.r_[operating[closed], operating[listed], abnormal[removed], abnormal[revoked],
                  abnormal[ended]]
    new = np.r_[np.full(closed.sum(), CLOSED), np.full(listed.sum(), ABNORMAL),
                np.full(removed.sum(), OPERATING), np.full(revoked.sum(), REVOKED),
                np.full(ended.sum(), CLOSED)].astype(np.int8)
    july = np.r_[np.zeros(closed.sum(), bool), in_wave[listed],
                 np.zeros(len(moved) - closed.sum() - listed.sum(), bool)]
    day = np.where(july, _days(rng, month, len(moved), 15), _days(rng, month, len(moved)))
    return moved, first + day.astype("timedelta64[D]"), \
        sampling.office_seconds(rng, len(moved)), new


def _days(rng: np.random.Generator, month: Month, n: int, within: int = 31) -> np.ndarray:
    """Day offsets within the month, on working days (the first ``within`` days only)."""
    weights = np.array([day_weight(d, "planned") if d.day <= within else 0.0
                        for d in month.days])
    offsets = np.array([(d - month.days[0]).days for d in month.days])
    return offsets[rng.choice(len(weights), size=n, p=weights / weights.sum())]


# --- export ----------------------------------------------------------------------------------


def export_rows(world: World, start: date, end: date) -> dict[str, dict[date, list[Row]]]:
    """The register's exports: table name -> export day -> rows (every day of the range)."""
    return {ENTITIES.table_name: day_rows(world, start, start, end)}


def month_rows(world: World, month: Month, start: date) -> dict[date, list[Row]]:
    """One month of the engine's loop: rows per day of ``month`` of a run from ``start``."""
    return day_rows(world, start, month.days[0], month.days[-1])


def day_rows(world: World, start: date, first: date, last: date) -> dict[date, list[Row]]:
    """Rows per export day in [first, last] of a run whose first export day is ``start``."""
    reg = register(world)
    if last > HORIZON:
        raise ValueError(f"the market register is simulated up to {HORIZON}, not {last}")
    out: dict[date, list[Row]] = {first + timedelta(d): [] for d in range((last - first).days
                                                                           + 1)}
    lo = max(first, start + timedelta(1))
    a = int(np.searchsorted(reg.event_day, sampling.to_day(lo), "left"))
    b = int(np.searchsorted(reg.event_day, sampling.to_day(last), "right"))
    if first <= start <= last:
        out[start] = _snapshot(world, reg, start)
    if a < b:
        idx = np.arange(a, b)
        stamps = sampling.timestamp_strings(reg.event_day[idx], reg.event_seconds[idx])
        rows = _rows(world, reg, reg.event_entity[idx], reg.event_status[idx],
                     reg.event_day[idx], stamps)
        for day, row in zip(sampling.date_strings(reg.event_day[idx]), rows, strict=True):
            out[date.fromisoformat(day)].append(row)
    return out


def _snapshot(world: World, reg: Register, start: date) -> list[Row]:
    """The state as of ``start`` of every entity registered by then, closed ones included."""
    k = int(np.searchsorted(reg.event_day, sampling.to_day(start), "right"))
    _, first_in_reversed = np.unique(reg.event_entity[:k][::-1], return_index=True)
    last = k - 1 - first_in_reversed
    day = reg.event_day[last]
    seconds = np.where(day == sampling.to_day(start), reg.event_seconds[last], LOAD_SECONDS)
    stamps = sampling.timestamp_strings(np.full(len(last), sampling.to_day(start)), seconds)
    rows = _rows(world, reg, reg.event_entity[last], reg.event_status[last], day, stamps)
    return sorted(rows, key=lambda r: (str(r["updated_at"]), str(r["uscc"])))


def _rows(world: World, reg: Register, entity: np.ndarray, status: np.ndarray,
          status_day: np.ndarray, stamps: list[str]) -> list[Row]:
    """Export rows of these entities in these states (strings are made only here)."""
    pool, geo, people = reg.entities, world.geo, world.people
    operator = pool.operator[entity]
    town_names = _town_names(geo.town_codes)
    lat = np.round(pool.lat[entity], 6).tolist()
    lon = np.round(pool.lon[entity], 6).tolist()
    return [
        {
            "uscc": uscc, "name": name, "entity_type": "SOLE_TRADER" if sole else "COMPANY",
            "industry_code": INDUSTRIES[industry].code,
            "county_code": geo.county_codes[county], "town_code": geo.town_codes[town],
            "address": f"浙江省衢州市{geo.county_names[county]}{town_names[town]}"
                       f"{ROADS[road]}{number}号",
            "latitude": y if coded else None, "longitude": x if coded else None,
            "legal_rep_name": rep, "legal_rep_id_no": id_no,
            "phone": phone if has_phone else None, "registered_date": registered,
            "status": STATUSES[state], "status_date": since, "is_key_supervision": key,
            "updated_at": stamp,
        }
        for (uscc, name, sole, industry, county, town, road, number, y, x, coded, rep, id_no,
             phone, has_phone, registered, state, since, key, stamp) in zip(
            pool.uscc[entity].tolist(), pool.names(entity), pool.sole[entity].tolist(),
            pool.industry[entity].tolist(), pool.county[entity].tolist(),
            pool.town[entity].tolist(), reg.road[entity].tolist(), reg.number[entity].tolist(),
            lat, lon, reg.geocoded[entity].tolist(), people.names(operator),
            people.id_numbers(operator), people.phones(operator),
            reg.has_phone[entity].tolist(), sampling.date_strings(reg.registered[entity]),
            status.tolist(), sampling.date_strings(status_day), pool.key[entity].tolist(),
            stamps, strict=True,
        )
    ]


def _town_names(codes: tuple[str, ...]) -> list[str]:
    names = {town.code: town.name_zh for town in reference.towns()}
    return [names[code] for code in codes]
