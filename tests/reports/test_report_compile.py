"""Golden tests of the compiled annual report: hand-built records of 渠口乡 and its village 渠口村, and the exact
cells of Tables A–C and the sentences computed from them, in the 2021, 2019 and pre-2019 styles; and a
property: for random histories of items and applications, every hard identity of the tables holds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications.decisions import DECISION_CODES
from gongkai.catalog.models import Kind
from gongkai.channels.models import Channel
from gongkai.reports import findings, identities, narrative_sums
from gongkai.reports.compile import compile_report
from gongkai.reports.tables import TABLE_A, TABLE_B, TABLE_C, Table

pytestmark = pytest.mark.django_db

D = dt.date


def nonzero(table: Table) -> dict:
    return {key: value for key, value in table.values.items() if value}


def section(report, key):
    return next(s for s in report.sections if s.key == key)


# ---- 2021 format ---------------------------------------------------------------------------------------------


@pytest.fixture
def year_2021(make, township, village):
    """渠口乡 in 2021: normative documents (one repealed), external figures, five applications, a fee, a 行政复议
    and a lawsuit still pending at the end of the year, a training session."""
    t = township
    make.document(t, "渠口乡村规民约指导意见", published_on=D(2020, 5, 6), normative=True)
    make.document(
        t, "渠口乡宅基地管理暂行办法", published_on=D(2020, 7, 1), normative=True, repealed_on=D(2021, 6, 30)
    )
    make.document(t, "渠口乡农村低保动态管理办法", published_on=D(2021, 3, 2), normative=True)
    make.document(t, "渠口乡人居环境整治考核办法", published_on=D(2021, 9, 14), normative=True)
    make.document(t, "关于做好2021年春耕生产工作的通知", published_on=D(2021, 3, 9))
    make.item(t, "关于2021年耕地地力保护补贴发放的公告", published_on=D(2021, 4, 12))
    make.item(t, "渠口乡召开2021年春季农田水利建设动员会", kind=Kind.NEWS, published_on=D(2021, 4, 20))
    make.document(village, "渠口村村务公开实施细则", published_on=D(2021, 5, 8), normative=True)
    make.item(
        village, "渠口村2021年一事一议项目公示", published_on=D(2021, 6, 1), channels=[Channel.VILLAGE_BOARD]
    )
    make.external(
        t,
        2021,
        licensing_decisions=12,
        penalty_decisions=3,
        compulsion_decisions=1,
        admin_fees_wan=Decimal("1.5"),
    )
    make.apply(
        t,
        D(2020, 12, 21),
        make.person(1),
        "渠口乡2020年冬季清洁取暖补贴发放标准",
        ("decide", D(2021, 1, 8), "granted"),
    )
    make.apply(
        t,
        D(2021, 3, 1),
        make.person(2, "张玉兰"),
        "渠口乡2014年至2020年土地承包经营权确权登记档案",
        ("fee", D(2021, 3, 3), 150),
        ("paid", D(2021, 3, 8), Decimal("1700")),
        ("decide", D(2021, 3, 26), "partly_granted"),
    )
    make.apply(
        t,
        D(2021, 4, 1),
        make.body(1, "business"),
        "渠口乡2020年农田水利工程中标结果",
        ("decide", D(2021, 4, 20), "unable_not_held"),
    )
    make.apply(
        t,
        D(2021, 5, 10),
        make.person(3, "王海军"),
        "村里的有关材料",
        ("correction", D(2021, 5, 12), D(2021, 5, 26)),
        ("abandon", D(2021, 5, 27)),
    )
    make.apply(
        t,
        D(2021, 12, 20),
        make.body(2, "legal_service", "宁夏塞上律师事务所"),
        "渠口乡2021年集体土地征收补偿安置方案",
        ("decide", D(2022, 1, 10), "granted"),
    )
    make.remedy(t, "admin_review", D(2021, 6, 1), "upheld", D(2021, 8, 2))
    make.remedy(t, "direct", D(2021, 10, 11), "corrected", D(2022, 2, 14))
    make.training(t, D(2021, 6, 18))
    make.staff(t, 2021, full_time=2, part_time=1)
    make.staff(village, 2021, part_time=1)
    make.staff(t, 2020, full_time=5)
    make.complaint(t, D(2021, 9, 1))
    return t


def test_the_2021_tables_are_computed_cell_for_cell_from_the_records(year_2021):
    report = compile_report(year_2021, 2021)
    assert report.style == "2021"
    assert nonzero(report.tables[TABLE_A]) == {
        ("normative_docs", "issued"): 3,  # two of the township, one of the village
        ("normative_docs", "repealed"): 1,
        ("normative_docs", "in_force"): 4,  # 1 + 3 still valid; the 2020 one repealed in June
        ("licensing", "decisions"): 12,
        ("penalty", "decisions"): 3,
        ("compulsion", "decisions"): 1,
        ("admin_fees", "fee_amount_wan"): Decimal("1.5"),
    }
    assert not report.tables[TABLE_A].blank_cells
    assert nonzero(report.tables[TABLE_B]) == {
        ("received", "natural_person"): 2,
        ("received", "business"): 1,
        ("received", "legal_service"): 1,
        ("received", "total"): 4,
        ("carried_in", "natural_person"): 1,
        ("carried_in", "total"): 1,
        ("granted", "natural_person"): 1,
        ("granted", "total"): 1,
        ("partly_granted", "natural_person"): 1,
        ("partly_granted", "total"): 1,
        ("unable_not_held", "business"): 1,
        ("unable_not_held", "total"): 1,
        ("other_no_correction", "natural_person"): 1,
        ("other_no_correction", "total"): 1,
        ("total", "natural_person"): 3,
        ("total", "business"): 1,
        ("total", "total"): 4,
        ("carried_out", "legal_service"): 1,
        ("carried_out", "total"): 1,
    }
    assert len(report.tables[TABLE_B]) == 25 * 7 and not report.tables[TABLE_B].blank_cells
    assert nonzero(report.tables[TABLE_C]) == {
        ("admin_review", "upheld"): 1,
        ("admin_review", "total"): 1,
        ("direct", "pending"): 1,  # decided in 2022: still pending on 31 December 2021
        ("direct", "total"): 1,
    }
    assert len(report.tables[TABLE_C]) == 15
    assert identities.check_tables(report.tables) == []


def test_the_2021_narrative_states_the_computed_figures(year_2021):
    report = compile_report(year_2021, 2021)
    assert [s.title for s in report.sections] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    overview = section(report, "overview").text
    # 5 items of the township in 2021 + 2 of the village; the 2020 documents are not this year's.
    assert "2021年，渠口乡主动公开政府信息7条。" in overview
    assert "2021年，渠口乡新收政府信息公开申请4件，上年结转1件，办结4件，结转下年度继续办理1件。" in overview
    assert "本年度开展政务公开培训1次；从事政府信息公开工作人员4人，其中专职2人、兼职2人。" in overview
    assert report.preface.startswith("本报告由渠口乡人民政府办公室根据《中华人民共和国政府信息公开条例》")
    assert "汇总渠口乡人民政府及1个村（社区）政府信息公开工作情况" in report.preface
    assert "所列数据统计期限为2021年1月1日至2021年12月31日" in report.preface
    assert report.title == "渠口乡人民政府2021年政府信息公开工作年度报告"
    assert report.dated == "2022年1月"
    assert findings.is_consistent(narrative_sums.check_narrative_sums(report.text()))


def test_section_six_states_the_fees_collected_in_whole_yuan_on_every_database(year_2021):
    report = compile_report(year_2021, 2021)
    assert section(report, "other").text == "本年度收取信息处理费1700元。"


def test_the_clerk_s_text_replaces_a_default_and_last_year_s_measures_are_carried_in(year_2021):
    report = compile_report(
        year_2021,
        2021,
        narrative={"overview": "本年度渠口乡政务公开工作稳步推进。"},
        previous_narrative={
            "problems": "（一）存在的主要问题\n村级公开不及时。\n（二）改进措施\n按月更新村级公告栏。"
        },
    )
    overview = section(report, "overview")
    assert overview.text == "本年度渠口乡政务公开工作稳步推进。" and overview.edited
    assert "主动公开政府信息7条" in overview.default
    problems = section(report, "problems").text
    assert "上年度报告提出的改进措施：按月更新村级公告栏。\n落实情况：" in problems
    assert not section(report, "table_b").editable


def test_without_its_villages_the_report_leaves_out_the_village_s_items(year_2021):
    report = compile_report(year_2021, 2021, include_children=False)
    a = report.tables[TABLE_A]
    assert (a[("normative_docs", "issued")], a[("normative_docs", "in_force")]) == (2, 3)
    assert report.figures["items_distinct"] == 5
    assert (report.figures["staff_total"], report.figures["staff_part_time"]) == (3, 1)
    assert "汇总渠口乡人民政府政府信息公开工作情况" in report.preface


# ---- 2019 trial format (reports for 2019 and 2020) -----------------------------------------------------------


@pytest.fixture
def year_2020(make, township):
    t = township
    make.document(t, "渠口乡村级财务管理办法", published_on=D(2019, 4, 2), normative=True)
    make.document(
        t,
        "渠口乡农村危房改造实施办法",
        written_on=D(2019, 12, 20),
        published_on=D(2020, 1, 6),
        normative=True,
    )
    make.document(
        t, "渠口乡防汛应急预案管理办法", written_on=D(2020, 3, 2), published_on=D(2020, 3, 5), normative=True
    )
    make.external(t, 2019, licensing_items=40, admin_fee_items=5)
    make.external(
        t,
        2020,
        licensing_items=43,
        licensing_decisions=120,
        admin_fee_items=3,
        procurement_items=2,
        procurement_amount_wan=Decimal("35.6"),
    )
    make.apply(
        t,
        D(2020, 2, 3),
        make.person(11, "李志成"),
        "要求公开那个补偿款的文件",
        ("correction", D(2020, 2, 5), D(2020, 2, 19)),
        ("abandon", D(2020, 2, 20)),
    )
    make.apply(
        t,
        D(2020, 4, 1),
        make.person(12, "何晓燕"),
        "渠口乡2019年度政府信息公开工作年度报告底稿",
        ("decide", D(2020, 4, 10), "other_misc"),
    )
    make.apply(
        t,
        D(2020, 6, 1),
        make.body(3, "business"),
        "渠口乡2020年设施农业补贴申报指南",
        ("decide", D(2020, 6, 10), "granted"),
    )
    return t


def test_a_2020_report_uses_the_2019_trial_format_with_one_other_handling_row(year_2020):
    report = compile_report(year_2020, 2020)
    assert report.style == "2019"
    b = report.tables[TABLE_B]
    assert not b.spec.has_row("other_no_correction") and not b.spec.has_row("other_misc")
    assert nonzero(b) == {
        ("received", "natural_person"): 2,
        ("received", "business"): 1,
        ("received", "total"): 3,
        ("granted", "business"): 1,
        ("granted", "total"): 1,
        ("other_handling", "natural_person"): 2,  # one abandoned after no correction, one withdrawn
        ("other_handling", "total"): 2,
        ("total", "natural_person"): 2,
        ("total", "business"): 1,
        ("total", "total"): 3,
    }
    assert nonzero(report.tables[TABLE_A]) == {
        ("normative_docs", "new_made"): 1,  # written in 2020
        ("normative_docs", "new_published"): 2,  # published in 2020
        ("normative_docs", "total_published"): 3,
        ("licensing", "last_year_items"): 40,
        ("licensing", "change"): 3,
        ("licensing", "decisions"): 120,
        ("admin_fees", "last_year_items"): 5,
        ("admin_fees", "change"): -2,
        ("procurement", "procurement_items"): 2,
        ("procurement", "procurement_amount"): Decimal("35.6"),
    }
    assert nonzero(report.tables[TABLE_C]) == {}
    assert identities.check_tables(report.tables) == []
    assert "《中华人民共和国政府信息公开工作年度报告格式（试行）》" in report.preface
    assert "2020年，渠口乡新收政府信息公开申请3件，上年结转0件，办结3件，结转下年度继续办理0件。" in (
        section(report, "overview").text
    )
    assert section(report, "other").text == "本年度未收取信息处理费。"


def test_a_2021_report_does_not_compare_its_stock_with_a_2020_table_of_the_other_format(year_2020):
    report = compile_report(year_2020, 2021)
    assert report.previous_tables is None
    assert compile_report(year_2020, 2020).previous_tables is not None  # 2019 → 2020: same format


# ---- the free style (reports up to 2018) ---------------------------------------------------------------------


@pytest.fixture
def year_2018(make, township, village):
    t = township
    web_and_point = [Channel.WEBSITE, Channel.READING_POINT]
    make.document(t, "渠口乡2018年政务公开工作要点", published_on=D(2018, 3, 1), channels=web_and_point)
    make.document(
        t, "关于做好2018年防汛抗旱工作的通知", published_on=D(2018, 5, 2), channels=[Channel.READING_POINT]
    )
    make.document(
        t, "关于开展扫黑除恶专项斗争的通知", published_on=D(2018, 6, 5), channels=[Channel.READING_POINT]
    )
    make.document(
        t,
        "平罗县人民政府关于做好秸秆禁烧工作的通知",
        published_on=D(2018, 9, 3),
        is_forwarded=True,
        doc_no="平政发〔2018〕40号",
    )
    make.item(t, "关于2018年耕地地力保护补贴发放的公告", published_on=D(2018, 4, 9))
    make.item(t, "关于停水检修的通知", published_on=D(2018, 7, 16))
    make.item(t, "渠口乡召开春季农田水利建设动员会", kind=Kind.NEWS, published_on=D(2018, 3, 20))
    make.item(
        t,
        "渠口乡开展安全生产大检查",
        kind=Kind.NEWS,
        published_on=D(2018, 6, 12),
        channels=[Channel.WEBSITE, Channel.WECHAT],
    )
    make.item(t, "渠口乡2018年部门预算公开", kind=Kind.OTHER, published_on=D(2018, 4, 2))
    make.item(
        t, "渠口乡开展禁毒宣传活动", kind=Kind.NEWS, published_on=D(2018, 6, 26), channels=[Channel.WECHAT]
    )
    make.item(
        t,
        "渠口乡举办农村实用技术培训班",
        kind=Kind.NEWS,
        published_on=D(2018, 11, 6),
        channels=[Channel.WECHAT],
    )
    make.item(
        t,
        "关于公布社会救助投诉举报电话的公告",
        published_on=D(2018, 8, 1),
        channels=[Channel.NOTICE_BOARD, Channel.SERVICE_HALL],
    )
    make.item(
        village, "渠口村2018年低保评议结果", published_on=D(2018, 5, 14), channels=[Channel.VILLAGE_BOARD]
    )
    make.item(
        village, "渠口村2018年一事一议项目", published_on=D(2018, 10, 8), channels=[Channel.VILLAGE_BOARD]
    )
    make.item(t, "渠口乡2017年部门决算公开", kind=Kind.OTHER, published_on=D(2017, 9, 1))  # another year
    make.staff(t, 2018, full_time=2, part_time=1)
    make.staff(village, 2018, part_time=1)
    make.funding(t, 2018, "1.20")
    make.funding(village, 2018, "0.50")
    make.funding(t, 2017, "3.00")
    make.apply(
        t,
        D(2018, 5, 7),
        make.person(21, "沙秀英"),
        "渠口乡2017年度城乡低保资金发放明细",
        ("decide", D(2018, 5, 18), "granted"),
    )
    make.complaint(t, D(2018, 9, 10))
    return t


def test_a_2018_report_has_the_free_style_figures_of_the_records(year_2018):
    report = compile_report(year_2018, 2018)
    assert report.style == "free" and report.tables == {}
    figures = {key: report.figures[key] for key in (
        "items_distinct", "documents_issued", "website", "website_document", "website_notice", "website_news",
        "website_other", "website_documents_issued", "wechat", "boards", "staff_total", "staff_full_time",
        "staff_part_time", "funding_wan", "applications_received", "applications_decided", "complaints",
    )}  # fmt: skip
    assert figures == {
        "items_distinct": 14,
        "documents_issued": 3,  # the forwarded county document is not 制发
        "website": 7,
        "website_document": 2,
        "website_notice": 2,
        "website_news": 2,
        "website_other": 1,
        "website_documents_issued": 1,
        "wechat": 3,
        "boards": 3,  # the item on both the 公开栏 and the 服务大厅 counts once
        "staff_total": 4,
        "staff_full_time": 2,
        "staff_part_time": 2,
        "funding_wan": Decimal("1.70"),
        "applications_received": 1,
        "applications_decided": 1,
        "complaints": 1,
    }
    assert [s.title for s in report.sections] == [
        "一、概述",
        "二、2018年政府信息公开基本情况",
        "（一）主动公开情况",
        "（二）依申请公开情况",
        "（三）回应解读及举报投诉公开情况",
        "（四）机构建设和保障经费情况",
        "三、存在的主要问题及改进措施",
    ]
    assert section(report, "proactive").text == (
        "2018年，渠口乡主动公开政府信息14条（同一信息通过不同渠道公开的计1条）。制发各类文件3件；"
        "在政府信息公开网上公开信息共计7条：公文2条，通知公告2条，工作动态2条，其他1条；微信公众号公开3条；"
        "利用政务服务大厅、公开栏、村级公告栏公开各类信息3条。网站公开的公文中有1件为本年制发的文件，按条计数时只计1次。"
    )
    assert section(report, "on_application").text == "2018年，渠口乡共收到政府信息公开申请1件，办结1件。"
    assert section(report, "response").text == "2018年，渠口乡收到政府信息公开方面的举报投诉1件。"
    assert section(report, "staffing").text == (
        "渠口乡从事政务公开工作人员4人，其中专职人员2人，兼职人员2人。投入政务公开专项经费1.70万元。"
    )
    assert report.dated == "2018年12月31日"
    assert narrative_sums.check_narrative_sums(report.text()) == []


def test_a_2018_report_without_its_villages_counts_only_the_township_s_items_staff_and_funding(year_2018):
    report = compile_report(year_2018, 2018, include_children=False)
    assert (report.figures["items_distinct"], report.figures["boards"]) == (12, 1)
    assert (report.figures["staff_total"], report.figures["funding_wan"]) == (3, Decimal("1.20"))
    assert "利用政务服务大厅、公开栏、村级公告栏公开各类信息1条。" in section(report, "proactive").text


def test_a_year_without_records_says_so_rather_than_printing_zeros(make, township):
    report = compile_report(township, 2017)
    assert section(report, "on_application").text == "2017年，渠口乡未收到政府信息公开申请。"
    assert section(report, "response").text == "2017年，渠口乡未收到政府信息公开方面的举报投诉。"
    assert "网站公开的公文中" not in section(report, "proactive").text


# ---- property: every compiled table satisfies the hard identities --------------------------------------------

YEARS = range(2020, 2024)
DECIDABLE = [code for code in DECISION_CODES if code not in ("other_no_correction", "other_fee_unpaid")]
APPLICANTS = ["natural_person", "business", "research", "nonprofit", "legal_service", "other_org"]

days_into = st.integers(min_value=0, max_value=360)
published_items = st.lists(
    st.tuples(
        st.sampled_from(YEARS),
        days_into,
        st.sampled_from([Kind.DOCUMENT, Kind.NOTICE, Kind.NEWS, Kind.OTHER]),
        st.booleans(),  # a normative document
        st.one_of(st.none(), st.integers(min_value=1, max_value=900)),  # repealed so many days later
        st.sets(st.sampled_from([Channel.WEBSITE, Channel.WECHAT, Channel.NOTICE_BOARD]), min_size=1),
    ),
    max_size=6,
)
applications = st.lists(
    st.tuples(
        st.sampled_from(YEARS),
        days_into,
        st.sampled_from(APPLICANTS),
        # None: still open; ("decide", code, days) or ("abandon", days): closed so many days after receipt
        st.one_of(
            st.none(),
            st.tuples(st.just("decide"), st.sampled_from(DECIDABLE), st.integers(min_value=0, max_value=500)),
            st.tuples(st.just("abandon"), st.just(""), st.integers(min_value=12, max_value=400)),
        ),
    ),
    max_size=7,
)
remedies = st.lists(
    st.tuples(
        st.sampled_from(YEARS),
        days_into,
        st.sampled_from(["admin_review", "direct", "after_review"]),
        st.one_of(
            st.none(), st.tuples(st.sampled_from(["upheld", "corrected", "other"]), st.integers(0, 500))
        ),
    ),
    max_size=3,
)


def _day(year, offset):
    return D(year, 1, 1) + dt.timedelta(days=offset)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=published_items, cases=applications, appeals=remedies)
def test_for_any_history_of_items_and_applications_every_year_s_tables_pass_every_hard_check(
    make, township, items, cases, appeals
):
    with transaction.atomic():
        for n, (year, offset, kind, normative, repealed_after, channels) in enumerate(items):
            day = _day(year, offset)
            extra = {}
            if kind == Kind.DOCUMENT and repealed_after:
                extra["repealed_on"] = day + dt.timedelta(days=repealed_after)
            if kind == Kind.DOCUMENT:
                make.document(
                    township,
                    f"随机文件{n}",
                    published_on=day,
                    channels=sorted(channels),
                    normative=normative,
                    **extra,
                )
            else:
                make.item(township, f"随机信息{n}", kind=kind, published_on=day, channels=sorted(channels))
        for n, (year, offset, column, outcome) in enumerate(cases):
            received = _day(year, offset)
            applicant = make.person(100 + n) if column == "natural_person" else make.body(100 + n, column)
            steps = []
            if outcome and outcome[0] == "decide" and outcome[1] == "unable_unclear_after_correction":
                # （四）3 only after a correction was asked for and received (Art. 30).
                steps = [
                    ("correction", received + dt.timedelta(days=1), received + dt.timedelta(days=11)),
                    ("corrected", received + dt.timedelta(days=2)),
                    ("decide", received + dt.timedelta(days=max(outcome[2], 2)), outcome[1]),
                ]
            elif outcome and outcome[0] == "decide":
                steps = [("decide", received + dt.timedelta(days=outcome[2]), outcome[1])]
            elif outcome:
                steps = [
                    ("correction", received + dt.timedelta(days=1), received + dt.timedelta(days=11)),
                    ("abandon", received + dt.timedelta(days=outcome[2])),
                ]
            make.apply(township, received, applicant, f"随机申请{n}", *steps)
        for year, offset, kind, result in appeals:
            filed = _day(year, offset)
            if result:
                make.remedy(township, kind, filed, result[0], filed + dt.timedelta(days=result[1]))
            else:
                make.remedy(township, kind, filed)
        for year in YEARS:
            report = compile_report(township, year)
            hard = [f for f in identities.check_tables(report.tables) if f.severity == findings.HARD]
            assert hard == [], (year, [f.message for f in hard])
            assert narrative_sums.check_narrative_sums(report.text()) == []
            if report.previous_tables is not None:
                carry = identities.check_carry_over(report.tables[TABLE_B], report.previous_tables[TABLE_B])
                assert carry == [], [f.message for f in carry]
        transaction.set_rollback(True)
