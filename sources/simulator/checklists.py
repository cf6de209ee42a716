"""检查表明细: the checklist lines of each inspection, and the items plans and lines cite.

An inspection is recorded against a checklist (检查表): 3-12 lines, each an inspection item
of the catalogue (an INSPECTION-type item of the lead department, or of a partner department
on a joint visit: 一表通查), a check point and its result. The failed lines are the task's
findings, so a task's ``finding_count`` is the number of its FAIL lines; a compliant task
has none. About 1.2M lines a year at full scale, so lines are drawn with numpy and handed
over as one typed polars frame per export day (Parquet, like the platform's extract job).

Items are picked among those the department held on the inspection day (``item_index``), so
every cited code is one the catalogue exports; a department without an inspection item by
then falls back to any of its items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import polars as pl

from sources.simulator.grid_events import datetimes, split_days
from sources.simulator.items import item_index
from sources.systems.inspection import CHECKLIST_LINES, MAX_CHECKLIST_LINES

MIN_LINES = 3
EXTRA_LINES_P = 0.33  # lines beyond the minimum: binomial(9, p), about 6 lines a checklist
NOT_APPLICABLE_P = 0.07  # of the lines that did not fail
PARTNER_LINE_P = 0.5  # on a joint visit, share of lines from the partners' items
SPECIFIC_P = 0.65  # share of lines with a point specific to the item's domain
# (check point, what a failed line reads): generic points, then per domain.
GENERIC_POINTS = (
    ("营业执照、许可证件是否齐全有效", "许可证件过期未延续"),
    ("许可证件是否在经营场所显著位置公示", "未在显著位置公示许可证件"),
    ("相关台账记录是否完整", "台账记录缺失或不完整"),
    ("从业人员资质是否符合要求", "从业人员未取得相应资质"),
    ("安全管理制度是否建立并落实", "安全管理制度未落实"),
    ("上次检查问题是否整改到位", "上次检查发现问题未整改到位"),
    ("应急预案是否制定并演练", "未按规定开展应急演练"),
    ("信息公示是否及时准确", "未按规定公示相关信息"),
)
DOMAIN_POINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "URBAN_MGMT": (("门前三包责任是否落实", "门前堆放杂物，三包责任未落实"),
                   ("户外广告设置是否经审批", "擅自设置户外广告"),
                   ("油烟净化设施是否正常使用", "油烟净化设施未正常使用"),
                   ("建筑垃圾是否规范处置", "建筑垃圾未按规定处置")),
    "MARKET_ORDER": (("明码标价是否规范", "未按规定明码标价"),
                     ("广告宣传内容是否合法", "广告含有虚假宣传内容"),
                     ("计量器具是否检定合格", "计量器具未经检定")),
    "FOOD_SAFETY": (("食品原料进货查验记录是否完整", "未落实进货查验记录制度"),
                    ("从业人员健康证明是否有效", "从业人员健康证明过期"),
                    ("食品贮存条件是否符合要求", "生熟食品混放"),
                    ("餐饮具清洗消毒是否落实", "餐饮具消毒不到位"),
                    ("是否经营超过保质期的食品", "发现超过保质期的食品")),
    "DRUG_DEVICE": (("药品购进记录是否完整", "药品购进记录不完整"),
                    ("处方药是否凭处方销售", "处方药未凭处方销售"),
                    ("医疗器械储存条件是否符合要求", "医疗器械储存条件不符合要求")),
    "ECOLOGY": (("污染防治设施是否正常运行", "污染防治设施未正常运行"),
                ("排污许可执行报告是否按期提交", "未按期提交排污许可执行报告"),
                ("危险废物是否规范贮存转移", "危险废物贮存不规范"),
                ("在线监测设备是否正常联网", "在线监测设备数据异常")),
    "TRANSPORT": (("车辆营运证件是否有效", "车辆营运证件过期"),
                  ("驾驶员从业资格是否有效", "驾驶员未取得从业资格证"),
                  ("车辆维护检测记录是否完整", "未按规定进行车辆维护"),
                  ("动态监控设备是否正常运行", "动态监控设备未正常运行")),
    "HEALTH": (("卫生许可证是否有效", "卫生许可证过期"),
               ("公共场所卫生检测是否按期开展", "未按规定开展卫生检测"),
               ("消毒隔离制度是否落实", "消毒隔离制度未落实"),
               ("医疗废物是否规范处置", "医疗废物处置不规范")),
    "WORK_SAFETY": (("安全生产责任制是否落实", "安全生产责任制未落实"),
                    ("特种作业人员是否持证上岗", "特种作业人员无证上岗"),
                    ("消防通道是否畅通", "消防通道被堵塞"),
                    ("危险化学品储存是否规范", "危险化学品储存不规范"),
                    ("隐患排查治理台账是否建立", "未建立隐患排查治理台账")),
    "CONSTRUCTION": (("施工现场扬尘防治措施是否落实", "施工现场扬尘防治措施不到位"),
                     ("起重机械等特种设备是否检验合格", "起重机械未经检验"),
                     ("临边洞口安全防护是否到位", "临边防护设施缺失")),
    "AGRICULTURE": (("农药经营台账是否完整", "农药经营台账不完整"),
                    ("是否销售禁限用农药", "发现销售禁用农药"),
                    ("种子标签是否规范", "种子标签标注不规范")),
    "FORESTRY": (("林木采伐是否持证", "无证采伐林木"),
                 ("木材经营加工台账是否完整", "木材经营加工台账不完整")),
    "WATER": (("河道管理范围内是否有违法建设", "河道管理范围内违法搭建"),
              ("取水是否在许可范围内", "超许可取水")),
    "CULTURE": (("是否接纳未成年人", "违规接纳未成年人"),
                ("营业时间是否符合规定", "超时营业")),
    "EDUCATION": (("办学许可是否有效", "无证办学"), ("收费项目是否公示", "未公示收费项目")),
    "LAND": (("是否存在非法占用土地", "未经批准占用土地"),),
    "MINERALS": (("是否在批准范围内开采", "超越批准的矿区范围开采"),),
}


@dataclass(frozen=True)
class ItemPicker:
    """The catalogue's items by department, in listing order, for fast dated picks.

    ``inspection[d]`` and ``every[d]`` hold, for department index ``d``, the positions of
    its INSPECTION-type items (and of all its items) sorted by listing day, with the days.
    """

    codes: np.ndarray  # item code per catalogue position
    domain: np.ndarray  # domain code per catalogue position
    inspection: tuple[tuple[np.ndarray, np.ndarray], ...]
    every: tuple[tuple[np.ndarray, np.ndarray], ...]

    def pick(self, dept: np.ndarray, day: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Catalogue position of one item per (department, day): an inspection item listed
        by the day, uniformly by ``u`` in [0, 1); else any item listed by then; else the
        department's first item."""
        result = np.empty(len(dept), dtype=np.int64)
        for d in np.unique(dept).tolist():
            rows = np.flatnonzero(dept == d)
            result[rows] = _dated_pick(self.inspection[d], self.every[d], day[rows], u[rows])
        return result


def _dated_pick(preferred: tuple[np.ndarray, np.ndarray], fallback: tuple[np.ndarray, np.ndarray],
                day: np.ndarray, u: np.ndarray) -> np.ndarray:
    positions, listed = preferred
    count = np.searchsorted(listed, day, side="right")
    picked = positions[np.minimum((u * count).astype(np.int64), np.maximum(count - 1, 0))] \
        if len(positions) else np.zeros(len(day), dtype=np.int64)
    missing = count == 0
    if missing.any():
        any_positions, any_listed = fallback
        if not len(any_positions):
            raise ValueError("a department without any item in the catalogue")
        any_count = np.maximum(np.searchsorted(any_listed, day[missing], side="right"), 1)
        picked[missing] = any_positions[(u[missing] * any_count).astype(np.int64)]
    return picked


@cache
def item_picker(seed: int, department_codes: tuple[str, ...]) -> ItemPicker:
    """The picker of ``seed``'s catalogue, departments in ``department_codes`` order."""
    index = item_index(seed)
    dept = np.array(index.department)
    kind = np.array(index.item_type)
    listed = np.array([d.isoformat() for d in index.listed], dtype="datetime64[D]")

    def sorted_of(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        positions = np.flatnonzero(mask)
        order = np.argsort(listed[positions], kind="stable")
        return positions[order], listed[positions][order]

    return ItemPicker(
        codes=np.array(index.code), domain=np.array(index.domain),
        inspection=tuple(sorted_of((dept == c) & (kind == "INSPECTION"))
                         for c in department_codes),
        every=tuple(sorted_of(dept == c) for c in department_codes),
    )


# --- lines -----------------------------------------------------------------------------------


def line_counts(rng: np.random.Generator, findings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lines, findings) per task: 3-12 lines, at least as many as findings where possible,
    and findings capped at the lines, since each finding is one failed line."""
    n = len(findings)
    lines = MIN_LINES + rng.binomial(MAX_CHECKLIST_LINES - MIN_LINES, EXTRA_LINES_P, n)
    lines = np.clip(np.maximum(lines, findings), MIN_LINES, MAX_CHECKLIST_LINES)
    return lines, np.minimum(findings, lines)


@dataclass(frozen=True)
class Inspections:
    """What the lines need of each task's inspection row."""

    task_id: np.ndarray  # str
    lead: np.ndarray  # department index
    partners: np.ndarray  # (n, 3) department indices, -1 padded; used when ``joint``
    joint: np.ndarray  # bool
    day: np.ndarray  # datetime64[D]
    recorded: np.ndarray  # epoch seconds of the inspection row's updated_at
    lines: np.ndarray  # from ``line_counts``
    findings: np.ndarray  # from ``line_counts``


def line_frames(rng: np.random.Generator, picker: ItemPicker, tasks: Inspections
                ) -> dict[date, pl.DataFrame]:
    """The checklist lines of ``tasks``, by export day (that of the inspection row)."""
    return split_days(line_frame(rng, picker, tasks), CHECKLIST_LINES)


def line_frame(rng: np.random.Generator, picker: ItemPicker, tasks: Inspections
               ) -> pl.DataFrame:
    """One row per checklist line: FAIL on ``findings`` random lines of each task."""
    task = np.repeat(np.arange(len(tasks.lines)), tasks.lines)
    n = len(task)
    line_no = np.arange(n) - np.repeat(np.cumsum(tasks.lines) - tasks.lines, tasks.lines) + 1
    failed = _rank_within(rng, task) < tasks.findings[task]
    not_applicable = ~failed & (rng.random(n) < NOT_APPLICABLE_P)
    dept = _line_departments(rng, tasks, task)
    item = picker.pick(dept, tasks.day[task], rng.random(n))
    point, finding = _points(rng, picker.domain[item])
    result = np.where(failed, "FAIL", np.where(not_applicable, "NOT_APPLICABLE", "PASS"))
    frame = pl.DataFrame({
        "task_id": tasks.task_id[task], "line_no": line_no.astype(np.int64),
        "item_code": picker.codes[item], "check_point": point,
        "line_result": result, "finding_text": finding,
        "updated_at": datetimes(tasks.recorded[task]), "_failed": failed,
    })
    return frame.with_columns(
        pl.when(pl.col("_failed")).then(pl.col("finding_text")).otherwise(None)
        .alias("finding_text")).drop("_failed")


def _rank_within(rng: np.random.Generator, task: np.ndarray) -> np.ndarray:
    """A random order of the lines within each task: 0 for the first, 1 for the next ..."""
    order = np.lexsort((rng.random(len(task)), task))
    start = np.searchsorted(task, task)  # ``task`` is sorted: first line of each task
    rank = np.empty(len(task), dtype=np.int64)
    rank[order] = np.arange(len(task)) - start[order]
    return rank


def _line_departments(rng: np.random.Generator, tasks: Inspections, task: np.ndarray
                      ) -> np.ndarray:
    """The lead's items, and on a joint visit about half the lines from its partners."""
    partners = tasks.partners[task]
    count = (partners >= 0).sum(axis=1)
    use = tasks.joint[task] & (count > 0) & (rng.random(len(task)) < PARTNER_LINE_P)
    which = np.minimum((rng.random(len(task)) * np.maximum(count, 1)).astype(np.int64), 2)
    return np.where(use, partners[np.arange(len(task)), which], tasks.lead[task])


@cache
def _point_table() -> tuple[np.ndarray, np.ndarray, dict[str, tuple[int, int]]]:
    """All (point, finding) texts, and each domain's (offset, count) of specific ones."""
    texts = list(GENERIC_POINTS)
    spans = {}
    for domain, points in DOMAIN_POINTS.items():
        spans[domain] = (len(texts), len(points))
        texts.extend(points)
    return (np.array([p for p, _ in texts]), np.array([f for _, f in texts]), spans)


def _points(rng: np.random.Generator, domain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A check point per line: specific to the item's domain where the table has some."""
    points, findings, spans = _point_table()
    n = len(domain)
    names, which = np.unique(domain, return_inverse=True)
    offset = np.array([spans.get(d, (0, 0))[0] for d in names.tolist()], dtype=np.int64)[which]
    count = np.array([spans.get(d, (0, 0))[1] for d in names.tolist()], dtype=np.int64)[which]
    specific = (count > 0) & (rng.random(n) < SPECIFIC_P)
    generic = rng.integers(0, len(GENERIC_POINTS), n)
    chosen = np.where(specific, offset + (rng.random(n) * np.maximum(count, 1)).astype(np.int64),
                      generic)
    return points[chosen], findings[chosen]


def epoch_seconds(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """datetime64[D] days plus seconds of the day, as epoch seconds."""
    return days.astype("datetime64[D]").astype(np.int64) * 86_400 + seconds

