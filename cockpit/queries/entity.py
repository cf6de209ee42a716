"""The entity profile (一企一档): one market entity's records across every source system.

Why it looks like this:

* Every system is a :class:`System`: a mart, the subquery that selects the entity's rows from
  it, and the columns worth showing. All SQL text is assembled here from those constants;
  what a user types (a name fragment or a credit code) and the entity chosen only ever travel
  as the bound values ``$text``, ``$code`` and ``$uscc``.
* 12345 tickets carry no entity code (the hotline records a place, not a business), so the
  tickets of an entity are the ones its loop instances, inspection tasks or clues name as their
  origin. Case stage events carry only the case number, so they are reached through the
  entity's cases.
* Columns are chosen per system and then passed through the same personal-data fence as the
  drill-down (:func:`cockpit.queries.records.is_personal`), so a column that could identify a
  natural person never appears even if a mart gains one. The entity's own name is shown only
  in the header card and the search results: it is a registered business name.
* A system whose mart is not in the snapshot is skipped rather than failing the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cockpit import data
from cockpit.queries import SCHEMA
from cockpit.queries.records import is_personal

SEARCH_LIMIT = 20  # search results offered at once
SEARCH_MAX_CHARS = 64  # longer input is cut: no name or code is that long
ROW_LIMIT = 200  # rows per system table (the counts are always complete)
ENTITY = "dim_entity"
_LOOP_COUNTS = "fct_entity_loop_counts"  # loop instances per entity
_HELPER = "__profile_"  # columns the queries add for the page, never shown
_TOTAL = f"{_HELPER}total"  # the window count riding on every row
_EVENT = f"{_HELPER}event_"  # the row as a timeline event: event_date, ref, detail
_ON_TIMELINE = f"{_HELPER}on_timeline"  # whether the row is an event on the timeline
_NO_EVENTS = pd.DataFrame(columns=["system", "event_date", "ref", "detail"])
# Not events of their own: a credit row exists for every entity every month, and the loop
# re-reads the approvals, warnings, complaints and cases already counted.
_NOT_EVENTS = frozenset({"credit", "loop"})
_DIRECT = "select * from marts.{table} where entity_uscc = $uscc"
_COMPLAINT_TICKETS = """
select * from marts.fct_complaint_tickets where ticket_no in (
    select origin_ref from marts.fct_entity_loop
    where origin_type = 'COMPLAINT' and entity_uscc = $uscc
    union select trigger_ref from marts.fct_inspection_tasks
    where task_source = 'COMPLAINT' and entity_uscc = $uscc
    union select source_ref from marts.fct_clues
    where clue_source = 'COMPLAINT' and entity_uscc = $uscc)
"""
_CASE_EVENTS = """
select * from marts.fct_case_events
where case_no in (select case_no from marts.fct_cases where entity_uscc = $uscc)
"""


@dataclass(frozen=True)
class System:
    """One source system as the profile reads it (every field is a constant from code)."""

    key: str
    table: str
    date_column: str
    ref_column: str
    columns: tuple[str, ...]
    detail: str = "null"  # SQL expression describing one event on the timeline
    detail_kind: str | None = None  # i18n code kind of the detail, when it is a code
    source: str = ""  # subquery of the entity's rows; default: the mart's own entity_uscc
    also: tuple[tuple[str, tuple[str, ...]], ...] = ()  # other marts the source reads
    on_timeline: bool = True
    timeline_filter: str = "true"

    @property
    def rows_sql(self) -> str:
        """The subquery selecting this entity's rows (binds ``$uscc``)."""
        return self.source or _DIRECT.format(table=self.table)

    def needs(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The marts and columns the system cannot be read without."""
        own = (self.date_column, self.ref_column) + (() if self.source else ("entity_uscc",))
        return ((self.table, own), *self.also)


SYSTEMS: tuple[System, ...] = (
    System(
        "approvals", "fct_approvals", "applied_date", "application_id",
        ("application_id", "item_code", "item_name", "apply_type", "department_code", "channel",
         "applied_date", "accepted_date", "promised_date", "decided_date", "result",
         "is_decided_on_time", "processing_days", "satisfaction", "status"),
        detail="result", detail_kind="result",
    ),
    System(
        "claims", "fct_supervision_claims", "pushed_date", "claim_id",
        ("claim_id", "application_id", "item_code", "approving_department_code",
         "department_code", "pushed_at", "claim_deadline", "claimed_at", "first_inspection_due",
         "is_claimed_on_time", "status"),
        detail="status",
    ),
    System(
        "warnings", "fct_warnings", "raised_date", "warning_id",
        ("warning_id", "warning_type", "severity", "measured_value", "threshold_value",
         "raised_at", "department_code", "handled_at", "disposal", "is_false_alarm",
         "is_handled_on_time", "status"),
        detail="warning_type", detail_kind="warning_type",
    ),
    System(
        "complaints", "fct_complaint_tickets", "received_date", "ticket_no",
        ("ticket_no", "category", "channel", "priority", "department_code", "received_at",
         "due_at", "closed_at", "is_closed_on_time", "satisfaction", "is_repeat", "to_clue",
         "status"),
        detail="category", detail_kind="complaint_category", source=_COMPLAINT_TICKETS,
        also=(("fct_entity_loop", ("origin_type", "origin_ref", "entity_uscc")),
              ("fct_inspection_tasks", ("task_source", "trigger_ref", "entity_uscc")),
              ("fct_clues", ("clue_source", "source_ref", "entity_uscc"))),
    ),
    System(
        "inspections", "fct_inspection_tasks", "inspected_date", "task_id",
        ("task_id", "plan_id", "task_source", "department_code", "joint_department_codes",
         "is_joint", "inspect_mode", "inspected_date", "result_code", "finding_count",
         "rectify_deadline", "rectified_date", "is_rectified_on_time"),
        detail="result_code", detail_kind="result",
    ),
    System(
        "clues", "fct_clues", "received_date", "clue_id",
        ("clue_id", "clue_source", "received_date", "department_code", "assessment",
         "assessed_date", "is_assessed_on_time", "case_no", "status"),
        detail="clue_source", detail_kind="source",
    ),
    System(
        "cases", "fct_cases", "filed_date", "case_no",
        ("case_no", "clue_source", "department_code", "item_code", "procedure", "case_status",
         "filed_date", "decided_date", "closed_date", "decision_type", "fine_amount",
         "fine_paid", "is_decided_within_90_days"),
        on_timeline=False,  # its stages are on the timeline as case events
    ),
    System(
        "case_events", "fct_case_events", "event_date", "case_no",
        ("case_no", "seq", "stage", "event_at", "department_code", "handler_post", "procedure"),
        detail="stage", detail_kind="stage", source=_CASE_EVENTS,
        also=(("fct_cases", ("case_no", "entity_uscc")),),
    ),
    System(
        "credit", "fct_credit_months", "month_start", "credit_class",
        ("month_start", "credit_class", "score", "previous_class", "is_downgraded",
         "is_upgraded", "inspection_tasks", "is_inspected", "is_randomly_sampled"),
        detail="coalesce(previous_class, '-') || ' → ' || credit_class",
        timeline_filter="(is_downgraded or is_upgraded)",  # only the months the class moved
        also=(("fct_credit_months", ("is_downgraded", "is_upgraded", "previous_class")),),
    ),
    System(
        "loop", "fct_entity_loop", "origin_date", "loop_id",
        ("loop_id", "origin_type", "origin_ref", "department_code", "origin_date", "due_date",
         "first_inspected_date", "is_first_inspected_on_time", "problem_found_date",
         "rectified_date", "clue_id", "case_no", "case_filed_date", "case_closed_date", "stage",
         "is_open", "is_overdue", "closed_date", "days_to_close"),
        on_timeline=False,  # it follows the events already drawn, it is not one of its own
    ),
)  # fmt: skip
BY_KEY = {system.key: system for system in SYSTEMS}

_SEARCH_SQL = """
select entity_uscc, entity_name, county_code from marts.dim_entity
where entity_uscc = $code or starts_with(entity_uscc, $code) or contains(entity_name, $text)
order by entity_uscc = $code desc, starts_with(entity_uscc, $code) desc, length(entity_name),
         entity_uscc
limit $limit
"""
_HEADER_SQL = """
select e.entity_uscc, e.entity_name, e.entity_type, e.industry_code, e.county_code,
       e.town_code, c.name_zh as county_name_zh, c.name_en as county_name_en,
       w.name_zh as town_name_zh, w.name_en as town_name_en, e.registered_date, e.status,
       e.status_date, e.is_key_supervision
from marts.dim_entity e
left join marts.dim_geography c on c.geo_code = e.county_code
left join marts.dim_geography w on w.geo_code = e.town_code
where e.entity_uscc = $uscc
"""
_HEADER_NEEDS = (
    "entity_uscc",
    "entity_name",
    "entity_type",
    "industry_code",
    "county_code",
    "town_code",
    "registered_date",
    "status",
    "status_date",
    "is_key_supervision",
)


def normalise(text: object) -> str:
    """What a search box or a link holds, trimmed and cut to a sane length."""
    return str(text or "").strip()[:SEARCH_MAX_CHARS]


def profile_available() -> bool:
    """The entity dimension is in the snapshot (without it there is nothing to look up)."""
    return data.has_columns(SCHEMA, ENTITY, _HEADER_NEEDS)


def available(system: System) -> bool:
    """Every mart and column the system reads is in this snapshot."""
    return all(data.has_columns(SCHEMA, table, cols) for table, cols in system.needs())


def usable_systems() -> list[System]:
    """The systems this snapshot can show, in the profile's order."""
    return [system for system in SYSTEMS if available(system)]


def search(text: object, limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Entities whose code starts with, or whose name contains, the typed text (bound, never
    spliced; ``%`` and ``_`` are plain characters here). Empty text searches nothing."""
    typed = normalise(text)
    if not typed or not profile_available():
        return pd.DataFrame(columns=["entity_uscc", "entity_name", "county_code"])
    params = {"text": typed, "code": typed.upper(), "limit": max(1, min(limit, SEARCH_LIMIT))}
    return data.query(_SEARCH_SQL, params)


def header(uscc: str) -> pd.Series | None:
    """The entity's card: dimension attributes with county and town names; None if unknown."""
    if not profile_available():
        return None
    frame = data.query(_HEADER_SQL, {"uscc": normalise(uscc).upper()})
    return None if frame.empty else frame.iloc[0]


def default_entity() -> str | None:
    """The entity with the most closed-loop instances (every approval, warning, complaint,
    finding and sampling draw that named it), so the page opens on a full profile; ties go to
    the smallest code so the choice is stable.

    The loop mart already gathers what the entity's own systems started, and
    ``fct_entity_loop_counts`` holds its count per registered entity: one sorted read of it
    (grouping the loop here took ~90 ms at full scale). Without that mart, the loop is
    grouped here; only the top candidates are checked against the dimension (checking every
    group doubled the time), and every entity ranked above the winner is among them, so the
    answer is the same. A snapshot without the loop falls back to counting the facts that
    carry the entity's code.
    """
    if data.has_columns(SCHEMA, _LOOP_COUNTS, ("entity_uscc", "loop_instances")):
        frame = data.query(
            f"select entity_uscc from marts.{_LOOP_COUNTS} "
            "order by loop_instances desc, entity_uscc limit 1"
        )
        if not frame.empty:
            return str(frame["entity_uscc"].iloc[0])
    loop = BY_KEY["loop"]
    if available(loop):
        ranked = (
            "select entity_uscc, count(*) as loops "
            f"from marts.{loop.table} where entity_uscc is not null group by 1"
        )
        for candidates in (f"{ranked} order by loops desc, entity_uscc limit 50", ranked):
            frame = data.query(
                f"select entity_uscc from ({candidates}) as ranked "
                "where entity_uscc in (select entity_uscc from marts.dim_entity) "
                "order by loops desc, entity_uscc limit 1"
            )
            if not frame.empty:
                return str(frame["entity_uscc"].iloc[0])
    tables = [s.table for s in usable_systems() if not s.source and s.key not in _NOT_EVENTS]
    if not tables:
        return None
    union = " union all ".join(f"select entity_uscc from marts.{table}" for table in tables)
    sql = (
        f"select entity_uscc, count(*) as records from ({union}) as events "
        "where entity_uscc in (select entity_uscc from marts.dim_entity) "
        "group by 1 order by records desc, entity_uscc limit 1"
    )
    frame = data.query(sql)
    return None if frame.empty else str(frame["entity_uscc"].iloc[0])


def shown_columns(system: System) -> list[str]:
    """The system's chosen columns that this snapshot has, personal ones removed."""
    present = set(data.table_columns(SCHEMA, system.table))
    return [c for c in system.columns if c in present and not is_personal(c)]


@dataclass(frozen=True)
class Records:
    """One system's rows of the entity: the latest ones, and how many there are in all."""

    latest: pd.DataFrame  # newest first, at most the limit asked for
    total: int  # every row of the entity in the system, not capped


@dataclass(frozen=True)
class Profile:
    """Everything the page shows below the header card, read in one batch."""

    systems: dict[str, Records]  # the systems this snapshot can show, in the profile's order
    timeline: pd.DataFrame  # system, event_date, ref, detail: every dated event


def _records_sql(system: System) -> str:
    """The entity's latest rows in one system, newest first, each carrying the full count as
    a window over the same rows (so no second scan counts them) and, for a system on the
    timeline, the row's timeline event (so the timeline needs no scan of its own unless the
    rows were capped). Binds $uscc and $limit."""
    select = ", ".join(f'"{column}"' for column in shown_columns(system))
    event = (
        f", {_event_columns(system, _EVENT)}, coalesce({_on_timeline(system)}, false) "
        f"as {_ON_TIMELINE}"
        if system.on_timeline
        else ""
    )
    return (
        f"select {select}, count(*) over () as {_TOTAL}{event} "
        f"from ({system.rows_sql}) as entity_rows "
        f'order by "{system.date_column}" desc nulls last, "{system.ref_column}" desc '
        "limit $limit"
    )


def _event_columns(system: System, prefix: str = "") -> str:
    """A row of the system as a timeline event: its day, reference and detail as text."""
    return (
        f'cast("{system.date_column}" as date) as {prefix}event_date, '
        f'cast("{system.ref_column}" as varchar) as {prefix}ref, '
        f"cast({system.detail} as varchar) as {prefix}detail"
    )


def _on_timeline(system: System) -> str:
    """Whether a row of the system is an event on the timeline."""
    return f'"{system.date_column}" is not null and {system.timeline_filter}'


def _split(system: System, frame: pd.DataFrame) -> tuple[Records, pd.DataFrame | None]:
    """The rows as shown, and the system's timeline events if the rows hold all of them."""
    total = int(frame[_TOTAL].iloc[0]) if not frame.empty else 0
    helpers = [c for c in frame.columns if c.startswith(_HELPER)]
    records = Records(frame.drop(columns=helpers), total)
    if not system.on_timeline or total > len(frame):
        return records, None
    on_timeline = frame[frame[_ON_TIMELINE].astype(bool)]
    events = pd.DataFrame(
        {
            "system": system.key,
            **{name: on_timeline[f"{_EVENT}{name}"] for name in ("event_date", "ref", "detail")},
        }
    )
    return records, events


def _timeline_sql(systems: list[System]) -> str | None:
    """Every dated event of the entity in these systems: system, day, reference, detail."""
    parts = [
        f"select '{s.key}' as system, {_event_columns(s)} "
        f"from ({s.rows_sql}) as r where {_on_timeline(s)}"
        for s in systems
        if s.on_timeline
    ]
    return " union all ".join(parts) if parts else None


def profile(uscc: str, limit: int = ROW_LIMIT) -> Profile:
    """The entity's rows and counts in every system this snapshot can show, and its timeline.

    One batch of independent queries run side by side (see :func:`data.query_many`), one per
    system; a system whose rows were capped at ``limit`` has its timeline events read again
    in full by a second query, so the timeline is always complete.
    """
    systems = usable_systems()
    params = {"uscc": uscc, "limit": limit}
    frames = data.query_many([(_records_sql(system), params) for system in systems])
    found: dict[str, Records] = {}
    events: list[pd.DataFrame] = []
    capped: list[System] = []
    for system, frame in zip(systems, frames, strict=True):
        found[system.key], system_events = _split(system, frame)
        if system_events is not None:
            events.append(system_events)
        elif system.on_timeline:
            capped.append(system)
    rest_sql = _timeline_sql(capped)
    if rest_sql:
        events.append(data.query(rest_sql, {"uscc": uscc}))
    timeline = pd.concat([e for e in events if not e.empty] or [_NO_EVENTS], ignore_index=True)
    timeline = timeline.sort_values(["event_date", "system", "ref"], ignore_index=True)
    return Profile(found, timeline)
