"""Table C (annual-report-format.md §4) counted from the 行政复议/行政诉讼 records."""

import datetime as dt

from gongkai.oversight import queries as oversight_queries
from gongkai.oversight import services

D = dt.date


def test_table_c_counts_reviews_and_lawsuits_filed_in_the_year_by_result_at_year_end(
    township, county, register
):
    application, _ = register(township, D(2025, 3, 3))
    make = services.remedy_create
    make(
        organisation=township,
        actor=None,
        kind="admin_review",
        filed_on=D(2025, 5, 6),
        application=application,
        result="upheld",
        decided_on=D(2025, 7, 1),
    )
    make(
        organisation=township,
        actor=None,
        kind="admin_review",
        filed_on=D(2025, 11, 6),
        result="corrected",
        decided_on=D(2026, 1, 20),
    )  # decided after the year: pending in 2025
    make(organisation=township, actor=None, kind="direct", filed_on=D(2025, 8, 1))
    make(
        organisation=township,
        actor=None,
        kind="after_review",
        filed_on=D(2025, 9, 1),
        result="other",
        decided_on=D(2025, 12, 1),
    )
    make(
        organisation=township,
        actor=None,
        kind="direct",
        filed_on=D(2024, 8, 1),
        result="upheld",
        decided_on=D(2025, 2, 1),
    )  # filed in 2024
    t = oversight_queries.table_c(township, 2025)
    assert [t[("admin_review", c)] for c in oversight_queries.TABLE_C_COLUMNS] == [1, 0, 0, 1, 2]
    assert [t[("direct", c)] for c in oversight_queries.TABLE_C_COLUMNS] == [0, 0, 0, 1, 1]
    assert [t[("after_review", c)] for c in oversight_queries.TABLE_C_COLUMNS] == [0, 0, 1, 0, 1]
    assert len(t) == 15
    assert oversight_queries.table_c(county, 2025) == t
    assert oversight_queries.table_c_records(township, 2025, "admin_review", "pending").count() == 1
    assert oversight_queries.table_c(township, 2026)[("admin_review", "total")] == 0
