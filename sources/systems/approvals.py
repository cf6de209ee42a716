"""审批 + 审管联动: the approval system's applications, their processing steps and the pushes
of granted licences to the departments that supervise them.

An enterprise or sole trader applies for a licence (办件) online, through the 浙里办 app or at
a window of the service centre; the approving department accepts it (受理), reviews it
(审查), decides (决定) by the day it promised (承诺办结时限, counted in working days) and, if it
grants the licence, issues the certificate (发证). Approval and supervision are separate
(审管分离): a grant of a licence that needs post-licence supervision is pushed to the
supervising department (推送), which must claim it (认领) within three working days and then
inspect the licensee for the first time within the item's limit (首次批后检查).

``applications`` and ``supervision_claims`` are state rows: one row per record and day on
which its state changed, carrying every field known that evening, so the latest
``updated_at`` of a key is its current state. ``steps`` is the processing log (办理环节): one
row per step when it starts and again when it finishes on a later day.

The catalogue of licence types (行政许可事项) is part of the system, as the departments
publish it: who approves, who supervises, the promised days and the first-inspection limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sources.contracts import Column, DateOrder, TableContract
from sources.reference import county_codes, department_codes, town_codes

SYSTEM = "approvals"


@dataclass(frozen=True)
class ApprovalItem:
    """One licence type of the catalogue (行政许可事项目录)."""

    code: str  # 事项编码
    name: str  # 事项名称
    approve_dept: str  # 审批部门
    supervise_dept: str | None  # 监管部门 the grant is pushed to; None: no push (审管联动)
    promised_days: int  # 承诺办结时限: working days from acceptance to decision
    inspect_within: int  # 首次批后检查时限: days from the grant; 0 = no first inspection
    industries: tuple[str, ...]  # 适用行业: market-register industry codes of applicants
    licence_prefix: str  # leading letters of the certificate number (证照编号)


def _item(code: str, name: str, approve: str, supervise: str | None, promised: int,
          inspect: int, industries: str, prefix: str) -> ApprovalItem:
    return ApprovalItem(code, name, approve, supervise, promised, inspect,
                        tuple(industries.split()), prefix)


# The city's licence types. Supervision of several grants moved to the comprehensive bureau
# (ZHZF) with the reform's lists (drainage, outdoor advertising, road digging, planning).
ITEMS: tuple[ApprovalItem, ...] = (
    _item("XKSCJG001", "食品经营许可", "SCJG", "SCJG", 5, 60,
          "CATERING RETAIL LEISURE EDUCATION", "JY"),
    _item("XKSCJG002", "食品生产许可", "SCJG", "SCJG", 10, 90, "MANUFACTURING AGRICULTURE", "SC"),
    _item("XKSCJG003", "食品小作坊登记", "SCJG", "SCJG", 5, 60, "CATERING RETAIL AGRICULTURE",
          "ZSF"),
    _item("XKSCJG004", "药品零售经营许可", "SCJG", "SCJG", 10, 60, "MEDICAL", "YPLS"),
    _item("XKSCJG005", "第三类医疗器械经营许可", "SCJG", "SCJG", 10, 90, "MEDICAL RETAIL", "QXJY"),
    _item("XKSCJG006", "特种设备使用登记", "SCJG", "SCJG", 3, 0,
          "MANUFACTURING CHEMICAL CONSTRUCTION LEISURE SERVICES", "TSSY"),
    _item("XKSTHJ001", "排污许可", "STHJ", "STHJ", 15, 90,
          "MANUFACTURING CHEMICAL AGRICULTURE MEDICAL", "PW"),
    _item("XKSTHJ002", "建设项目环境影响评价文件审批", "STHJ", "STHJ", 20, 0,
          "MANUFACTURING CHEMICAL CONSTRUCTION MINING", "HP"),
    _item("XKZJJS001", "城镇污水排入排水管网许可", "ZJJS", "ZHZF", 5, 0,
          "CATERING MANUFACTURING LEISURE SERVICES MEDICAL", "PS"),
    _item("XKZJJS002", "建筑工程施工许可", "ZJJS", "ZJJS", 5, 30, "CONSTRUCTION", "SG"),
    _item("XKZJJS003", "城市建筑垃圾处置核准", "ZJJS", "ZHZF", 3, 0, "CONSTRUCTION TRANSPORT",
          "JZLJ"),
    _item("XKZJJS004", "户外广告设施设置许可", "ZJJS", "ZHZF", 5, 0,
          "RETAIL CATERING SERVICES LEISURE MEDICAL EDUCATION", "HWGG"),
    _item("XKZJJS005", "城市道路占用挖掘许可", "ZJJS", "ZHZF", 5, 0, "CONSTRUCTION", "DLZW"),
    _item("XKZJJS006", "燃气经营许可", "ZJJS", "ZJJS", 15, 60, "CHEMICAL RETAIL", "RQJY"),
    _item("XKZJJS007", "商品房预售许可", "ZJJS", None, 7, 0, "CONSTRUCTION", "YS"),
    _item("XKZRZY001", "建设工程规划许可", "ZRZY", "ZHZF", 10, 0, "CONSTRUCTION MANUFACTURING",
          "JSGH"),
    _item("XKZRZY002", "建设用地规划许可", "ZRZY", None, 10, 0, "CONSTRUCTION MANUFACTURING",
          "YDGH"),
    _item("XKJTYS001", "道路货物运输经营许可", "JTYS", "JTYS", 5, 0, "TRANSPORT", "DYHY"),
    _item("XKJTYS002", "道路旅客运输经营许可", "JTYS", "JTYS", 15, 60, "TRANSPORT", "DYKY"),
    _item("XKJTYS003", "道路运输车辆营运证配发", "JTYS", None, 1, 0,
          "TRANSPORT CONSTRUCTION MANUFACTURING", "YYZ"),
    _item("XKJTYS004", "网络预约出租汽车运输证核发", "JTYS", None, 3, 0, "TRANSPORT", "WYC"),
    _item("XKJTYS005", "公路超限运输许可", "JTYS", None, 2, 0,
          "TRANSPORT CONSTRUCTION MANUFACTURING", "CX"),
    _item("XKJTYS006", "涉路施工许可", "JTYS", "JTYS", 10, 0, "CONSTRUCTION", "SLSG"),
    _item("XKYJGL001", "危险化学品经营许可", "YJGL", "YJGL", 10, 30, "CHEMICAL RETAIL", "WHJY"),
    _item("XKYJGL002", "烟花爆竹经营（零售）许可", "YJGL", "YJGL", 5, 30, "RETAIL", "YHLS"),
    _item("XKYJGL003", "非煤矿矿山企业安全生产许可", "YJGL", "YJGL", 20, 60, "MINING", "FMKS"),
    _item("XKWSJK001", "公共场所卫生许可", "WSJK", "WSJK", 5, 30, "LEISURE SERVICES", "WSGG"),
    _item("XKWSJK002", "医疗机构执业登记", "WSJK", "WSJK", 20, 90, "MEDICAL", "YLJG"),
    _item("XKWSJK003", "生活饮用水供水单位卫生许可", "WSJK", "WSJK", 15, 60,
          "MANUFACTURING SERVICES", "GSWS"),
    _item("XKSLJ001", "取水许可", "SLJ", "SLJ", 20, 0, "MANUFACTURING AGRICULTURE MINING", "QS"),
    _item("XKSLJ002", "河道管理范围内建设项目工程建设方案审批", "SLJ", "SLJ", 15, 0,
          "CONSTRUCTION MINING", "HDJS"),
    _item("XKSLJ003", "生产建设项目水土保持方案审批", "SLJ", None, 15, 0, "CONSTRUCTION MINING",
          "STBC"),
    _item("XKLYJ001", "林木采伐许可", "LYJ", "LYJ", 5, 0, "AGRICULTURE", "LMCF"),
    _item("XKLYJ002", "使用林地审核同意", "LYJ", "LYJ", 20, 0, "CONSTRUCTION MINING", "SYLD"),
    _item("XKNYNC001", "农药经营许可", "NYNC", "NYNC", 10, 60, "AGRICULTURE RETAIL", "NYJY"),
    _item("XKNYNC002", "动物防疫条件合格证核发", "NYNC", "NYNC", 10, 0, "AGRICULTURE", "DWFY"),
    _item("XKWGLY001", "娱乐场所经营许可", "WGLY", "WGLY", 10, 30, "LEISURE", "YLCS"),
    _item("XKWGLY002", "互联网上网服务营业场所经营许可", "WGLY", "WGLY", 10, 30, "LEISURE", "WB"),
    _item("XKGAJ001", "旅馆业特种行业许可", "GAJ", "GAJ", 10, 30, "LEISURE", "LG"),
    _item("XKJYJ001", "民办学校办学许可", "JYJ", "JYJ", 20, 60, "EDUCATION", "BX"),
    _item("XKRSJ001", "人力资源服务许可", "RSJ", None, 10, 0, "SERVICES", "RLZY"),
    _item("XKTYJ001", "高危险性体育项目经营许可", "TYJ", "TYJ", 10, 30, "SERVICES LEISURE", "TYGW"),
    _item("XKRFJ001", "防空地下室易地建设审批", "RFJ", None, 10, 0, "CONSTRUCTION", "RFYD"),
)
ITEM_CODES = frozenset(item.code for item in ITEMS)

CHANNELS = frozenset({"ONLINE", "WINDOW", "MOBILE"})  # 网上办 / 窗口办 / 掌上办 (浙里办)
APPLY_TYPES = frozenset({"NEW", "RENEWAL", "CHANGE"})  # 新办 / 延续 / 变更
RESULTS = frozenset({"GRANTED", "REFUSED", "WITHDRAWN"})  # 准予许可 / 不予许可 / 撤回
APPLICATION_STATUSES = frozenset({"APPLIED", "ACCEPTED", "REVIEWING", *RESULTS})
STEP_CODES = frozenset({"APPLY", "ACCEPT", "REVIEW", "DECIDE", "ISSUE", "PUSH"})
CLAIM_STATUSES = frozenset({"PUSHED", "CLAIMED", "RETURNED"})  # 已推送 / 已认领 / 已退回
CLAIM_WORKING_DAYS = 3  # a push must be claimed within three working days


def _stamp(name: str, description: str, required: bool = False) -> Column:
    return Column(name, "timestamp", description, required=required)


def _dept(name: str, description: str) -> Column:
    return Column(name, "string", description, required=True, codes=department_codes())


APPLICATIONS = TableContract(
    system=SYSTEM,
    entity="applications",
    description="Licence applications (办件), one state row per application and day it changed.",
    columns=(
        Column("application_id", "string", "Application number (办件编号)", required=True),
        Column("item_code", "string", "Licence type (事项编码)", required=True, codes=ITEM_CODES),
        Column("item_name", "string", "Name of the licence type (事项名称)", required=True),
        Column("apply_type", "string", "New, renewal or change (申请类型)", required=True,
               codes=APPLY_TYPES),
        Column("applicant_uscc", "string", "Applicant's unified social credit code "
               "(申请人统一社会信用代码)", required=True),
        Column("applicant_name", "string", "Applicant's registered name (申请人名称)",
               required=True),
        Column("county_code", "string", "County of the applicant", required=True,
               codes=county_codes()),
        Column("town_code", "string", "Town of the applicant", required=True, codes=town_codes()),
        _dept("dept_code", "Approving department (审批部门)"),
        Column("channel", "string", "Where it was filed (申报渠道)", required=True,
               codes=CHANNELS),
        _stamp("applied_at", "Filed by the applicant (申请时间)", required=True),
        _stamp("accepted_at", "Accepted by the department (受理时间)"),
        Column("promised_date", "date", "Promised day of the decision (承诺办结日期)"),
        _stamp("decided_at", "Decided or withdrawn (办结时间)"),
        Column("result", "string", "Outcome (办理结果)", codes=RESULTS),
        Column("certificate_no", "string", "Number of the licence granted (证照编号)"),
        Column("satisfaction", "int", "Applicant's rating, 1-5 (好差评); empty if none",
               minimum=1, maximum=5),
        Column("status", "string", "Status reached in this row (办件状态)", required=True,
               codes=APPLICATION_STATUSES),
        _stamp("updated_at", "Time this state of the application was recorded", required=True),
    ),
    key=("application_id",),
    version_column="updated_at",
    rows_every_day=False,  # a quiet holiday in a small run can bring no application
    date_orders=(
        DateOrder("applied_at", "accepted_at"),
        DateOrder("accepted_at", "promised_date"),
        DateOrder("applied_at", "decided_at"),
        DateOrder("accepted_at", "decided_at"),
    ),
    formats=("csv",),
)

STEPS = TableContract(
    system=SYSTEM,
    entity="steps",
    description="Processing steps of applications (办理环节), one state row per step and day "
                "it started or finished.",
    columns=(
        Column("application_id", "string", "Application number (办件编号)", required=True),
        Column("step_seq", "int", "Step number within the application, from 1 (环节序号)",
               required=True, minimum=1, maximum=9),
        Column("step_code", "string", "Step (环节)", required=True, codes=STEP_CODES),
        _dept("dept_code", "Department handling the step (办理部门)"),
        Column("handler_post", "string", "Post of the handler (经办岗位); empty when the "
               "applicant acts"),
        _stamp("started_at", "Step started (开始时间)", required=True),
        _stamp("finished_at", "Step finished (完成时间); empty while in progress"),
        _stamp("updated_at", "Time this state of the step was recorded", required=True),
    ),
    key=("application_id", "step_seq"),
    version_column="updated_at",
    rows_every_day=False,  # steps follow the applications
    date_orders=(DateOrder("started_at", "finished_at"),),
    formats=("parquet",),
)

SUPERVISION_CLAIMS = TableContract(
    system=SYSTEM,
    entity="supervision_claims",
    description="Grants pushed to their supervising department (审管联动推送认领), one state row "
                "per push and day it changed.",
    columns=(
        Column("claim_id", "string", "Push number (推送编号)", required=True),
        Column("application_id", "string", "Application granted (办件编号)", required=True),
        Column("entity_uscc", "string", "Licensee's unified social credit code "
               "(被许可人统一社会信用代码)", required=True),
        Column("item_code", "string", "Licence type (事项编码)", required=True, codes=ITEM_CODES),
        _dept("approve_dept_code", "Approving department (审批部门)"),
        _dept("supervise_dept_code", "Department the grant is pushed to (监管部门)"),
        _stamp("pushed_at", "Pushed to the supervising department (推送时间)", required=True),
        _stamp("claim_deadline", "Claim deadline, three working days after the push (认领时限)",
               required=True),
        _stamp("claimed_at", "Claimed by the supervising department (认领时间)"),
        _stamp("returned_at", "Returned as not its duty (退回时间); the platform pushes again"),
        Column("first_inspection_due", "date", "First post-licence inspection due by "
               "(首次检查时限); empty if none is required"),
        Column("status", "string", "Status reached in this row (认领状态)", required=True,
               codes=CLAIM_STATUSES),
        _stamp("updated_at", "Time this state of the push was recorded", required=True),
    ),
    key=("claim_id",),
    version_column="updated_at",
    rows_every_day=False,  # pushes and claims happen on working days only
    date_orders=(
        DateOrder("pushed_at", "claim_deadline"),
        DateOrder("pushed_at", "claimed_at"),
        DateOrder("pushed_at", "returned_at"),
        DateOrder("pushed_at", "first_inspection_due"),
    ),
    formats=("csv",),
)

CONTRACTS = (APPLICATIONS, STEPS, SUPERVISION_CLAIMS)
