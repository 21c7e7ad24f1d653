"""dim_agency as dbt builds it from the seeds: the reporting universe stays the 73 bodies of the
report of 30/6/2026, and bodies the documents name that owe no report are in it, of their own
kind, never as reporting bodies (which every count, chase list and scorecard page starts from).

Builds only the reference (seeds and ``+dim_agency``) into a fresh home: no inbox is needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dagster_project.lib.home.paths import Home
from tests.fixtures.warehouse import dbt_build, query


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reference-home")
    home = Home(root / "home").ensure()
    output = dbt_build(home.root, root, ["+dim_agency"])
    # Data tests only warn (dbt_project.yml): the kind's relationship test must not.
    assert re.search(r"\bWARN=0\b", output), output[-2000:]
    return home.warehouse


def test_reporting_bodies_are_still_73(warehouse: Path) -> None:
    rows = query(warehouse, """
        select kind, count(*) from marts.dim_agency
        where is_reporting_body group by kind order by kind
    """)
    assert rows == [("central_body", 22), ("ministry", 17), ("province", 34)]


def test_named_bodies_have_their_kind_and_report_nothing(warehouse: Path) -> None:
    rows = dict(query(warehouse, """
        select agency_id, kind || ':' || is_reporting_body || ':' || is_current
        from marts.dim_agency
        where agency_id in ('NHCSXH', 'TU_HA_NOI', 'UBKHCNMT_QH', 'CQDD_NUOC_NGOAI',
                            'DN_LIEN_QUAN', 'DU_CHINH_PHU', 'VIETTEL')
    """))
    assert rows == {
        "NHCSXH": "state_bank:false:true",
        "TU_HA_NOI": "party_committee:false:true",
        "UBKHCNMT_QH": "na_committee:false:true",
        "CQDD_NUOC_NGOAI": "foreign_mission:false:true",
        "DN_LIEN_QUAN": "enterprise:false:true",
        "DU_CHINH_PHU": "party_committee:false:true",
        "VIETTEL": "state_corporation:false:true",
    }


def test_only_reporting_kinds_report(warehouse: Path) -> None:
    rows = query(warehouse, """
        select distinct agency.kind
        from marts.dim_agency as agency
        inner join reference.agency_kinds as kinds on agency.kind = kinds.kind
        where agency.is_reporting_body and not kinds.is_reporting
    """)
    assert rows == []
