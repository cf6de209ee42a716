"""The approval system's clock: working days, how an application is processed, and how its
grant is pushed to and claimed by the supervising department.

Deadlines in government service count working days (工作日): the promised decision day and
the three-day claim limit skip weekends and public holidays, so every step here is placed on
a working day in office hours, after the step before it. All times are epoch seconds.
Probabilities move linearly with the reform's progress (0 before 2021, 1 from 2022).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np

from sources.simulator import sampling
from sources.simulator.timeline import day_weight
from sources.simulator.world import World
from sources.systems.approvals import CLAIM_WORKING_DAYS, ITEMS

DAY = 86_400
CALENDAR_YEARS = (2017, 2031)  # public holidays known to the working-day calendar
CHANNELS = ("ONLINE", "WINDOW", "MOBILE")  # 网上办 / 窗口办 / 掌上办 (浙里办)
WITHDRAWN, REFUSED, GRANTED = 0, 1, 2
RESULTS = ("WITHDRAWN", "REFUSED", "GRANTED")
# Who signs a decision: the section head, the deputy director, or, for simple items after
# the reform, the service centre's chief representative (首席代表制).
DECIDERS = ("科室负责人", "分管负责人", "首席代表")
WRONG_DEPT = "ZHZF"  # a push sent to the wrong side of the comprehensive/professional lists


@cache
def _calendar() -> np.busdaycalendar:
    """Monday to Friday, less the Spring Festival week and the fixed public holidays."""
    first, last = date(CALENDAR_YEARS[0], 1, 1), date(CALENDAR_YEARS[1], 12, 31)
    days = (first + timedelta(n) for n in range((last - first).days + 1))
    holidays = [d for d in days if d.weekday() < 5 and day_weight(d, "planned") < 0.5]
    return np.busdaycalendar(weekmask="1111100", holidays=holidays)


def workday(days: np.ndarray, offset: np.ndarray | int) -> np.ndarray:
    """Epoch day ``offset`` working days after ``days`` (a day off first rolls forward)."""
    return np.busday_offset(np.asarray(days, dtype=np.int64).astype("datetime64[D]"), offset,
                            roll="forward", busdaycal=_calendar()).astype(np.int64)


def office_time(rng: np.random.Generator, after: np.ndarray, workdays: np.ndarray | int
                ) -> np.ndarray:
    """A moment in office hours ``workdays`` working days after the day of ``after``, always
    later than ``after``: on the same day a few minutes on, if office hours allow, else on
    the next working day."""
    n = len(after)
    day = after // DAY
    target = workday(day, workdays)
    at = target * DAY + sampling.office_seconds(rng, n)
    since_midnight = after - day * DAY
    in_hours = (since_midnight >= sampling.DAY_START) & (since_midnight < sampling.DAY_END
                                                          - 1800)
    soon = after + rng.integers(120, 1800, n)
    following = workday(day, np.asarray(workdays) + 1) * DAY + sampling.office_seconds(rng, n)
    return np.where(at > after, at, np.where(in_hours, soon, following))


def _mix(before: tuple[float, ...], after: tuple[float, ...], progress: float) -> np.ndarray:
    return (1 - progress) * np.array(before) + progress * np.array(after)


def _offsets(rng: np.random.Generator, n: int, probs: np.ndarray) -> np.ndarray:
    """Working-day offsets 0, 1, 2 ... drawn with ``probs``."""
    return rng.choice(len(probs), size=n, p=probs / probs.sum())


def _item_column(name: str) -> np.ndarray:
    return np.array([getattr(item, name) for item in ITEMS])


def process(rng: np.random.Generator, apps: dict[str, np.ndarray], progress: float) -> None:
    """Acceptance, review, decision, certificate, push and rating of every application."""
    _accept(rng, apps, progress)
    _decide(rng, apps, progress)
    _issue_and_push(rng, apps, progress)
    _rate(rng, apps, progress)


def _accept(rng: np.random.Generator, apps: dict[str, np.ndarray], progress: float) -> None:
    """A window accepts on the spot (即收即受); an online filing waits for a clerk, for days
    before the reform and hours after it. The review starts the same or the next day."""
    n = len(apps["applied"])
    window = apps["channel"] == CHANNELS.index("WINDOW")
    online_wait = _offsets(rng, n, _mix((0.3, 0.5, 0.2), (0.8, 0.18, 0.02), progress))
    accepted = np.where(window, apps["applied"] + rng.integers(180, 1500, n),
                        office_time(rng, apps["applied"], online_wait))
    reviewing = office_time(rng, accepted, _offsets(rng, n, _mix((.5, .5), (.9, .1), progress)))
    apps.update(accepted=accepted, reviewing=reviewing)


def _decide(rng: np.random.Generator, apps: dict[str, np.ndarray], progress: float) -> None:
    """The decision, in working days after acceptance as a share of the promised days: most
    use much of the allowance before the reform and little after it; a few run late. A few
    applicants withdraw during the review, and some applications are refused."""
    n, accepted, reviewing = len(apps["applied"]), apps["accepted"], apps["reviewing"]
    promised = _item_column("promised_days")[apps["item"]]
    overdue = rng.random(n) < 0.08 - 0.07 * progress
    share = rng.beta(3.5 - 2.3 * progress, 1.5 + 1.3 * progress, n)
    late_by = 1 + np.minimum(rng.geometric(0.3, n) - 1, 15)
    decision_days = np.where(overdue, promised + late_by, np.round(share * promised)).astype(
        np.int64)
    decided = np.maximum(office_time(rng, accepted, decision_days),
                         reviewing + rng.integers(600, 3600, n))
    u = rng.random(n)
    refused_p, withdrawn_p = 0.05 - 0.02 * progress, 0.03 - 0.01 * progress
    result = np.where(u < withdrawn_p, WITHDRAWN,
                      np.where(u < withdrawn_p + refused_p, REFUSED, GRANTED))
    withdrawn = result == WITHDRAWN
    pulled = reviewing + 60 + ((decided - reviewing) * rng.uniform(0.2, 0.9, n)).astype(np.int64)
    decided = np.where(withdrawn, pulled, decided)
    chief = (promised <= 5) & (rng.random(n) < 0.1 + 0.5 * progress)  # simple items only
    apps.update(
        decider=np.where(chief, DECIDERS.index("首席代表"), (rng.random(n) < 0.35).astype(
            np.int64)),
        review_end=_review_end(rng, reviewing, decided),
        promised_day=workday(accepted // DAY, promised), decided=decided, result=result,
        overdue=overdue & ~withdrawn,
    )


def _review_end(rng: np.random.Generator, reviewing: np.ndarray, decided: np.ndarray
                ) -> np.ndarray:
    """The reviewer hands the file to the signer in office hours, late in the span between
    the start of the review and the decision (within the hour when both fall on one day)."""
    n = len(reviewing)
    first, last = reviewing // DAY, decided // DAY
    between = np.busday_count(first.astype("datetime64[D]"), last.astype("datetime64[D]"),
                              busdaycal=_calendar())
    handed = office_time(rng, reviewing, np.floor(rng.uniform(0.5, 1.0, n) * between).astype(
        np.int64))
    same_span = reviewing + ((decided - reviewing) * rng.uniform(0.5, 0.95, n)).astype(np.int64)
    return np.where(handed < decided, handed, same_span)


def _issue_and_push(rng: np.random.Generator, apps: dict[str, np.ndarray], progress: float
                    ) -> None:
    """Certificates: paper ones collected within days, electronic ones (电子证照) at once;
    grants of supervised items pushed to the supervisor by hand or, later, automatically."""
    n, decided = len(apps["decided"]), apps["decided"]
    electronic = rng.random(n) < 0.3 + 0.65 * progress
    paper = office_time(rng, decided, _offsets(rng, n, np.array([0.5, 0.35, 0.15])))
    issued = np.where(electronic, decided + rng.integers(30, 1800, n), paper)
    automatic = rng.random(n) < 0.2 + 0.78 * progress
    by_hand = office_time(rng, issued, _offsets(rng, n, np.array([0.4, 0.3, 0.2, 0.1])))
    supervised = np.array([item.supervise_dept is not None for item in ITEMS])[apps["item"]]
    granted = apps["result"] == GRANTED
    apps.update(issued=issued, electronic=electronic, pushes=granted & supervised,
                pushed=np.where(automatic, issued + rng.integers(30, 900, n), by_hand))


def _rate(rng: np.random.Generator, apps: dict[str, np.ndarray], progress: float) -> None:
    """好差评: more applicants rate after the reform, and happier; late or refused ones less so."""
    n = len(apps["decided"])
    quality = np.clip(0.86 + 0.1 * progress - 0.3 * apps["overdue"]
                      - 0.4 * (apps["result"] == REFUSED) - 0.15 * (apps["result"] == WITHDRAWN),
                      0.05, 0.98)
    probs = np.outer(1 - quality, [0.2, 0.3, 0.5, 0, 0]) + np.outer(quality, [0, 0, 0, .3, .7])
    delay = np.clip(rng.lognormal(np.log(4 * 3600), 1.0, n), 600, 5 * DAY).astype(np.int64)
    apps.update(rated=apps["decided"] + delay, rates=rng.random(n) < 0.55 + 0.35 * progress,
                satisfaction=sampling.categorical(rng, probs) + 1)


def claims(rng: np.random.Generator, world: World, apps: dict[str, np.ndarray],
           progress: float) -> dict[str, np.ndarray]:
    """Pushes of the month's grants: one per grant, and a second one to the right department
    when the first was returned (退回). Before the reform claims are slow and about one in ten
    misses the deadline; after it about 98% are claimed in time."""
    codes = world.departments.codes
    grant = np.flatnonzero(apps["pushes"])
    item = apps["item"][grant]
    right = np.array([codes.index(i.supervise_dept or i.approve_dept) for i in ITEMS])[item]
    approver = np.array([codes.index(i.approve_dept) for i in ITEMS])[item]
    wrong = np.where(right == codes.index(WRONG_DEPT), approver, codes.index(WRONG_DEPT))
    returned = rng.random(len(grant)) < 0.03 - 0.026 * progress
    first_push = apps["pushed"][grant]
    returned_at = office_time(rng, first_push, _offsets(rng, len(grant), np.array([.5, .3, .2])))
    repushed = office_time(rng, returned_at, _offsets(rng, len(grant), np.array([.6, .4])))
    again = np.flatnonzero(returned)
    inspect = _item_column("inspect_within")[item]
    due = np.where(inspect > 0, apps["decided"][grant] // DAY + inspect, -1)
    app = np.r_[grant, grant[again]]
    pushed = np.r_[first_push, repushed[again]]
    out = {
        "app": app, "round": np.r_[np.ones(len(grant)), np.full(len(again), 2)].astype(np.int64),
        "dept": np.r_[np.where(returned, wrong, right), right[again]],
        "pushed": pushed, "due": np.r_[due, due[again]],
        "deadline": claim_deadline(pushed),
        "returned": np.r_[returned, np.zeros(len(again), dtype=bool)],
    }
    claimed = _claim_times(rng, out, progress)
    out["resolved"] = np.where(out["returned"], np.r_[returned_at, returned_at[again]], claimed)
    out["claimed"] = ~out["returned"] & (claimed > 0)
    return out


def claim_deadline(pushed: np.ndarray) -> np.ndarray:
    """Three working days after the push, at the same time of day; a push on a day off
    counts from the next working day and ends with the third one's office hours."""
    day = pushed // DAY
    on_workday = workday(day, 0) == day
    return np.where(on_workday, workday(day, CLAIM_WORKING_DAYS) * DAY + pushed % DAY,
                    workday(day, CLAIM_WORKING_DAYS - 1) * DAY + sampling.DAY_END)


def _claim_times(rng: np.random.Generator, pushes: dict[str, np.ndarray], progress: float
                 ) -> np.ndarray:
    """When each push is claimed (0: never): mostly within the three working days, some
    late, a few never; never after the day before the first inspection is due."""
    n, pushed, deadline = len(pushes["pushed"]), pushes["pushed"], pushes["deadline"]
    u = rng.random(n)
    never, late = u < 0.02 - 0.016 * progress, u < 0.11 - 0.093 * progress
    in_time = office_time(rng, pushed, _offsets(rng, n, _mix((.25, .35, .4), (.85, .12, .03),
                                                            progress)))
    in_time = np.minimum(in_time, deadline - 60)
    overdue = office_time(rng, deadline, rng.integers(1, 9, n))
    claimed = np.where(late, overdue, in_time)
    limit = np.where(pushes["due"] >= 0, (pushes["due"] - 1) * DAY + sampling.DAY_END,
                     np.iinfo(np.int64).max)
    claimed = np.maximum(np.minimum(claimed, limit), pushed + 60)
    return np.where(never, 0, claimed)
