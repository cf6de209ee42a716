"""Well-formed export rows of two contracts, for tests that break them one field at a time."""

from __future__ import annotations


def task_row(**overrides: str) -> dict[str, str]:
    row = {
        "task_id": "JC2021030400001",
        "plan_id": "PL2021-017",
        "entity_uscc": "91330802MA2ABCDE1X",
        "entity_name": "衢州市柯城区味道餐饮店",
        "county_code": "330802",
        "town_code": "330802005",
        "dept_code": "SCJG",
        "joint_dept_codes": "STHJ;ZHZF",
        "is_joint": "1",
        "task_source": "WARNING",
        "trigger_ref": "YJ202103000123",
        "inspect_mode": "ONSITE",
        "inspected_date": "2021-03-04",
        "result_code": "RECTIFY",
        "finding_count": "2",
        "rectify_deadline": "2021-03-18",
        "rectified_date": "",
        "inspector_name": "王建国",
        "latitude": "28.97",
        "longitude": "118.87",
        "updated_at": "2021-03-04 10:31:00",
    }
    row.update(overrides)
    return row


def case_row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "case_no": "衢柯综执罚〔2021〕0001号",
        "clue_id": "XS-1",
        "clue_source": "INSPECTION",
        "dept_code": "ZHZF",
        "county_code": "330802",
        "town_code": "330802005",
        "entity_uscc": "91330802MA2ABCDE1X",
        "party_name": "李四",
        "party_id_no": None,
        "party_phone": "13912345678",
        "procedure": "GENERAL",
        "case_status": "DECIDED",
        "filed_date": "2021-01-10",
        "decided_date": "2021-03-04",
        "closed_date": None,
        "decision_type": "PENALTY",
        "fine_amount": 5000,
        "updated_at": "2021-03-04 16:00:00",
    }
    row.update(overrides)
    return row
