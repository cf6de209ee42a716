"""执法力量: the organisation system's departments, teams, squads and staff, and the day each
one changed.

Built once per seed, independent of scale and date range. The 21 departments of the
reference list stand unchanged from the epoch, under their Chinese names. 72 teams stand in
2020 (the "1+5" teams plus natural resources, culture, agriculture, forestry and water in
each area); the latter merge into their area's comprehensive bureau in 2020-2021 and a
"环国家公园" team is formed in 开化: 43 teams. Squads and "大镇带小乡" units are integrated in
the three months after the March 2022 conference. Of ~3,000 officers (residents ``city.py``
reserves for staff, so never case parties) about 60% are at the front line before the
reform; officers are posted down (下沉) until 89% are on the figure date.

Every record is a ``History`` (first state and dated changes); ``export_histories`` turns it
into what the upstream exports: a full snapshot on the first export day, then one row per
record on each day it changed (never two rows of a key in one file).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from sources import reference
from sources.simulator.city import INSPECTORS_PER_UNIT, N_PEOPLE, STAFF_RESERVED
from sources.simulator.formats import Row
from sources.simulator.histories import (
    History,
    export_histories,
    office_second,
    working_day,
)
from sources.simulator.world import Stream, World
from sources.systems.organisation import DEPARTMENTS, SQUADS, STAFF, TEAMS

FIGURE_DATE = date(2022, 6, 30)  # the day the seed article's figures describe
EPOCH = date(2020, 1, 1)  # the organisation as it stood before the reform
HORIZON = date(2025, 12, 31)  # events are drawn up to here; exports stop at ``end``
CITY = "330800"
DISTRICTS = ("330802", "330803")  # 柯城区, 衢江区: city-level teams post staff here
FRONTLINE_TARGET = 0.89
INITIAL_FRONTLINE = 0.6
N_INITIAL_STAFF = 3_100
HIRES_PER_YEAR = 70
LEAVE_HAZARD = 0.03  # per year
# Staff come after the inspectors the inspection generator draws (one team per county and
# department), in the range city.py reserves for staff.
STAFF_FIRST_PERSON = (N_PEOPLE - STAFF_RESERVED
                      + INSPECTORS_PER_UNIT * len(reference.departments())
                      * len(reference.counties()))

CORE = ("ZHZF", "SCJG", "STHJ", "JTYS", "WSJK", "YJGL")  # the "1+5" teams of every area
MERGED = ("ZRZY", "WGLY", "NYNC")  # merged into the comprehensive bureau in every area
FORESTRY_AREAS = ("330802", "330803", "330822", "330824", "330825", "330881")
WATER_AREAS = ("330824", "330825", "330881")
TEAM_SUFFIX = {
    "ZHZF": "综合行政执法局", "SCJG": "市场监管执法队", "STHJ": "生态环境保护综合行政执法队",
    "JTYS": "交通运输综合行政执法队", "WSJK": "卫生健康综合行政执法队",
    "YJGL": "应急管理综合行政执法队", "ZRZY": "自然资源执法监察大队",
    "WGLY": "文化市场综合行政执法队", "NYNC": "农业综合行政执法队", "LYJ": "林业行政执法大队",
    "SLJ": "水政监察大队",
}
# Before "以区为主", the city posted its own teams in the two districts; renamed on this day.
DISTRICT_NAMES = {"ZHZF": "衢州市综合行政执法局{}分局", "SCJG": "衢州市市场监督管理局{}分局执法队"}
DISTRICT_RENAME = date(2021, 9, 1)
PARK_TEAM = ("330824", "开化县“环国家公园”综合行政执法队", date(2022, 3, 15))
STAFF_WEIGHT = {  # relative team sizes, city / county level
    "CITY": {"ZHZF": 160, "SCJG": 70, "STHJ": 40, "JTYS": 60, "WSJK": 30, "YJGL": 30,
             "ZRZY": 30, "WGLY": 20, "NYNC": 20},
    "COUNTY": {"ZHZF": 150, "SCJG": 95, "STHJ": 30, "JTYS": 40, "WSJK": 28, "YJGL": 28,
               "ZRZY": 28, "WGLY": 16, "NYNC": 26, "LYJ": 22, "SLJ": 14},
}
CITY_SQUADS = (  # the city bureau's own squads (信安湖中队 was founded during the reform)
    ("信安湖中队", "信安街道"), ("西区中队", "花园街道"), ("巨化中队", "衢化街道"),
    ("高铁新城中队", "荷花街道"), ("机动中队", "府山街道"), ("景区中队", "新新街道"),
    ("南区中队", "白云街道"), ("智造新城中队", "樟潭街道"), ("东港中队", "浮石街道"),
)
XINANHU_FOUNDED = date(2021, 5, 20)
TOWN_UNITS = {"330802": 5, "330803": 7, "330822": 5, "330824": 6, "330825": 6, "330881": 8}
LATE_SQUADS, LATE_UNITS = 4, 2  # integrated after the figure date
INTEGRATION = (date(2022, 3, 30), date(2022, 6, 27))  # "短短3个月" after the 3/29 conference
LATE_INTEGRATION = (date(2022, 8, 1), date(2022, 12, 16))
LEADERS = ("DIRECTOR", "DEPUTY_DIRECTOR")
HQ_POSTS = (("DIRECTOR", 0.02), ("DEPUTY_DIRECTOR", 0.05), ("SECTION_CHIEF", 0.10),
            ("LEGAL_REVIEWER", 0.05), ("OFFICER", 0.78))
FRONT_POSTS = (("SQUAD_LEADER", 0.08), ("OFFICER", 0.92))
UNIT_SHARE = 0.6  # of a lead town's squad officers who join its new town unit


# --- histories -------------------------------------------------------------------------------


@dataclass
class Team:
    team_id: str
    name: str
    dept: str
    area: str  # county code, or the city's code for a city-level team
    valid_from: date
    valid_to: date | None = None
    successor: str | None = None
    renamed: tuple[date, str] | None = None

    @property
    def level(self) -> str:
        return "CITY" if self.area == CITY else "COUNTY"

    def active(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def history(self, rng: np.random.Generator, domain: str) -> History:
        state: Row = {
            "team_id": self.team_id, "team_name": self.name, "department_code": self.dept,
            "domain_code": domain, "level": self.level,
            "county_code": None if self.area == CITY else self.area,
            "valid_from": self.valid_from.isoformat(), "valid_to": None,
            "merged_into_team_id": None,
        }
        history = History(self.team_id, self.valid_from, office_second(rng), state)
        if self.renamed:
            history.change(self.renamed[0], office_second(rng), team_name=self.renamed[1])
        if self.valid_to:
            history.change(self.valid_to, office_second(rng),
                           valid_to=self.valid_to.isoformat(), merged_into_team_id=self.successor)
        return history


def _area_names() -> dict[str, str]:
    return {CITY: "衢州市"} | {c.code: c.name_zh for c in reference.counties()}


def build_teams(world: World) -> list[Team]:
    """The 72 teams of 2020, their merges over 2020-2021 and the new national-park team."""
    rng = world.rng(Stream.ORGANISATION, 1)
    teams: list[Team] = []
    for area, place in _area_names().items():
        depts = CORE + MERGED + ("LYJ",) * (area in FORESTRY_AREAS) + ("SLJ",) * (
            area in WATER_AREAS)
        merge_day = working_day(rng, date(2020, 7, 1), date(2021, 12, 20), 2.5, 1.5)
        other_day = working_day(rng, date(2020, 9, 1), date(2021, 12, 20), 2.0, 1.5)
        for dept in depts:
            founded = working_day(rng, date(2015, 1, 1), date(2019, 10, 31))
            team = Team(f"{area}{dept}01", place + TEAM_SUFFIX[dept], dept, area, founded)
            if area in DISTRICTS and dept in DISTRICT_NAMES:
                team.name = DISTRICT_NAMES[dept].format(place[:2])
                team.renamed = (DISTRICT_RENAME, place + TEAM_SUFFIX[dept])
            if dept not in CORE:
                team.valid_to = merge_day if dept in MERGED else other_day
                team.successor = f"{area}ZHZF01"
            teams.append(team)
    area, name, founded = PARK_TEAM
    park = Team(f"{area}ZHZF02", name, "ZHZF", area, founded)
    forestry = next(t for t in teams if t.team_id == f"{area}LYJ01")
    forestry.valid_to, forestry.successor = founded, park.team_id
    return [*teams, park]


# --- squads and town units -------------------------------------------------------------------


@dataclass
class Squad:
    squad_id: str
    name: str
    team_id: str
    kind: str
    county: str
    town: str
    established: date
    integrated: date | None = None
    covered: tuple[str, ...] = ()

    def exists(self, day: date) -> bool:
        """A squad exists from its founding; a town unit from its integration."""
        if self.kind == "TOWN_UNIT":
            return self.integrated is not None and self.integrated <= day
        return self.established <= day

    def history(self, rng: np.random.Generator) -> History:
        unit = self.kind == "TOWN_UNIT"
        state: Row = {
            "squad_id": self.squad_id, "squad_name": self.name, "team_id": self.team_id,
            "kind": self.kind, "county_code": self.county, "town_code": self.town,
            "covered_town_codes": ";".join(self.covered) or None,
            "established_date": self.established.isoformat(),
            "integrated_date": self.established.isoformat() if unit else None,
        }
        history = History(self.squad_id, self.established, office_second(rng), state)
        if not unit and self.integrated is not None:
            history.change(self.integrated, office_second(rng),
                           integrated_date=self.integrated.isoformat())
        return history


def _short(town: str) -> str:
    """湖镇镇 -> 湖镇, 府山街道 -> 府山: the name a squad is called by."""
    return re.sub("(畲族乡|街道|镇|乡)$", "", town)


def _integration_days(rng: np.random.Generator, n: int, late: int) -> list[date]:
    """Integration days of ``n`` units in the 2022 window, ``late`` of them after it."""
    is_late = set(rng.choice(n, size=late, replace=False).tolist())
    return [working_day(rng, *(LATE_INTEGRATION if i in is_late else INTEGRATION))
            for i in range(n)]


def build_squads(world: World) -> list[Squad]:
    """70 comprehensive squads, 12 transport squads and 37 town units (35 by the figure date)."""
    rng = world.rng(Stream.ORGANISATION, 3)
    by_name = {t.name_zh: t for t in reference.towns()}
    names = _area_names()

    def founded() -> date:
        return working_day(rng, date(2016, 1, 1), date(2019, 10, 31))

    squads = [Squad(f"{CITY}SQ{n + 1:03d}", f"衢州市综合行政执法局{name}", f"{CITY}ZHZF01",
                    "SQUAD", by_name[town].parent_code, by_name[town].code,
                    XINANHU_FOUNDED if name == "信安湖中队" else founded())
              for n, (name, town) in enumerate(CITY_SQUADS)]
    for code in TOWN_UNITS:
        for n, town in enumerate(t for t in reference.towns(code) if t.name_zh[-1] != "乡"):
            squads.append(Squad(f"{code}SQ{n + 1:03d}",
                                f"{names[code]}综合行政执法{_short(town.name_zh)}中队",
                                f"{code}ZHZF01", "SQUAD", code, town.code, founded()))
    for day, squad in zip(_integration_days(rng, len(squads), LATE_SQUADS), squads, strict=True):
        squad.integrated = day
    for code in TOWN_UNITS:  # transport squads stay with their professional team
        seats = [t for t in reference.towns(code) if t.name_zh[-1] != "乡"]
        squads.extend(Squad(f"{code}JT{n:03d}", f"{names[code]}交通运输综合行政执法队第{w}中队",
                            f"{code}JTYS01", "SQUAD", code, seats[n - 1].code, founded())
                      for n, w in ((1, "一"), (2, "二")))
    return squads + _town_units(rng, names)


def _town_units(rng: np.random.Generator, names: dict[str, str]) -> list[Squad]:
    """Big towns that lead their neighbouring small townships (大镇带小乡)."""
    units: list[Squad] = []
    days = _integration_days(rng, sum(TOWN_UNITS.values()), LATE_UNITS)
    for code, count in TOWN_UNITS.items():
        towns = reference.towns(code)
        big = [t for t in towns if t.name_zh.endswith("镇")]
        leaders = [big[i] for i in rng.permutation(len(big))] + [
            t for t in towns if t.name_zh.endswith("街道")]
        small = [t.code for t in towns if t.name_zh.endswith("乡")]
        covered: list[list[str]] = [[] for _ in range(count)]
        for n, i in enumerate(rng.permutation(len(small)).tolist()):
            covered[n % count].append(small[i])
        for n, lead in enumerate(leaders[:count]):
            day = days[len(units)]
            units.append(Squad(f"{code}PQ{n + 1:03d}",
                               f"{names[code]}{_short(lead.name_zh)}片区综合行政执法队",
                               f"{code}ZHZF01", "TOWN_UNIT", code, lead.code, day, day,
                               tuple(sorted(covered[n]))))
    return units


# --- staff -----------------------------------------------------------------------------------


@dataclass
class Person:
    number: int
    team: Team  # team on the hiring day (or at the epoch)
    hired: date
    left: date | None
    frontline: bool  # posted to the front line on the hiring day (or at the epoch)
    post: str
    cert_to: date | None  # certificate of the initial staff; hires are certified later
    sink: date | None = None  # day the person is posted down to a town (下沉)


def _post(rng: np.random.Generator, frontline: bool) -> str:
    posts = FRONT_POSTS if frontline else HQ_POSTS
    return posts[int(rng.choice(len(posts), p=[p for _, p in posts]))][0]


def _leaving(rng: np.random.Generator, since: date) -> date | None:
    day = since + timedelta(days=int(rng.exponential(365.25 / LEAVE_HAZARD)) + 1)
    return day if day <= HORIZON else None


def build_staff(world: World, teams: list[Team]) -> list[Person]:
    """The staff of 2020 and later hires, with the postings down that reach the target share."""
    rng = world.rng(Stream.ORGANISATION, 5)
    initial = [t for t in teams if t.active(EPOCH)]
    weights = np.array([STAFF_WEIGHT[t.level][t.dept] for t in initial], dtype=float)
    people = []
    for n, team in enumerate(rng.choice(len(initial), N_INITIAL_STAFF, p=weights / weights.sum())):
        frontline = bool(rng.random() < INITIAL_FRONTLINE)
        certified = rng.random() < 0.95
        cert_to = working_day(rng, date(2020, 1, 15), date(2024, 12, 31)) if certified else None
        hired = working_day(rng, date(1995, 1, 1), date(2019, 12, 20))
        people.append(Person(n, initial[team], hired, _leaving(rng, EPOCH), frontline,
                             _post(rng, frontline), cert_to))
    for year in range(EPOCH.year, HORIZON.year + 1):
        for day in sorted(working_day(rng, date(year, 1, 2), date(year, 12, 20))
                          for _ in range(rng.poisson(HIRES_PER_YEAR))):
            active = [t for t in teams if t.active(day)]
            weights = np.array([STAFF_WEIGHT[t.level].get(t.dept, 20) for t in active], float)
            team = active[int(rng.choice(len(active), p=weights / weights.sum()))]
            frontline = bool(rng.random() < (0.5 if day.year < 2021 else 0.9))
            people.append(Person(len(people), team, day, _leaving(rng, day), frontline,
                                 _post(rng, frontline) if frontline else "OFFICER", None))
    _plan_sinks(rng, people)
    return people


def _plan_sinks(rng: np.random.Generator, people: list[Person]) -> None:
    """Officers posted down: exactly as many of those on the staff on the figure date as make
    the front-line share round to 89% that day, plus some who leave before it."""
    on_staff = [p for p in people
                if p.hired <= FIGURE_DATE and (p.left is None or p.left > FIGURE_DATE)]
    need = round(FRONTLINE_TARGET * len(on_staff)) - sum(p.frontline for p in on_staff)
    pool = [p for p in on_staff if not p.frontline and p.post not in LEADERS
            and p.hired < FIGURE_DATE - timedelta(days=90)]
    if not 0 <= need <= len(pool):
        raise ValueError(f"cannot post {need} officers down from a pool of {len(pool)}")
    for i in sorted(rng.choice(len(pool), size=need, replace=False).tolist()):
        first = max(pool[i].hired + timedelta(days=30), date(2020, 6, 1))
        pool[i].sink = working_day(rng, first, FIGURE_DATE - timedelta(days=5), 2.0, 1.6)
    for person in people:
        if (person.left is None or person.left > FIGURE_DATE or person.frontline
                or person.post in LEADERS or rng.random() >= 0.3):
            continue
        first = max(person.hired + timedelta(days=30), date(2020, 6, 1))
        last = person.left - timedelta(days=3)
        day = working_day(rng, first, last, 2.0, 1.6)
        person.sink = day if first < last and day < person.left else None


@dataclass(frozen=True)
class _Places:
    """Where a team's front-line staff can be posted on a given day."""

    squads: dict[str, list[Squad]]  # team id -> its squads and town units
    towns: dict[str, list[str]]  # area -> town codes (the districts' for the city)
    units: dict[str, Squad]  # squad id -> town unit

    def posting(self, rng: np.random.Generator, team: Team, frontline: bool, day: date,
                town: str | None) -> Row:
        """A squad of the team (in ``town`` if it has one there), else a town of its area."""
        if not frontline:
            return {"squad_id": None, "town_code": None, "level": team.level,
                    "is_frontline": False}
        squads = [s for s in self.squads.get(team.team_id, []) if s.exists(day)]
        options = [s for s in squads if s.town == town] or squads
        squad = options[int(rng.integers(len(options)))] if options else None
        towns = self.towns[team.area]
        town = squad.town if squad else town or towns[int(rng.integers(len(towns)))]
        return {"squad_id": squad.squad_id if squad else None, "town_code": town,
                "level": "TOWN", "is_frontline": True}


def staff_histories(world: World, teams: list[Team], squads: list[Squad]) -> list[History]:
    rng = world.rng(Stream.ORGANISATION, 6)
    people = build_staff(world, teams)
    by_team: dict[str, list[Squad]] = defaultdict(list)
    for squad in squads:
        by_team[squad.team_id].append(squad)
    towns = {code: [t.code for t in reference.towns(code)] for code in TOWN_UNITS}
    units = {s.squad_id: s for s in squads if s.kind == "TOWN_UNIT"}
    places = _Places(by_team, towns | {CITY: [t for d in DISTRICTS for t in towns[d]]}, units)
    index = STAFF_FIRST_PERSON + np.arange(len(people))
    if index[-1] >= N_PEOPLE:
        raise ValueError("more staff than residents reserved for them")
    identity = zip(world.people.names(index), world.people.id_numbers(index),
                   world.people.phones(index), strict=True)
    teams_by_id = {t.team_id: t for t in teams}
    return [_person_history(rng, person, who, places, teams_by_id)
            for person, who in zip(people, identity, strict=True)]


def _person_history(rng: np.random.Generator, person: Person, who: tuple[str, str, str],
                    places: _Places, teams: dict[str, Team]) -> History:
    """Hiring, merges of the person's team, posting down, certificates and leaving."""
    team, frontline = person.team, person.frontline
    certificate = f"ZJ{team.area}{person.number + 1:05d}"
    state: Row = {
        "staff_id": f"QZZF{person.number + 1:05d}", "staff_name": who[0], "id_no": who[1],
        "phone": who[2], "team_id": team.team_id,
        **places.posting(rng, team, frontline, max(person.hired, EPOCH), None),
        "post": person.post, "certificate_no": certificate if person.cert_to else None,
        "cert_valid_to": person.cert_to.isoformat() if person.cert_to else None,
        "hired_date": person.hired.isoformat(), "left_date": None,
    }
    history = History(str(state["staff_id"]), person.hired, office_second(rng), state)
    town = state["town_code"]
    events: list[tuple[date, str, Row]] = []
    cert_to = person.cert_to
    if cert_to is None:  # hires are certified a few months after joining
        issued = person.hired + timedelta(days=int(rng.integers(90, 200)))
        cert_to = issued + timedelta(days=5 * 365)
        events.append((issued, "cert", {"certificate_no": certificate,
                                        "cert_valid_to": cert_to.isoformat()}))
    if cert_to <= HORIZON and rng.random() < 0.95:  # most renew before the certificate lapses
        renewed = cert_to - timedelta(days=int(rng.integers(0, 45)))
        events.append((renewed, "cert",
                       {"cert_valid_to": (cert_to + timedelta(days=5 * 365)).isoformat()}))
    if person.sink:
        events.append((person.sink, "sink", {}))
    events.extend((u.integrated, "unit", {"squad_id": u.squad_id}) for u in places.units.values()
                  if u.county == team.area and u.integrated)
    last = min(person.left or HORIZON, HORIZON)
    events = sorted((e for e in events if person.hired < e[0] < last), key=lambda e: e[:2])
    if person.left:
        events.append((person.left, "leave", {"left_date": person.left.isoformat()}))
    for day, kind, values in [*events, (last, "end", {})]:
        while team.valid_to and team.successor and team.valid_to <= day and team.valid_to < last:
            merged, team = team.valid_to, teams[team.successor]
            posting = places.posting(rng, team, frontline, merged, str(town) if town else None)
            history.change(merged, office_second(rng), team_id=team.team_id, **posting)
            town = posting["town_code"]
        if kind == "sink":
            frontline, values = True, places.posting(rng, team, True, day, None)
            town = values["town_code"]
        if kind == "unit":  # officers of the lead town's squad may join its new unit
            unit = places.units[str(values["squad_id"])]
            if not (frontline and unit.team_id == team.team_id and unit.town == town
                    and rng.random() < UNIT_SHARE):
                continue
        if kind != "end":
            history.change(day, office_second(rng), **values)
    return history


# --- export ----------------------------------------------------------------------------------


def department_histories(rng: np.random.Generator) -> list[History]:
    """The department register as it stood at the epoch, by its official (Chinese) names."""
    return [History(d.code, EPOCH, office_second(rng), {
        "department_code": d.code, "department_name": d.name_zh, "domain_code": d.domain_code,
        "is_enforcement_team": d.is_enforcement_team, "valid_from": EPOCH.isoformat()})
        for d in reference.departments()]


def export_rows(world: World, start: date, end: date) -> dict[str, dict[date, list[Row]]]:
    """The organisation system's exports: table name -> export day -> rows of that day."""
    teams, squads = build_teams(world), build_squads(world)
    domains = {d.code: d.domain_code for d in reference.departments()}
    rng = world.rng(Stream.ORGANISATION, 2)
    return {
        DEPARTMENTS.table_name: export_histories(
            department_histories(world.rng(Stream.ORGANISATION, 7)), start, end),
        TEAMS.table_name: export_histories(
            [t.history(rng, domains[t.dept]) for t in teams], start, end),
        SQUADS.table_name: export_histories([s.history(rng) for s in squads], start, end),
        STAFF.table_name: export_histories(staff_histories(world, teams, squads), start, end),
    }
