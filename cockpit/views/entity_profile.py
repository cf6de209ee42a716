"""一企一档 · Entity profile: one market entity's approvals, warnings, complaints, inspections,
clues, cases, credit and closed loops on one page.

Not one of the 16 cockpits (no catalogue tiles, no period filter): it is where a leader lands
from a question about one business. It opens on the entity with the most records so it is
never empty, accepts a deep link ``?uscc=<code>``, and a search by name or credit code whose
text is only ever a bound parameter (see :mod:`cockpit.queries.entity`).
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from cockpit import charts, sections, theme
from cockpit.i18n import STRINGS, Lang, code_label, current_lang, pick, register, t
from cockpit.names import labelled
from cockpit.queries import entity as q
from cockpit.scaffold import done_marker, page_header
from cockpit.widgets import coded_selectbox, widget_key

CODE = "profile"
PARAM = "uscc"  # the deep-link query parameter
KEY_SEARCH = "profile_search"  # the text box (one widget per language)
KEY_TEXT = "profile_search_text"  # the typed text, kept across a language switch
KEY_PICK = "profile_pick"  # the chosen search result (a code)
KEY_ENTITY = "profile_entity"  # the entity shown, remembered across reruns
METRIC_COLUMNS = 5
CREDIT_CLASSES = ("D", "C", "B", "A")

CODE_COLUMNS: dict[str, str] = {
    "department_code": "department",
    "approving_department_code": "department",
    "county_code": "place",
    "town_code": "place",
    "result": "result",
    "result_code": "result",
    "channel": "channel",
    "warning_type": "warning_type",
    "severity": "severity",
    "disposal": "disposal",
    "category": "complaint_category",
    "task_source": "source",
    "clue_source": "source",
    "inspect_mode": "mode",
    "assessment": "assessment",
    "decision_type": "decision_type",
    "procedure": "procedure",
    "origin_type": "origin",
}
PROFILE_CODE_COLUMNS = ("apply_type",)  # codes this page names itself (``profile.code.*``)
# Codes whose meaning differs by mart: a case event's stage, a loop's stage.
STAGE_KIND = {"case_events": "stage", "loop": "loop_stage"}

TEXT = {
    "profile.search": ("名称或统一社会信用代码", "Name or unified social credit code"),
    "profile.search_hint": ("输入企业名称片段或信用代码", "Part of a name, or a credit code"),
    "profile.results": ("匹配的市场主体（最多 {n} 个）", "Matching entities (at most {n})"),
    "profile.no_match": (
        "没有找到匹配的市场主体，仍显示当前主体。",
        "No entity matches; still showing the current one.",
    ),
    "profile.not_found": (
        "链接中的信用代码 {code} 不在当前快照中，已显示默认主体。",
        "The credit code {code} in the link is not in this snapshot; showing the default.",
    ),
    "profile.none": ("快照中没有市场主体。", "The snapshot holds no market entities."),
    "profile.counts": ("各系统记录数", "Record counts by system"),
    "profile.timeline": ("全过程时间轴（按系统）", "Timeline of events by system"),
    "profile.timeline_note": (
        "信用仅标出等级变化的月份；案件按办理环节标出。",
        "Credit shows only the months the class changed; cases show each stage.",
    ),
    "profile.credit": ("信用等级（按月）", "Credit class by month"),
    "profile.records": ("分系统明细", "Records in detail, by system"),
    "profile.capped": (
        "仅列出最近 {n} 条；上方记录数为全部。",
        "Only the latest {n} are listed; the counts above are complete.",
    ),
    "profile.masked": (
        "自然人姓名、证件号码、电话等个人信息不展示。",
        "Names of natural persons, ID and phone numbers are never shown.",
    ),
    "profile.col.system": ("系统", "System"),
    "profile.col.date": ("日期", "Date"),
    "profile.col.ref": ("编号", "Reference"),
    "profile.col.detail": ("内容", "Detail"),
    "profile.card.type": ("类型", "Type"),
    "profile.card.industry": ("行业", "Industry"),
    "profile.card.place": ("属地", "Location"),
    "profile.card.registered": ("成立日期", "Registered"),
    "profile.card.status": ("登记状态", "Status"),
    "profile.card.key": ("重点监管", "Key supervision"),
    "profile.card.credit": ("最新信用等级", "Latest credit class"),
    "profile.yes": ("是", "Yes"),
    "profile.no": ("否", "No"),
    "profile.sys.approvals": ("行政审批", "Approvals"),
    "profile.sys.claims": ("审管联动推送", "Pushed to supervisor"),
    "profile.sys.warnings": ("运行预警", "Early warnings"),
    "profile.sys.complaints": ("12345 投诉", "12345 complaints"),
    "profile.sys.inspections": ("检查任务", "Inspections"),
    "profile.sys.clues": ("执法线索", "Clues"),
    "profile.sys.cases": ("处罚案件", "Cases"),
    "profile.sys.case_events": ("案件办理环节", "Case stages"),
    "profile.sys.credit": ("信用月度评级", "Credit months"),
    "profile.sys.loop": ("监管闭环", "Closed loops"),
    "profile.code.NEW": ("新办", "New"),
    "profile.code.RENEWAL": ("延续", "Renewal"),
    "profile.code.CHANGE": ("变更", "Change"),
    "profile.code.COMPANY": ("企业", "Company"),
    "profile.code.SOLE_TRADER": ("个体工商户", "Sole trader"),
    "profile.code.OPERATING": ("存续", "Operating"),
    "profile.code.ABNORMAL": ("经营异常", "Abnormal operation"),
    "profile.code.CLOSED": ("注销", "Deregistered"),
    "profile.code.REVOKED": ("吊销", "Revoked"),
    "profile.code.AGRICULTURE": ("农林牧渔", "Agriculture"),
    "profile.code.CATERING": ("餐饮", "Catering"),
    "profile.code.CHEMICAL": ("化工", "Chemicals"),
    "profile.code.CONSTRUCTION": ("建筑装饰", "Construction"),
    "profile.code.EDUCATION": ("教育培训", "Education"),
    "profile.code.LEISURE": ("休闲娱乐", "Leisure"),
    "profile.code.MANUFACTURING": ("制造业", "Manufacturing"),
    "profile.code.MEDICAL": ("医疗卫生", "Medical"),
    "profile.code.MINING": ("采矿", "Mining"),
    "profile.code.RETAIL": ("零售", "Retail"),
    "profile.code.SERVICES": ("生活服务", "Services"),
    "profile.code.TRANSPORT": ("交通运输", "Transport"),
}
register(TEXT)


def system_label(key: str, lang: Lang) -> str:
    """The name of one source system in the language (tests read metrics by it)."""
    return t(f"profile.sys.{key}", lang)


def _code(code: object, lang: Lang) -> str:
    """An entity attribute code in words; an unknown code shows itself."""
    text = "—" if code is None or pd.isna(code) else str(code)
    return t(f"profile.code.{text}", lang) if f"profile.code.{text}" in STRINGS else text


def render() -> None:
    """Draw the profile of the searched, linked or default entity."""
    lang = current_lang()
    page_header(CODE, lang)
    if not q.profile_available():
        sections.unavailable(f"marts.{q.ENTITY}", lang)
    else:
        uscc = _choose(lang)
        card = q.header(uscc) if uscc else None
        if card is None:
            st.info(t("profile.none", lang), icon=":material/search_off:")
        else:
            _body(card, lang)
    done_marker(CODE, lang)


def _choose(lang: Lang) -> str | None:
    """The entity to show: a search result when the box has text and a match, else the one
    in the link (``?uscc=``), else the last one shown, else the busiest entity."""
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    typed = left.text_input(
        t("profile.search", lang),
        value=st.session_state.get(KEY_TEXT, ""),
        max_chars=q.SEARCH_MAX_CHARS,
        placeholder=t("profile.search_hint", lang),
        key=widget_key(KEY_SEARCH, lang),
    )
    st.session_state[KEY_TEXT] = typed
    if q.normalise(typed):
        found = q.search(typed)
        if not found.empty:
            names = dict(zip(found["entity_uscc"], found["entity_name"], strict=True))
            choice = coded_selectbox(
                right,
                t("profile.results", lang, n=q.SEARCH_LIMIT),
                list(names),
                lambda code: f"{names[code]}（{code}）",
                KEY_PICK,
                lang,
            )
            st.query_params[PARAM] = choice
            st.session_state[KEY_ENTITY] = choice
            return choice
        right.caption(t("profile.no_match", lang))
    linked = q.normalise(st.query_params.get(PARAM)).upper()
    if linked and linked != st.session_state.get(KEY_ENTITY):
        if q.header(linked) is not None:
            st.session_state[KEY_ENTITY] = linked
        else:
            st.warning(t("profile.not_found", lang, code=linked), icon=":material/link_off:")
    remembered = st.session_state.get(KEY_ENTITY)
    if remembered and q.header(remembered) is not None:
        return str(remembered)
    return q.default_entity()


def _body(card: pd.Series, lang: Lang) -> None:
    uscc = str(card["entity_uscc"])
    read = q.profile(uscc)  # one batch serves the card, counts, timeline, chart and tabs
    found = read.systems
    credit = found.get("credit")
    _card(card, credit.latest if credit else None, lang)
    sections.heading(t("profile.counts", lang))
    _metrics({key: records.total for key, records in found.items()}, lang)
    sections.heading(t("profile.timeline", lang))
    _timeline(uscc, read.timeline, lang)
    if credit:
        _credit(uscc, credit.latest, lang)
    sections.heading(t("profile.records", lang))
    st.caption(t("profile.masked", lang))
    _tables(uscc, found, lang)


def _card(card: pd.Series, credit: pd.DataFrame | None, lang: Lang) -> None:
    """Name and code, then the registration facts as chips (the name is a business name);
    ``credit`` is the entity's credit months, newest first, when the snapshot has them."""
    st.markdown(
        f'<div style="font-size:1.45rem;font-weight:700;color:{theme.PRIMARY}">'
        f"{html.escape(str(card['entity_name']))}</div>"
        f'<div style="color:{theme.MUTED_TEXT};margin-bottom:0.3rem">'
        f"{html.escape(t('field.entity_uscc', lang))}{'：' if lang == 'zh' else ': '}"
        f"{html.escape(str(card['entity_uscc']))}"
        "</div>",
        unsafe_allow_html=True,
    )
    place = " · ".join(x for x in (pick(card, "county_name", lang), pick(card, "town_name", lang)))
    registered = card["registered_date"]
    pairs = [
        (t("profile.card.type", lang), _code(card["entity_type"], lang)),
        (t("profile.card.industry", lang), _code(card["industry_code"], lang)),
        (t("profile.card.place", lang), place or "—"),
        (t("profile.card.registered", lang), _day(registered)),
        (t("profile.card.status", lang), _code(card["status"], lang)),
        (
            t("profile.card.key", lang),
            t("profile.yes" if bool(card["is_key_supervision"]) else "profile.no", lang),
        ),
    ]
    if credit is not None and not credit.empty:
        pairs.append((t("profile.card.credit", lang), str(credit["credit_class"].iloc[0])))
    sections.stats(pairs)


def _day(value: object) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _metrics(counts: dict[str, int], lang: Lang) -> None:
    """One figure per system: how many of the entity's records it holds."""
    keys = list(counts)
    for start in range(0, len(keys), METRIC_COLUMNS):
        row = keys[start : start + METRIC_COLUMNS]
        for column, key in zip(st.columns(METRIC_COLUMNS), row, strict=False):
            column.metric(system_label(key, lang), f"{counts[key]:,}")


def _timeline(uscc: str, events: pd.DataFrame, lang: Lang) -> None:
    """Events as markers on one row per system, in the chain's order top to bottom."""
    kinds = {s.key: s.detail_kind for s in q.SYSTEMS}
    shown = pd.DataFrame(
        {
            t("profile.col.date", lang): pd.to_datetime(events["event_date"]).dt.date,
            t("profile.col.system", lang): [system_label(k, lang) for k in events["system"]],
            t("profile.col.ref", lang): events["ref"],
            t("profile.col.detail", lang): [
                code_label(kinds.get(k) or "", d, lang)
                for k, d in zip(events["system"], events["detail"], strict=True)
            ],
        }
    )
    order = [system_label(s.key, lang) for s in q.SYSTEMS if s.key in set(events["system"])]
    day, system, ref, detail = shown.columns
    traces = []
    for index, label in enumerate(order):
        rows = shown[shown[system] == label]
        traces.append({
            "type": "scatter",
            "x": pd.to_datetime(rows[day]).to_numpy(),
            "y": rows[system].to_numpy(),
            "mode": "markers",
            "name": label,
            "marker": {"size": 10, "opacity": 0.75, "color": theme.PALETTE[index % 12]},
            "text": [f"{a} · {b}" for a, b in zip(rows[ref], rows[detail], strict=True)],
            "hovertemplate": "%{x|%Y-%m-%d}<br>%{text}<extra>%{y}</extra>",
        })
    fig = charts.figure(
        traces,
        90 + 42 * max(len(order), 1),
        legend=False,
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(order))},
    )
    sections.chart("", fig, shown, f"{CODE}_timeline_{uscc}", lang)
    st.caption(t("profile.timeline_note", lang))


def _credit(uscc: str, months: pd.DataFrame, lang: Lang) -> None:
    """The credit class month by month as a step line (A at the top): the months the profile
    lists (the latest ``ROW_LIMIT``, over sixteen years of them)."""
    frame = months.sort_values("month_start")
    shown = pd.DataFrame(
        {
            t("field.month_start", lang): pd.to_datetime(frame["month_start"]),
            t("field.credit_class", lang): frame["credit_class"],
            t("field.score", lang): frame.get("score"),
        }
    )
    month, credit, _ = shown.columns
    step = {
        "type": "scatter",
        "x": shown[month].to_numpy(),
        "y": shown[credit].to_numpy(),
        "mode": "lines+markers",
        "line": {"shape": "hv", "color": theme.PRIMARY},
        "showlegend": False,
    }
    fig = charts.figure(
        [step],
        220,
        legend=False,
        yaxis={
            "categoryorder": "array",
            "categoryarray": list(CREDIT_CLASSES),
            "range": [-0.5, len(CREDIT_CLASSES) - 0.5],  # all four classes, whatever it had
        },
    )
    sections.chart(t("profile.credit", lang), fig, shown, f"{CODE}_credit_chart_{uscc}", lang)


def _tables(uscc: str, found: dict[str, q.Records], lang: Lang) -> None:
    """One tab per system with its latest rows, codes in words, and its own export."""
    systems = [q.BY_KEY[key] for key in found]
    tabs = st.tabs([f"{system_label(s.key, lang)} · {found[s.key].total:,}" for s in systems])
    for tab, system in zip(tabs, systems, strict=True):
        with tab:
            kinds = dict(CODE_COLUMNS)
            if system.key in STAGE_KIND:
                kinds["stage"] = STAGE_KIND[system.key]
            frame = labelled(found[system.key].latest, kinds, lang)
            for column in PROFILE_CODE_COLUMNS:
                if column in frame.columns:
                    frame[column] = frame[column].map(lambda code: _code(code, lang))
            if found[system.key].total > q.ROW_LIMIT:
                st.caption(t("profile.capped", lang, n=q.ROW_LIMIT))
            key = f"{CODE}_{system.key}_{uscc}"
            sections.table("", frame, key, lang, height=420)
