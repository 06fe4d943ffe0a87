import datetime

import pytest
from catalog_helpers import VALID_ID, docx_bytes, xlsx_bytes
from django.core.files.storage import default_storage
from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.catalog import importing, queries, services, standard
from gongkai.catalog.models import (
    CatalogArea,
    CatalogEntry,
    Disclosure,
    DocumentClass,
    Kind,
    Status,
    SubjectClass,
    Validity,
)
from gongkai.channels.models import Channel, Publication
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.portal import queries_catalog
from gongkai.privacy.detect import scan_text
from gongkai.privacy.mask import ColumnMasking
from gongkai.search.models import SearchDocument
from gongkai.workdays.services import override_set

pytestmark = pytest.mark.django_db


# ---- the standard catalog ------------------------------------------------------------------------------------


def test_the_standard_catalog_has_26_areas_and_the_subject_tree_has_22_top_classes():
    standard.standard_catalog_load()
    assert CatalogArea.objects.count() == 26
    assert SubjectClass.objects.filter(parent=None).count() == 22
    assert SubjectClass.objects.filter(name="参事、文史", parent__name="综合政务").exists()


def test_a_township_adopts_art_20_and_art_21_rows_and_the_township_area_rows(township, admin):
    created = standard.catalog_adopt(organisation=township, actor=admin)
    entries = CatalogEntry.objects.filter(organisation=township)
    assert created == entries.count()
    assert entries.filter(statutory_article__startswith="第二十条").count() == 15
    assert entries.filter(statutory_article="第二十一条").count() == 8
    row = entries.get(area__name="社会救助", level1="最低生活保障", level2="审核信息")
    assert row.elements == "初审对象名单及相关信息"
    assert row.time_limit and row.legal_basis and row.responsible_org and row.levels
    assert row.channel_labels() == ["社区/企事业单位/村公示栏（电子屏）"]
    assert entries.filter(area__name="扶贫").exists() and entries.filter(area__name="财政预决算").exists()
    assert AuditEvent.objects.filter(action="catalog.adopt").count() == 1


def test_adopting_twice_changes_nothing_and_keeps_local_edits(township, admin):
    standard.catalog_adopt(organisation=township, actor=admin)
    entry = CatalogEntry.objects.filter(organisation=township).first()
    entry.level2 = "本乡自定的名称"
    standard.catalog_entry_save(actor=admin, entry=entry)
    before = CatalogEntry.objects.filter(organisation=township).count()
    assert standard.catalog_adopt(organisation=township, actor=admin) == 0
    assert CatalogEntry.objects.filter(organisation=township).count() == before
    entry.refresh_from_db()
    assert entry.level2 == "本乡自定的名称"


def test_a_county_gets_only_the_art_20_rows(county, superuser):
    standard.catalog_adopt(organisation=county, actor=superuser)
    assert not CatalogEntry.objects.filter(organisation=county, statutory_article="第二十一条").exists()
    assert CatalogEntry.objects.filter(organisation=county).count() == 15


def test_a_village_clerk_cannot_edit_the_catalog(village, village_clerk):
    with pytest.raises(PermissionDenied):
        standard.catalog_adopt(organisation=village, actor=village_clerk)


def test_an_entry_in_use_cannot_be_deleted(township, admin, make_draft):
    standard.catalog_adopt(organisation=township, actor=admin)
    entry = CatalogEntry.objects.filter(organisation=township).first()
    make_draft(admin, township, catalog_entry=entry)
    with pytest.raises(DomainError, match="已有信息"):
        standard.catalog_entry_delete(actor=admin, entry=entry)


# ---- items ----------------------------------------------------------------------------------------------------


def test_a_draft_gets_a_sanitised_body_and_its_art_26_due_date(township, clerk, make_draft):
    d = make_draft(clerk, township, body='<p onclick="x()">通知<script>alert(1)</script></p>')
    assert d.status == Status.DRAFT
    assert "script" not in d.body and "onclick" not in d.body and "<p>通知" in d.body
    assert d.due_on == datetime.date(2024, 4, 1)  # the 20th working day after Monday 2024-03-04
    assert d.events.get().to_status == Status.DRAFT


def test_title_and_written_date_are_required(township, clerk):
    with pytest.raises(DomainError, match="名称"):
        services.disclosure_create(
            organisation=township, actor=clerk, title=" ", written_on=datetime.date(2024, 1, 2)
        )
    with pytest.raises(DomainError, match="成文日期"):
        services.disclosure_create(organisation=township, actor=clerk, title="通知", written_on=None)


def test_a_township_cannot_make_a_rule(township, clerk, make_draft):
    with pytest.raises(DomainError, match="乡镇人民政府无规章制定权"):
        make_draft(clerk, township, kind=Kind.DOCUMENT, document_class=DocumentClass.RULE)


def test_an_interpretation_must_link_the_document_it_explains(township, clerk, make_draft):
    with pytest.raises(DomainError, match="关联"):
        make_draft(clerk, township, kind=Kind.INTERPRETATION)
    doc = make_draft(clerk, township, kind=Kind.DOCUMENT, title="渠口乡村规民约修订办法")
    explained = make_draft(clerk, township, kind=Kind.INTERPRETATION, interprets=doc, title="解读")
    assert explained.interprets == doc


def test_a_posting_requires_its_posting_period(township, clerk, make_draft):
    with pytest.raises(DomainError, match="公示期"):
        make_draft(clerk, township, kind=Kind.POSTING)


def test_only_a_draft_can_be_edited(township, clerk, reviewer, make_draft):
    d = make_draft(clerk, township)
    services.disclosure_update(disclosure=d, actor=clerk, summary="改后的概述")
    services.disclosure_submit(disclosure=d, actor=clerk)
    with pytest.raises(DomainError, match="只有草稿"):
        services.disclosure_update(disclosure=d, actor=clerk, summary="再改")


# ---- the workflow -----------------------------------------------------------------------------------------------


def test_the_whole_workflow_writes_an_event_and_an_audit_row_per_step(
    township, clerk, reviewer, approver, make_draft
):
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_send_back(disclosure=d, actor=reviewer, comment="请补充文号")
    services.disclosure_update(disclosure=d, actor=clerk, doc_no="渠政发〔2024〕5号")
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer, comment="保密审查通过")
    services.disclosure_approve(disclosure=d, actor=approver)
    d.refresh_from_db()
    assert d.status == Status.PUBLISHED
    assert d.published_on is not None
    steps = [(e.from_status, e.to_status) for e in d.events.all()]
    assert steps == [
        ("", "draft"),
        ("draft", "secrecy_review"),
        ("secrecy_review", "draft"),
        ("draft", "secrecy_review"),
        ("secrecy_review", "approval"),
        ("approval", "published"),
    ]
    assert d.events.get(to_status="draft", from_status="secrecy_review").comment == "请补充文号"
    assert AuditEvent.objects.filter(action="catalog.disclosure_published", object_id=str(d.pk)).count() == 1
    assert Publication.objects.get(disclosure=d).channel == Channel.WEBSITE


def test_sending_back_needs_a_comment(township, clerk, reviewer, make_draft):
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    with pytest.raises(DomainError, match="意见"):
        services.disclosure_send_back(disclosure=d, actor=reviewer, comment=" ")


def test_a_clerk_can_neither_review_nor_approve(township, clerk, make_draft):
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    with pytest.raises(PermissionDenied):
        services.disclosure_review_pass(disclosure=d, actor=clerk)


def test_a_stale_transition_is_refused_by_compare_and_set(township, clerk, reviewer, make_draft):
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    stale = Disclosure.objects.get(pk=d.pk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    stale.status = Status.SECRECY_REVIEW
    with pytest.raises(DomainError, match="已被他人更改"):
        services._transition(disclosure=stale, actor=reviewer, to=Status.APPROVAL)


def test_a_village_clerk_drafts_for_their_village_only_and_the_township_reviews(
    township, village, village_clerk, reviewer, approver, make_draft, publish
):
    with pytest.raises(PermissionDenied):
        make_draft(village_clerk, township)
    d = make_draft(
        village_clerk,
        village,
        title="关于渠口村2024年第一季度低保对象初审情况的公示",
        kind=Kind.POSTING,
        posting_days=7,
    )
    services.disclosure_submit(disclosure=d, actor=village_clerk)
    with pytest.raises(PermissionDenied):
        services.disclosure_review_pass(disclosure=d, actor=village_clerk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.disclosure_approve(disclosure=d, actor=village_clerk)
    services.disclosure_approve(disclosure=d, actor=approver)
    assert Disclosure.objects.get(pk=d.pk).status == Status.PUBLISHED


def test_staff_of_another_township_cannot_touch_the_item(township, clerk, other_township_staff, make_draft):
    d = make_draft(clerk, township)
    with pytest.raises(PermissionDenied):
        services.disclosure_submit(disclosure=d, actor=other_township_staff)


# ---- index numbers ------------------------------------------------------------------------------------------------


def test_the_index_number_uses_the_credit_code_or_the_code_and_a_yearly_serial(
    township, clerk, reviewer, make_draft, publish
):
    first = publish(make_draft(clerk, township), reviewer)
    second = publish(make_draft(clerk, township, title="第二条"), reviewer)
    year = first.published_on.year
    assert first.index_no == f"qukou/{year}-00001"
    assert second.index_no == f"qukou/{year}-00002"
    township.credit_code = "11640221MB1959741M"
    township.save()
    third = publish(make_draft(clerk, township, title="第三条"), reviewer)
    assert third.index_no == f"11640221MB1959741M/{year}-00003"


def test_a_retracted_item_keeps_its_index_number_and_the_number_is_never_reused(
    township, clerk, reviewer, make_draft, publish
):
    first = publish(make_draft(clerk, township), reviewer)
    services.disclosure_retract(disclosure=first, actor=reviewer, comment="内容有误，撤回更正")
    first.refresh_from_db()
    assert first.status == Status.RETRACTED and first.index_no.endswith("-00001")
    second = publish(make_draft(clerk, township, title="更正后的通知"), reviewer)
    assert second.index_no.endswith("-00002")
    assert Disclosure.objects.filter(index_no=first.index_no).count() == 1


def test_serials_run_per_organisation(
    township, other_township, clerk, other_township_clerk, reviewer, make_draft, make_reviewer, publish
):
    a = publish(make_draft(clerk, township), reviewer)
    b = publish(make_draft(other_township_clerk, other_township), make_reviewer(other_township))
    assert a.index_no.endswith("-00001") and b.index_no.endswith("-00001")
    assert a.index_no != b.index_no


# ---- scheduled publication -------------------------------------------------------------------------------------------


def test_a_scheduled_item_is_published_only_when_due(township, clerk, reviewer, approver, make_draft):
    from django.utils import timezone

    now = timezone.now()
    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    services.disclosure_approve(
        disclosure=d, actor=approver, publish_at=now + datetime.timedelta(hours=2), now=now
    )
    d.refresh_from_db()
    assert d.status == Status.APPROVAL and d.is_scheduled and d.index_no is None
    assert services.disclosures_publish_due(now=now + datetime.timedelta(hours=1)) == []
    assert not queries.public_disclosures(township).filter(pk=d.pk).exists()
    [published] = services.disclosures_publish_due(now=now + datetime.timedelta(hours=3))
    assert published.pk == d.pk
    d.refresh_from_db()
    assert d.status == Status.PUBLISHED and d.index_no
    assert (
        queries.public_disclosures(township, now=now + datetime.timedelta(hours=3)).filter(pk=d.pk).exists()
    )


# ---- the privacy guard ------------------------------------------------------------------------------------------------


def test_the_privacy_guard_blocks_an_unmasked_valid_id_number_and_says_where(township, clerk, make_draft):
    d = make_draft(clerk, township, body=f"<p>申请人身份证号{VALID_ID}。</p>")
    with pytest.raises(services.PrivacyBlocked) as exc:
        services.disclosure_submit(disclosure=d, actor=clerk)
    assert "正文第8字处发现公民身份号码 11*************02X" in exc.value.message
    assert VALID_ID not in exc.value.message
    assert Disclosure.objects.get(pk=d.pk).status == Status.DRAFT


def test_a_number_with_a_wrong_check_character_passes_the_guard(township, clerk, make_draft):
    wrong = "110105194912310027"
    assert scan_text(wrong) == []
    d = make_draft(clerk, township, summary=f"编号{wrong}")
    services.disclosure_submit(disclosure=d, actor=clerk)
    assert Disclosure.objects.get(pk=d.pk).status == Status.SECRECY_REVIEW


def test_a_masked_id_number_passes_the_guard(township, clerk, make_draft):
    d = make_draft(clerk, township, summary="身份证号11*************02X")
    services.disclosure_submit(disclosure=d, actor=clerk)


def test_a_clerk_cannot_override_the_guard_but_a_reviewer_can_with_an_audited_reason(
    township, clerk, reviewer, make_draft
):
    d = make_draft(clerk, township, title="联系人手机13912345678")
    with pytest.raises(PermissionDenied):
        services.disclosure_submit(disclosure=d, actor=clerk, override_reason="单位公开电话")
    services.disclosure_submit(disclosure=d, actor=reviewer, override_reason="该号码为乡政府值班公开电话")
    d.refresh_from_db()
    assert d.status == Status.SECRECY_REVIEW
    assert d.privacy_override == "该号码为乡政府值班公开电话"
    event = AuditEvent.objects.get(action="catalog.privacy_override")
    assert event.after["reason"] == "该号码为乡政府值班公开电话"
    assert "13912345678" not in str(event.after)


def test_the_guard_scans_attachment_text(township, clerk, make_draft):
    d = make_draft(clerk, township)
    services.attachment_add(disclosure=d, actor=clerk, name="名单.docx", data=docx_bytes("户主", VALID_ID))
    with pytest.raises(services.PrivacyBlocked, match="附件“名单.docx”"):
        services.disclosure_submit(disclosure=d, actor=clerk)


# ---- attachments ------------------------------------------------------------------------------------------------------


def test_an_exe_renamed_pdf_is_refused(township, clerk, make_draft):
    d = make_draft(clerk, township)
    with pytest.raises(DomainError, match="不支持的文件类型"):
        services.attachment_add(
            disclosure=d, actor=clerk, name="通知.pdf", data=b"MZ\x90\x00" + b"\x00" * 200
        )
    assert not d.attachments.exists()


def test_a_real_docx_is_stored_and_its_text_extracted(township, clerk, make_draft):
    d = make_draft(clerk, township)
    a = services.attachment_add(
        disclosure=d, actor=clerk, name="../../渠口乡春耕通知.docx", data=docx_bytes("渠口乡春耕生产安排")
    )
    assert a.file_type == "docx" and a.original_name == "渠口乡春耕通知.docx"
    assert "春耕生产安排" in a.extracted_text
    assert default_storage.exists(a.file.name) and ".." not in a.file.name


def test_an_attachment_over_20_mb_is_refused(township, clerk, make_draft):
    d = make_draft(clerk, township)
    with pytest.raises(DomainError, match="20MB"):
        services.attachment_add(
            disclosure=d, actor=clerk, name="a.pdf", data=b"%PDF-1.4" + b"0" * (20 * 1024 * 1024)
        )


# ---- timeliness and posting period -----------------------------------------------------------------------------------


def test_art_26_lateness_is_counted_across_the_national_day_holiday(township, clerk, reviewer, make_draft):
    # Written on 2024-09-20: 20 working days cross 国庆节 (1–7 Oct) and count the make-up days 29 Sep and 12 Oct.
    d = make_draft(clerk, township, written_on=datetime.date(2024, 9, 20))
    assert d.due_on == datetime.date(2024, 10, 23)
    assert not d.due_provisional
    d.published_on = datetime.date(2024, 10, 23)
    assert not d.is_late
    d.published_on = datetime.date(2024, 10, 24)
    assert d.is_late


def test_a_local_holiday_moves_the_due_date(township, admin, clerk, make_draft):
    override_set(
        date=datetime.date(2024, 4, 1),
        is_workday=False,
        note="本乡防汛停工",
        organisation=township,
        actor=admin,
    )
    d = make_draft(clerk, township)
    assert d.due_on == datetime.date(2024, 4, 2)


def test_a_year_without_calendar_data_gives_a_provisional_due_date(township, clerk, make_draft):
    d = make_draft(clerk, township, written_on=datetime.date(2031, 3, 3))
    assert d.due_provisional


def test_late_items_are_counted_for_the_year(township, clerk):
    importing.disclosure_import_one(
        organisation=township,
        actor=clerk,
        data={
            "title": "按时",
            "kind": Kind.NOTICE,
            "written_on": datetime.date(2024, 3, 1),
            "published_on": datetime.date(2024, 3, 5),
        },
    )
    importing.disclosure_import_one(
        organisation=township,
        actor=clerk,
        data={
            "title": "逾期",
            "kind": Kind.NOTICE,
            "written_on": datetime.date(2024, 3, 1),
            "published_on": datetime.date(2024, 6, 5),
        },
    )
    late = queries.published_in_year(township, 2024).filter(queries.late_filter())
    assert [d.title for d in late] == ["逾期"]


def test_a_posting_ends_after_its_working_days_and_leaves_the_current_list(township, clerk, reviewer):
    d = importing.disclosure_import_one(
        organisation=township,
        actor=clerk,
        data={
            "title": "关于渠口村2024年第三季度低保对象初审情况的公示",
            "kind": Kind.POSTING,
            "posting_days": 7,
            "written_on": datetime.date(2024, 9, 25),
            "published_on": datetime.date(2024, 9, 27),
        },
    )
    # 7 working days after Fri 27 Sep: Sun 29 Sep (make-up day), Mon 30 Sep, then 8–11 Oct, Sat 12 Oct (make-up).
    # The publication day is not counted: the period starts on the first working day after it.
    assert (d.posting_starts_on, d.posting_ends_on) == (
        datetime.date(2024, 9, 29),
        datetime.date(2024, 10, 12),
    )
    assert queries.posting_state(d, today=datetime.date(2024, 10, 12)) == "current"
    assert queries.posting_state(d, today=datetime.date(2024, 10, 13)) == "ended"

    def current_on(day):  # the portal's 正在公示 list
        now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        rows = queries_catalog.catalog_rows(organisation=township, current=True, now=now)
        return list(rows.values_list("disclosure_id", flat=True))

    assert current_on(datetime.date(2024, 10, 12)) == [d.pk]
    assert current_on(datetime.date(2024, 10, 14)) == []


# ---- list publishing ---------------------------------------------------------------------------------------------------

ROSTER = [
    ["序号", "户主姓名", "身份证号", "联系电话", "家庭住址", "保障人数", "患病情况"],
    [1, "马永福", VALID_ID, "13912345678", "宁夏回族自治区石嘴山市平罗县渠口乡渠口村3组12号", 3, "慢性病"],
    [2, "杨秀兰", "640221195803120025", "13895012345", "宁夏回族自治区石嘴山市平罗县渠口乡太沙村1组", 1, ""],
]


def test_list_publishing_keeps_only_the_chosen_masked_columns(township, clerk):
    headers, rows = ROSTER[0], [[str(c) for c in r] for r in ROSTER[1:]]
    maskings = {
        i: services.ColumnMasking(m)
        for i, m in enumerate(
            [ColumnMasking.KEEP]
            + [
                __import__("gongkai.privacy.mask", fromlist=["x"]).default_masking_for_header(h)
                for h in headers[1:]
            ]
        )
    }
    d = services.posting_draft_create(
        organisation=township,
        actor=clerk,
        title="关于渠口乡2024年第二季度低保对象审批情况的公示",
        written_on=datetime.date(2024, 6, 20),
        posting_days=7,
        headers=headers,
        rows=rows,
        columns=[1, 2, 3, 4, 5, 6],
        maskings=maskings,
    )
    table = d.posting_table
    assert table["columns"] == [
        "户主姓名",
        "身份证号",
        "联系电话",
        "家庭住址",
        "保障人数",
    ]  # 患病情况 dropped
    assert table["rows"][0] == [
        "马永福",
        "11*************02X",
        "139****5678",
        "宁夏回族自治区石嘴山市平罗县渠口乡",
        "3",
    ]
    text = str(table)
    assert (
        VALID_ID not in text and "13912345678" not in text and "慢性病" not in text and "3组12号" not in text
    )
    services.disclosure_submit(disclosure=d, actor=clerk)  # nothing for the guard to find


def test_list_publishing_refuses_an_id_column_kept_unmasked(township, clerk):
    with pytest.raises(DomainError, match="未脱敏的公民身份号码"):
        services.posting_table_build(
            headers=ROSTER[0],
            rows=[[str(c) for c in r] for r in ROSTER[1:]],
            columns=[1, 2],
            maskings={1: ColumnMasking.KEEP, 2: ColumnMasking.KEEP},
        )


def test_an_uploaded_xlsx_roster_is_read_by_content(township):
    from gongkai.catalog.spreadsheets import read_table

    headers, rows = read_table(xlsx_bytes(ROSTER))
    assert headers[:3] == ["序号", "户主姓名", "身份证号"]
    assert rows[0][2] == VALID_ID and rows[0][0] == "1"


# ---- bulk import -------------------------------------------------------------------------------------------------------

IMPORT_ROWS = [
    {
        "名称": "渠口乡2019年部门预算公开",
        "类别": "公文",
        "成文日期": "2019-02-01",
        "发布日期": "2019-02-20",
        "文号": "渠政发〔2019〕3号",
        "公文种类": "行政规范性文件",
        "发布渠道": "政府网站、微信公众号",
    },
    {
        "名称": "渠口乡召开2019年春季农田水利建设动员会",
        "类别": "工作动态",
        "成文日期": "2019/3/1",
        "发布日期": "2019年3月2日",
        "发布机构代码": "qukoucun",
        "发布渠道": "村级公告栏",
    },
]


def test_an_import_dry_run_reports_per_row_errors_and_writes_nothing(township, village, reviewer):
    rows = IMPORT_ROWS + [
        {"名称": "坏行", "类别": "新闻", "成文日期": "2019-13-01", "发布日期": "2019-02-01"}
    ]
    result = importing.disclosures_import(organisation=township, actor=reviewer, rows=rows, dry_run=True)
    assert [n for n, _ in result.errors] == [4]
    assert "类别“新闻”无效" in result.errors[0][1]
    assert not Disclosure.objects.exists() and not Publication.objects.exists()


def test_an_import_is_one_transaction_so_a_bad_row_aborts_everything(township, village, admin):
    rows = IMPORT_ROWS + [
        {
            "名称": "含身份证",
            "类别": "其他",
            "成文日期": "2019-02-01",
            "发布日期": "2019-02-03",
            "内容概述": f"身份证号{VALID_ID}",
        }
    ]
    with pytest.raises(DomainError, match="第4行"):
        importing.disclosures_import(
            organisation=township, actor=admin, rows=rows, dry_run=False, published=True
        )
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="catalog.disclosures_import").exists()


def test_an_admin_may_import_items_as_published_with_their_dates_channels_and_index_numbers(
    township, village, admin
):
    result = importing.disclosures_import(
        organisation=township, actor=admin, rows=IMPORT_ROWS, dry_run=False, published=True
    )
    first, second = result.created
    assert first.status == Status.PUBLISHED and first.published_on == datetime.date(2019, 2, 20)
    assert first.index_no == "qukou/2019-00001" and first.document_class == DocumentClass.NORMATIVE
    assert set(first.publications.values_list("channel", flat=True)) == {"website", "wechat"}
    assert second.organisation == village and second.index_no == "qukoucun/2019-00001"
    assert list(second.publications.values_list("channel", flat=True)) == ["village_board"]
    event = AuditEvent.objects.get(action="catalog.disclosures_import")
    assert event.actor == admin and event.after["mode"] == "published"
    assert event.after["disclosure_ids"] == [first.pk, second.pk]


def test_an_import_makes_drafts_for_review_by_default(township, village, clerk):
    rows = [{k: v for k, v in row.items() if k != "发布日期"} for row in IMPORT_ROWS]  # not needed for drafts
    result = importing.disclosures_import(organisation=township, actor=clerk, rows=rows, dry_run=False)

    first, second = result.created
    assert {d.status for d in result.created} == {Status.DRAFT}
    assert first.published_on is None and not first.index_no and second.organisation == village
    assert not Publication.objects.exists()
    assert not SearchDocument.objects.exists()
    assert set(first.events.values_list("to_status", flat=True)) == {Status.DRAFT}
    event = AuditEvent.objects.get(action="catalog.disclosures_import")
    assert event.actor == clerk and event.after["mode"] == "draft"


@pytest.mark.parametrize("role", ["clerk", "reviewer", "village_clerk"])
def test_only_an_admin_may_import_items_as_published(township, village, role, request):
    actor = request.getfixturevalue(role)
    organisation = village if role == "village_clerk" else township

    with pytest.raises(PermissionDenied, match="只有管理员"):
        importing.disclosures_import(
            organisation=organisation, actor=actor, rows=IMPORT_ROWS[:1], dry_run=True, published=True
        )
    assert not Disclosure.objects.exists()


# ---- Table A -----------------------------------------------------------------------------------------------------------


def _doc(org, actor, title, published, cls=DocumentClass.NORMATIVE, **extra):
    return importing.disclosure_import_one(
        organisation=org,
        actor=actor,
        data={
            "title": title,
            "kind": Kind.DOCUMENT,
            "document_class": cls,
            "written_on": published,
            "published_on": published,
            **extra,
        },
    )


def test_table_a_counts_issued_repealed_and_in_force_normative_documents(township, village, reviewer):
    _doc(township, reviewer, "2023年文件", datetime.date(2023, 5, 1))
    old = _doc(township, reviewer, "2022年文件", datetime.date(2022, 5, 1))
    _doc(village, reviewer, "村2024年文件", datetime.date(2024, 3, 1))
    _doc(township, reviewer, "2024年文件", datetime.date(2024, 6, 1))
    _doc(township, reviewer, "普通公文", datetime.date(2024, 6, 1), cls=DocumentClass.ORDINARY)
    services.disclosure_set_validity(
        disclosure=old, actor=reviewer, validity=Validity.REPEALED, changed_on=datetime.date(2024, 7, 1)
    )
    table = queries.table_a_documents(township, 2024)
    assert table["normative_docs"] == {"issued": 2, "repealed": 1, "in_force": 3}
    assert table["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert queries.table_a_documents(township, 2023)["normative_docs"] == {
        "issued": 1,
        "repealed": 0,
        "in_force": 2,
    }
    assert queries.table_a_documents(township, 2024, include_children=False)["normative_docs"]["issued"] == 1
    assert queries.published_in_year(township, 2024).filter(kind=Kind.DOCUMENT).count() == 3


# ---- pure rules and the scheduled-publication command ----------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(
    code=st.sampled_from(["qukou", "11640221MB1959741M", "tongfu-xiang"]),
    year=st.integers(2000, 2100),
    a=st.integers(1, 99999),
    b=st.integers(1, 99999),
)
def test_index_numbers_are_distinct_for_distinct_serials_and_keep_the_pattern(code, year, a, b):
    import re

    first = services.format_index_no(code, year, a)
    assert re.fullmatch(rf"{re.escape(code)}/{year}-\d{{5}}", first)
    assert (first == services.format_index_no(code, year, b)) == (a == b)
    assert scan_text(first) == []


def test_the_publish_due_command_publishes_scheduled_items(township, clerk, reviewer, approver, make_draft):
    from django.core.management import call_command
    from django.utils import timezone

    d = make_draft(clerk, township)
    services.disclosure_submit(disclosure=d, actor=clerk)
    services.disclosure_review_pass(disclosure=d, actor=reviewer)
    past = timezone.now() - datetime.timedelta(minutes=5)
    services.disclosure_approve(
        disclosure=d, actor=approver, publish_at=timezone.now() - datetime.timedelta(minutes=1), now=past
    )
    call_command("publish_due")
    d.refresh_from_db()
    assert d.status == Status.PUBLISHED and d.events.last().comment == "定时发布"
