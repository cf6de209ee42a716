"""Chrome of the 16 cockpits: titles, the audience-and-questions subtitle, shared page words.

Kept apart from ``i18n.py`` so each table stays readable; ``i18n.STRINGS`` merges them.
Each value is ``(Chinese, English)``.

``pipelines/cockpits.py`` lists the cockpits from the keys that start with ``page.``, so a page
that is not a cockpit (the entity profile) names itself with other keys (``profile.nav``).
"""

from __future__ import annotations

PAGE_STRINGS: dict[str, tuple[str, str]] = {
    # navigation sections, following the chain approval → operation → supervision → enforcement
    "nav.overview": ("总览", "Overview"),
    "nav.operation": ("审批与运行", "Approval & operation"),
    "nav.supervision": ("监管", "Supervision"),
    "nav.enforcement": ("执法与监督", "Enforcement & oversight"),
    "nav.foundation": ("改革支撑", "Reform foundations"),
    "nav.records": ("主体档案", "Entity records"),
    # 1
    "page.overview": ("总览", "Overview"),
    "overview.title": ("全市总览", "City overview"),
    "overview.subtitle": (
        "面向市领导与指挥中心：核心指标是否达标？哪个区县、哪项指标拖后腿？",
        "For city leaders and the command centre: are the headline indicators on target, "
        "and which county or indicator lags?",
    ),
    # 2
    "page.approval_loop": ("审管联动", "Approval loop"),
    "approval_loop.title": ("审批—监管闭环", "Approval-to-supervision loop"),
    "approval_loop.subtitle": (
        "面向审批局与监管部门：审批是否按时办结？推送的许可是否按时认领、按期首次检查？",
        "For the approvals bureau and supervisors: are licences decided on time, and are "
        "pushed licences claimed and first-inspected on time?",
    ),
    # 3
    "page.entities_warnings": ("主体与预警", "Entities & warnings"),
    "entities_warnings.title": ("市场主体与运行预警", "Market entities & early warnings"),
    "entities_warnings.subtitle": (
        "面向指挥中心与处置部门：哪些预警仍未处置？是否及时派单、按时处置？误报多不多？",
        "For the command centre and responders: which warnings are still open, were they "
        "dispatched and handled on time, how many were false alarms?",
    ),
    # 4
    "page.joint_inspection": ("综合查一次", "Joint inspections"),
    "joint_inspection.title": ("综合查一次", "Inspect once, jointly"),
    "joint_inspection.subtitle": (
        "面向综合执法局与各监管部门：多少检查联合开展？任务从哪里来？问题是否按期整改？",
        "For the enforcement bureau and supervisors: how many inspections were joint, what "
        "launched them, and were problems rectified on time?",
    ),
    # 5
    "page.sampling_credit": ("双随机与信用", "Random checks & credit"),
    "sampling_credit.title": ("双随机抽查与信用监管", "Random sampling & credit supervision"),
    "sampling_credit.subtitle": (
        "面向市场监管与信用部门：随机抽查占比多少？抽查的问题发现率如何？",
        "For market supervision and credit offices: what share of inspections is random, "
        "and how often do random checks find problems?",
    ),
    # 6
    "page.burden": ("企业负担", "Enterprise burden"),
    "burden.title": ("涉企检查负担", "Inspection burden on enterprises"),
    "burden.subtitle": (
        "面向营商环境办：企业每月迎检几天？与数据起始年相比有何变化？哪些企业被多部门检查？",
        "For the business-environment office: how many days a month do enterprises host "
        "inspectors, how has that changed, and who is visited by many departments?",
    ),
    # 7
    "page.drones": ("综合飞一次", "Drones"),
    "drones.title": ("综合飞一次 · 无人机巡查", "Fly once, jointly · drone patrols"),
    "drones.subtitle": (
        "面向指挥中心与处置部门：机队覆盖多大？发现了什么、是否闭环？汛期哪里积水？",
        "For the command centre and responders: how much ground the fleet covers, what it "
        "finds, whether findings are closed, and where water pooled in the flood season.",
    ),
    # 8
    "page.cases": ("统一办案", "Cases"),
    "cases.title": ("统一处罚办案", "Unified case handling"),
    "cases.subtitle": (
        "面向执法机关负责人与法制审核：案件推进到哪一步？有无超过 90 天未决？罚没情况如何？",
        "For enforcement chiefs and legal reviewers: where cases stand, which pass the "
        "90-day limit undecided, and what penalties were imposed.",
    ),
    # 9
    "page.clues": ("线索中心", "Clue centre"),
    "clues.title": ("线索统一归集与研判", "Clue centre"),
    "clues.subtitle": (
        "面向指挥中心：线索从哪里来？是否及时研判、转为立案？",
        "For the command centre: where clues come from, and whether they are assessed "
        "promptly and filed as cases.",
    ),
    # 10
    "page.domains": ("1+5 领域", "1+5 domains"),
    "domains.title": ("“1+5”执法领域", "The 1+5 enforcement domains"),
    "domains.subtitle": (
        "面向编办与各执法队伍：综合执法与五个专业领域的队伍、人员、检查与办案如何分布？",
        "For the establishment office and teams: how teams, staff, inspections and cases "
        "divide between the comprehensive bureau and the five professional domains.",
    ),
    # 11
    "page.force": ("执法力量", "Enforcement force"),
    "force.title": ("执法力量与队伍整合", "Enforcement force & team integration"),
    "force.subtitle": (
        "面向编办与人社部门：队伍精简到多少？执法人员下沉一线比例是否达标？",
        "For the establishment and HR offices: how far teams were merged, and whether the "
        "front-line share of staff is on target.",
    ),
    # 12
    "page.three_lists": ("三张清单", "Three lists"),
    "three_lists.title": ("执法事项“三张清单”", "The three lists of enforcement items"),
    "three_lists.subtitle": (
        "面向司法局与各部门：综合执法事项有多少、占比多少？覆盖哪些部门与领域？",
        "For the justice bureau and departments: how many items are on the comprehensive "
        "list, what share, and which departments and domains they cover.",
    ),
    # 13
    "page.complaints": ("12345 投诉", "12345 complaints"),
    "complaints.title": ("12345 投诉举报", "12345 hotline complaints"),
    "complaints.subtitle": (
        "面向热线办与承办部门：工单是否按时签收、按期办结？群众反映最多的是什么？",
        "For the hotline office and handling departments: are tickets signed and closed on "
        "time, and what do residents raise most?",
    ),
    # 14
    "page.oversight": ("监督闭环", "Oversight loop"),
    "oversight.title": ("执法监督闭环", "Oversight loop"),
    "oversight.subtitle": (
        "面向司法局与监督部门：复议诉讼纠错多少？案卷评查是否合格？监督预警是否按期整改？",
        "For the justice bureau and supervisors: how many decisions were overturned, do "
        "case files pass audit, are oversight flags rectified on time?",
    ),
    # 15
    "page.grid": ("基层网格", "Grid governance"),
    "grid.title": ("基层网格治理", "Grid-level governance"),
    "grid.subtitle": (
        "面向乡镇街道与网格：诉求与事件在哪些乡镇、网格最集中？是否在网格内解决？",
        "For towns and grids: where matters concentrate, and whether they are settled "
        "within the grid.",
    ),
    # 16
    "page.data_ops": ("数据运维", "Data operations"),
    "data_ops.title": ("数据运维：新鲜度、完整性与质量", "Data operations: freshness & quality"),
    "data_ops.subtitle": (
        "面向数据运维：各来源数据是否按时到达？多少记录被隔离？质量检查是否通过？",
        "For data operations: did every source arrive on time, how many rows were "
        "quarantined, did the quality checks pass?",
    ),
    # not a cockpit: the entity profile (一企一档), a look-up page beside the 16
    "profile.nav": ("一企一档", "Entity profile"),
    "profile.title": ("一企一档 · 市场主体全景档案", "Entity profile: one enterprise, one file"),
    "profile.subtitle": (
        "面向监管与执法人员：按名称或统一社会信用代码查找市场主体，"
        "查看其审批、预警、投诉、检查、线索案件与信用的全过程记录。",
        "For supervisors and enforcement officers: find a market entity by name or unified "
        "social credit code and see its approvals, warnings, complaints, inspections, clues, "
        "cases and credit in one timeline.",
    ),
    # shared page scaffolding
    "filter.town": ("乡镇街道", "Town"),
    "filter.town_all": ("全部乡镇街道", "All towns"),
    "filter.period_latest": ("最新", "Latest"),
    "filter.not_here": (
        "本页数据不按此维度划分，此筛选不适用。",
        "This page's data is not split this way, so this filter does not apply here.",
    ),
    "tiles.none": (
        "本驾驶舱尚无目录指标（指标目录 cockpits 列未列出本页），下方为明细分析。",
        "No catalogue category names this cockpit yet; the analysis below reads the facts.",
    ),
    "tiles.export": ("导出指标 CSV", "Export indicators (CSV)"),
    "export.csv": ("导出 CSV", "Export CSV"),
    "unavailable": (
        "暂未接入：{what}（该数据尚未进入发布快照）。",
        "Not yet available: {what} (not in the published snapshot yet).",
    ),
    "no_records": ("所选范围内没有记录。", "No records in the chosen scope."),
    "tile.scope_city": ("全市口径", "city-wide figure"),
    "tile.scope_county": ("区县口径", "county figure"),
    "tile.scope_all_depts": ("全部门口径", "all departments"),
    "tile.yoy": ("同比", "YoY"),
    "drill.title": ("记录明细", "Records behind the figures"),
    "drill.choose": ("查看记录", "Records of"),
    "drill.numerator": ("仅看计入分子的记录", "Only records counted in the numerator"),
    "drill.caption": (
        "所选范围内最近 {n} 条记录；姓名、证件号、电话等个人信息不展示。",
        "Latest {n} records in the chosen scope; names, ID numbers and phones are never shown.",
    ),
    "drill.none": ("本页暂无可下钻的记录。", "No records to drill into on this page yet."),
    "col.area": ("区域", "Area"),
    "col.department": ("部门", "Department"),
    "col.category": ("指标", "Indicator"),
    "col.code": ("编码", "Code"),
    "col.value": ("数值", "Value"),
    "col.target": ("目标", "Target"),
    "col.score": ("得分", "Score"),
    "col.status": ("状态", "Status"),
    "col.period": ("期间", "Period"),
    "col.count": ("数量", "Count"),
    "col.share": ("占比", "Share"),
    "col.month": ("月份", "Month"),
    "col.scope": ("口径", "Scope"),
    # column headers of record tables (a mart column without an entry keeps its own name)
    "field.task_id": ("任务编号", "Task"),
    "field.plan_id": ("计划编号", "Plan"),
    "field.entity_uscc": ("统一社会信用代码", "Entity (USCC)"),
    "field.department_code": ("部门", "Department"),
    "field.routed_department_code": ("处置部门", "Routed to"),
    "field.approving_department_code": ("审批部门", "Approved by"),
    "field.county_code": ("区县", "County"),
    "field.town_code": ("乡镇街道", "Town"),
    "field.grid_code": ("网格", "Grid"),
    "field.inspected_date": ("检查日期", "Inspected"),
    "field.rectify_deadline": ("整改期限", "Deadline"),
    "field.days_overdue": ("逾期天数", "Days overdue"),
    "field.case_no": ("案件编号", "Case"),
    "field.procedure": ("程序", "Procedure"),
    "field.clue_source": ("线索来源", "Clue source"),
    "field.filed_date": ("立案日期", "Filed"),
    "field.age_days": ("已办天数", "Days open"),
    "field.ticket_no": ("工单编号", "Ticket"),
    "field.category": ("诉求类别", "Category"),
    "field.priority": ("紧急程度", "Priority"),
    "field.received_at": ("受理时间", "Received"),
    "field.due_at": ("办理时限", "Due"),
    "field.hours_overdue": ("逾期小时", "Hours overdue"),
    "field.warning_id": ("预警编号", "Warning"),
    "field.warning_type": ("预警类型", "Type"),
    "field.severity": ("等级", "Severity"),
    "field.raised_at": ("预警时间", "Raised"),
    "field.hours_open": ("未处置小时", "Hours open"),
    "field.claim_id": ("推送编号", "Push"),
    "field.item_code": ("事项编码", "Item"),
    "field.pushed_at": ("推送时间", "Pushed"),
    "field.claim_deadline": ("认领时限", "Claim deadline"),
    "field.clue_id": ("线索编号", "Clue"),
    "field.received_date": ("接收日期", "Received on"),
    "field.waiting_days": ("待研判天数", "Days waiting"),
    "field.flag_id": ("预警编号", "Flag"),
    "field.flag_type": ("预警类型", "Flag type"),
    "field.object_type": ("对象类型", "Object"),
    "field.raised_date": ("预警日期", "Raised"),
    "field.inspection_days": ("迎检天数", "Inspection days"),
    "field.inspection_tasks": ("检查任务数", "Tasks"),
    "field.departments_on_site": ("到场部门数", "Departments on site"),
    "field.entity_name": ("企业名称", "Enterprise"),
    "field.alert_date": ("预警日期", "Alert date"),
    "field.window_first_visit_date": ("窗口内首次到场", "First visit in window"),
    "field.departments_in_window": ("30 日内到场部门数", "Departments within 30 days"),
    "field.visit_days_in_window": ("30 日内迎检天数", "Visit days within 30 days"),
    "field.finding_id": ("发现编号", "Finding"),
    "field.finding_class": ("发现类别", "Class"),
    "field.detected_at": ("发现时间", "Detected"),
    "field.status": ("状态", "Status"),
    "field.decided_date": ("决定日期", "Decided"),
    "field.closed_date": ("结案日期", "Closed"),
    "field.decision_type": ("决定类型", "Decision"),
    "field.fine_amount": ("罚没金额（元）", "Fine (yuan)"),
    "field.task_source": ("任务来源", "Source"),
    "field.is_joint": ("联合检查", "Joint"),
    "field.result_code": ("检查结果", "Result"),
    "field.month_start": ("月份", "Month"),
    "field.application_id": ("申请编号", "Application"),
    "field.item_name": ("事项名称", "Item name"),
    "field.apply_type": ("申请类型", "Application type"),
    "field.channel": ("渠道", "Channel"),
    "field.applied_date": ("申请日期", "Applied"),
    "field.accepted_date": ("受理日期", "Accepted"),
    "field.promised_date": ("承诺办结日", "Promised by"),
    "field.result": ("办理结果", "Result"),
    "field.is_decided_on_time": ("按时办结", "Decided on time"),
    "field.processing_days": ("办理天数", "Processing days"),
    "field.satisfaction": ("满意度", "Satisfaction"),
    "field.claimed_at": ("认领时间", "Claimed"),
    "field.first_inspection_due": ("首次检查期限", "First inspection due"),
    "field.is_claimed_on_time": ("按时认领", "Claimed on time"),
    "field.measured_value": ("监测值", "Measured"),
    "field.threshold_value": ("阈值", "Threshold"),
    "field.handled_at": ("处置时间", "Handled"),
    "field.disposal": ("处置方式", "Disposal"),
    "field.is_false_alarm": ("误报", "False alarm"),
    "field.is_handled_on_time": ("按时处置", "Handled on time"),
    "field.closed_at": ("办结时间", "Closed at"),
    "field.is_closed_on_time": ("按期办结", "Closed on time"),
    "field.is_repeat": ("重复诉求", "Repeat"),
    "field.to_clue": ("转为线索", "Became a clue"),
    "field.joint_department_codes": ("联合部门", "Joint departments"),
    "field.inspect_mode": ("检查方式", "Mode"),
    "field.finding_count": ("问题数", "Findings"),
    "field.rectified_date": ("整改完成日期", "Rectified"),
    "field.is_rectified_on_time": ("按期整改", "Rectified on time"),
    "field.assessment": ("研判结果", "Assessment"),
    "field.assessed_date": ("研判日期", "Assessed"),
    "field.is_assessed_on_time": ("按时研判", "Assessed on time"),
    "field.case_status": ("案件状态", "Case status"),
    "field.fine_paid": ("罚款已缴", "Fine paid"),
    "field.is_decided_within_90_days": ("90 日内决定", "Decided within 90 days"),
    "field.seq": ("序号", "Seq."),
    "field.stage": ("环节", "Stage"),
    "field.event_at": ("发生时间", "At"),
    "field.handler_post": ("承办岗位", "Handler post"),
    "field.credit_class": ("信用等级", "Credit class"),
    "field.score": ("信用分", "Score"),
    "field.previous_class": ("上月等级", "Previous class"),
    "field.is_downgraded": ("降级", "Downgraded"),
    "field.is_upgraded": ("升级", "Upgraded"),
    "field.is_inspected": ("当月受检", "Inspected"),
    "field.is_randomly_sampled": ("双随机抽中", "Randomly sampled"),
    "field.loop_id": ("闭环编号", "Loop"),
    "field.origin_type": ("起点类型", "Origin"),
    "field.origin_ref": ("起点编号", "Origin ref."),
    "field.origin_date": ("起点日期", "Started"),
    "field.due_date": ("期限", "Due"),
    "field.first_inspected_date": ("首次检查日期", "First inspected"),
    "field.is_first_inspected_on_time": ("按期首检", "First inspected on time"),
    "field.problem_found_date": ("发现问题日期", "Problem found"),
    "field.case_filed_date": ("案件立案日期", "Case filed"),
    "field.case_closed_date": ("案件结案日期", "Case closed"),
    "field.is_open": ("未闭环", "Open"),
    "field.is_overdue": ("已逾期", "Overdue"),
    "field.days_to_close": ("闭环天数", "Days to close"),
}
