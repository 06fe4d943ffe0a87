import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gongkai.applications import crypto, formguard, queries, services
from gongkai.applications.clock import ClockState
from gongkai.applications.models import Application, ApplicationEvent, Stage
from gongkai.applications.services import ApplicationError, RateLimited, intake
from gongkai.audit.models import AuditEvent
from gongkai.workdays.services import override_set

D = dt.date


def _png() -> bytes:
    """A real 2×2 PNG: proofs are checked by parsing them (applications/uploads.py)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def submit(org, data, **kw):
    kw.setdefault("applicant", data.person())
    kw.setdefault("request", data.wanted())
    kw.setdefault("today", D(2026, 11, 20))
    return services.application_submit(organisation=org, **kw)


# ---- intake --------------------------------------------------------------------------------------------------


def test_an_online_application_is_received_on_the_day_it_is_submitted(township, data):
    application, code = submit(township, data, ip_address="10.0.0.1")
    assert application.received_on == D(2026, 11, 20)
    assert application.channel == "online"
    assert application.case_number == "QK-2026-0001"
    assert len(code) == services.LOOKUP_LENGTH
    assert code not in application.lookup_hash
    assert list(application.events.values_list("kind", "date")) == [("received", D(2026, 11, 20))]


def test_case_numbers_count_per_organisation_and_year_and_are_never_reused(township, county, register):
    first, _ = register(township, D(2025, 1, 6))
    second, _ = register(township, D(2025, 2, 6))
    other_year, _ = register(township, D(2026, 1, 6))
    county_case, _ = register(county, D(2025, 1, 6))
    assert [first.case_number, second.case_number] == ["QK-2025-0001", "QK-2025-0002"]
    assert other_year.case_number == "QK-2026-0001"
    assert county_case.case_number == "PL-2025-0001"
    second.delete()
    third, _ = register(township, D(2025, 3, 6))
    assert third.case_number == "QK-2025-0003"


@pytest.mark.parametrize(
    ("code", "prefix"), [("qukou", "QK"), ("pingluo", "PL"), ("tongfu-xiang", "TFX"), ("zhenshuo", "ZS")]
)
def test_the_case_prefix_takes_the_initials_of_the_pinyin_syllables(code, prefix):
    assert services.case_prefix(code) == prefix


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": "640221198507150016"}, "公民身份号码校验位错误：应为5，实为6"),
        ({"id_number": "64022119850715001"}, "公民身份号码应为18位，当前为17位"),
        ({"id_number": "640221198513150015"}, "公民身份号码中的出生日期无效"),
        ({"name": " "}, "请填写申请人姓名或名称"),
        ({"phone": "", "address": "", "email": ""}, "请至少填写一种联系方式"),
        ({"applicant_type": "robot"}, "请选择申请人类型"),
    ],
)
def test_a_person_with_bad_details_is_refused_in_chinese(township, data, overrides, message):
    with pytest.raises(ApplicationError, match=message):
        submit(township, data, applicant=data.person(**overrides))
    assert not Application.objects.exists()


def test_an_organisation_needs_a_valid_credit_code_and_a_kind(township, data):
    with pytest.raises(ApplicationError, match="统一社会信用代码校验位错误"):
        submit(township, data, applicant=data.company(id_number="91640221MA76A1B2CD"))
    with pytest.raises(ApplicationError, match="请选择法人或其他组织的类别"):
        submit(township, data, applicant=data.company(applicant_column="natural_person"))
    application, _ = submit(township, data, applicant=data.company(applicant_column="research"))
    assert application.applicant_column == "research"


def test_a_request_without_any_description_of_the_information_is_refused(township, data):
    with pytest.raises(ApplicationError, match="第二十九条"):
        submit(township, data, request=data.wanted(info_title="", info_description=""))
    with pytest.raises(ApplicationError, match="内容描述不能超过2000个字"):
        submit(township, data, request=data.wanted(info_description="字" * 2001))


def test_the_proof_is_checked_by_its_content_and_size(township, data, monkeypatch):
    fake = SimpleUploadedFile("id.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError, match="只接受PDF、JPG或PNG"):
        submit(township, data, proof=fake)
    monkeypatch.setattr(intake, "MAX_PROOF_BYTES", 10)
    with pytest.raises(ApplicationError, match="不能超过"):
        submit(township, data, proof=SimpleUploadedFile("id.png", PNG))
    monkeypatch.setattr(intake, "MAX_PROOF_BYTES", 1024)
    application, _ = submit(township, data, proof=SimpleUploadedFile("anything.bin", PNG))
    assert application.proof_type == "png"
    assert application.proof.name.endswith(".png")


def test_a_filled_honeypot_is_refused_without_saving(township, data):
    with pytest.raises(ApplicationError):
        submit(township, data, honeypot="http://spam.example")
    assert not Application.objects.exists()


def test_one_address_may_submit_only_a_few_applications_an_hour(township, data):
    limit = formguard.limits()["per_address_hard"]
    for i in range(limit):
        submit(
            township,
            data,
            ip_address="10.0.0.9",
            applicant=data.person(id_number=data.make_id(seq=f"{i:03d}")),
        )
    with pytest.raises(RateLimited, match="过于频繁"):
        submit(
            township, data, ip_address="10.0.0.9", applicant=data.person(id_number=data.make_id(seq="099"))
        )
    submit(township, data, ip_address="10.0.0.10", applicant=data.person(id_number=data.make_id(seq="098")))


def test_one_identity_may_submit_only_a_few_applications_a_day(township, data):
    limit = formguard.limits()["per_identity"]
    for i in range(limit):
        submit(township, data, ip_address=f"10.0.1.{i}")
    with pytest.raises(RateLimited, match="同一申请人今日提交的申请过多"):
        submit(township, data, ip_address="10.0.2.1")


def test_a_repeated_identical_application_is_accepted_and_flagged_as_a_possible_repeat(township, data):
    first, _ = submit(township, data)
    again, _ = submit(
        township,
        data,
        request=data.wanted(
            info_title=" 2025年渠口乡高标准农田建设项目资金使用情况。", provision_form="paper"
        ),
    )
    other, _ = submit(township, data, request=data.wanted(info_title="2024年低保资金发放情况"))
    assert again.possible_duplicate_of == first
    assert other.possible_duplicate_of is None
    assert Application.objects.count() == 3


# ---- personal data -------------------------------------------------------------------------------------------


def test_id_number_phone_and_address_are_encrypted_in_the_database(township, data):
    application, _ = submit(township, data)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address FROM applications_application WHERE id = %s", [application.pk]
        )
        raw = cursor.fetchone()
    assert all(value.startswith(crypto.ENVELOPE) for value in raw)
    assert data.PERSON_ID not in "".join(raw)
    assert "13995012345" not in "".join(raw)
    assert "六顷地" not in "".join(raw)
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.id_number, fresh.phone) == (data.PERSON_ID, "13995012345")


def test_key_rotation_reencrypts_with_the_newest_key_and_the_old_key_can_then_go(township, data, monkeypatch):
    from cryptography.fernet import Fernet

    application, _ = submit(township, data)
    old = crypto.configured_keys()[0]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", f"{new},{old}")
    assert services.rotate_field_keys() == 1
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", new)
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.id_number == data.PERSON_ID
    assert fresh.identity_hash == services.identity_hash(data.PERSON_ID)
    assert AuditEvent.objects.filter(action="applications.rotate_keys").exists()


def test_audit_rows_hold_the_personal_data_only_masked(township, data):
    submit(township, data)
    event = AuditEvent.objects.get(action="applications.submit")
    text = str(event.before) + str(event.after)
    assert data.PERSON_ID not in text
    assert "13995012345" not in text
    assert event.after["id_number"] == "64*************015"


def test_personal_data_of_archived_cases_is_purged_after_the_retention_period(township, register):
    application, _ = register(township, D(2014, 3, 3), today=D(2014, 3, 3))
    services.application_decide(
        application=application,
        actor=None,
        date=D(2014, 3, 10),
        decision="granted",
        reply_text="予以公开。",
        today=D(2014, 3, 10),
    )
    services.application_archive(
        application=application, actor=None, date=D(2014, 3, 20), today=D(2014, 3, 20)
    )
    assert services.personal_data_purge(today=D(2024, 3, 19)) == 0
    assert services.personal_data_purge(today=D(2024, 3, 20)) == 1
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.id_number == "" and fresh.phone == "" and fresh.applicant_name == services.ANONYMISED_NAME
    assert fresh.decision == "granted"  # the statistics stay
    assert AuditEvent.objects.filter(action="applications.personal_data_purge").count() == 1


# ---- events and the clock ------------------------------------------------------------------------------------


def test_a_correction_may_be_requested_only_within_seven_working_days_and_once(township, register):
    application, _ = register(township, D(2025, 3, 3))
    with pytest.raises(ApplicationError, match="7个工作日内告知"):
        services.application_request_correction(
            application=application,
            actor=None,
            date=D(2025, 3, 13),
            deadline=D(2025, 3, 28),
            items="写明年份",
        )
    services.application_request_correction(
        application=application, actor=None, date=D(2025, 3, 12), deadline=D(2025, 3, 28), items="写明年份"
    )
    with pytest.raises(ApplicationError, match="补正只能一次性告知"):
        services.application_request_correction(
            application=application, actor=None, date=D(2025, 3, 12), deadline=D(2025, 3, 28), items="再补"
        )


def test_a_received_correction_restarts_the_twenty_working_days(township, register):
    application, _ = register(township, D(2025, 3, 3))
    services.application_request_correction(
        application=application, actor=None, date=D(2025, 3, 5), deadline=D(2025, 3, 20), items="写明年份"
    )
    assert queries.clock_of(application, today=D(2025, 3, 6)).state is ClockState.PAUSED
    services.application_receive_correction(application=application, actor=None, date=D(2025, 3, 10))
    status = queries.clock_of(application, today=D(2025, 3, 11))
    assert status.counting_from == D(2025, 3, 10)
    assert status.due_on == D(2025, 4, 8)  # 20 working days after 10 March, 清明 4 April skipped


def test_a_consultation_pauses_the_clock_and_its_days_are_not_counted(township, register):
    application, _ = register(township, D(2025, 3, 3))
    services.application_open_consultation(
        application=application,
        actor=None,
        party="third_party",
        date=D(2025, 3, 10),
        consulted="某养殖合作社",
    )
    assert queries.clock_of(application, today=D(2025, 3, 12)).state is ClockState.PAUSED
    services.application_close_consultation(
        application=application, actor=None, party="third_party", date=D(2025, 3, 14), opinion="不同意公开"
    )
    # 10–14 March: five working days not counted, so 31 March moves to 7 April (4 April is 清明).
    assert queries.clock_of(application, today=D(2025, 3, 17)).due_on == D(2025, 4, 8)


def test_an_extension_needs_the_head_of_the_office_and_at_most_twenty_days(
    township, register, clerk, reviewer
):
    application, _ = register(township, D(2025, 3, 3))
    with pytest.raises(Exception, match="权限"):
        services.application_extend(
            application=application, actor=clerk, date=D(2025, 3, 20), reason="材料较多"
        )
    with pytest.raises(ApplicationError, match="最长不得超过20个工作日"):
        services.application_extend(
            application=application, actor=reviewer, date=D(2025, 3, 20), workdays=21, reason="材料较多"
        )
    services.application_extend(
        application=application, actor=reviewer, date=D(2025, 3, 20), workdays=20, reason="材料较多"
    )
    status = queries.clock_of(application, today=D(2025, 4, 1))
    assert status.due_on == D(2025, 4, 28)  # 清明 skipped, Sunday 27 April (调休 for 劳动节) counted
    assert status.state is ClockState.NORMAL
    with pytest.raises(ApplicationError, match="延期只能批准一次"):
        services.application_extend(
            application=application, actor=reviewer, date=D(2025, 3, 21), reason="再延"
        )


def test_a_calendar_change_moves_the_due_date_of_an_open_case(township, register, admin):
    application, _ = register(township, D(2025, 3, 3))
    assert queries.clock_of(application, today=D(2025, 3, 4)).due_on == D(2025, 3, 31)
    override_set(
        date=D(2025, 3, 17), is_workday=False, note="地方节日（测试）", organisation=township, actor=admin
    )
    assert queries.clock_of(application, today=D(2025, 3, 4)).due_on == D(2025, 4, 1)


def test_a_fee_notice_quotes_on_one_basis_pauses_and_records_the_amount_collected(township, register):
    application, _ = register(township, D(2025, 3, 3))
    with pytest.raises(ApplicationError, match="0元"):
        services.application_send_fee_notice(
            application=application, actor=None, date=D(2025, 3, 5), basis="per_page", quantity=20
        )
    notice = services.application_send_fee_notice(
        application=application, actor=None, date=D(2025, 3, 5), basis="per_page", quantity=120
    )
    assert notice.amount_quoted == Decimal("1100")  # 70×10 + 20×20
    assert queries.clock_of(application, today=D(2025, 3, 10)).state is ClockState.PAUSED
    with pytest.raises(ApplicationError, match="缴纳信息处理费|缴费后再作答复"):
        services.application_decide(
            application=application, actor=None, date=D(2025, 3, 10), decision="granted", reply_text="公开"
        )
    services.application_record_fee_payment(
        application=application, actor=None, date=D(2025, 3, 12), amount_collected=Decimal("1100")
    )
    notice.refresh_from_db()
    assert notice.amount_collected == Decimal("1100") and notice.paid_on == D(2025, 3, 12)
    assert queries.clock_of(application, today=D(2025, 3, 13)).state is not ClockState.PAUSED


def test_deciding_delivering_and_archiving_move_the_stage_and_write_events_and_audit(township, register):
    application, _ = register(township, D(2025, 3, 3))
    application = services.application_decide(
        application=application,
        actor=None,
        date=D(2025, 3, 20),
        decision="partly_granted",
        reply_text="部分公开，涉及个人隐私的内容已作区分处理。",
    )
    assert application.stage == Stage.CLOSED
    assert application.decided_on == D(2025, 3, 20)
    assert application.legal_basis == "《中华人民共和国政府信息公开条例》第三十七条"
    with pytest.raises(ApplicationError, match="已于2025年3月20日办结"):
        services.application_open_consultation(
            application=application, actor=None, party="third_party", date=D(2025, 3, 21), consulted="某公司"
        )
    services.application_deliver(
        application=application, actor=None, date=D(2025, 3, 21), method="post", proof="挂号信XA123456789CN"
    )
    application = services.application_archive(application=application, actor=None, date=D(2025, 3, 25))
    assert application.stage == Stage.ARCHIVED
    assert list(ApplicationEvent.objects.filter(application=application).values_list("kind", flat=True)) == [
        "received",
        "decided",
        "delivered",
        "archived",
    ]
    assert (
        AuditEvent.objects.filter(action__startswith="applications.", object_id=str(application.pk)).count()
        == 4
    )


def test_abandonment_after_the_correction_deadline_closes_the_case_as_row_six_one(township, register):
    application, _ = register(township, D(2025, 3, 3))
    services.application_request_correction(
        application=application, actor=None, date=D(2025, 3, 5), deadline=D(2025, 3, 20), items="写明年份"
    )
    with pytest.raises(ApplicationError, match="期限届满前不能视为放弃申请"):
        services.application_deem_abandoned(application=application, actor=None, date=D(2025, 3, 20))
    application = services.application_deem_abandoned(
        application=application, actor=None, date=D(2025, 3, 21)
    )
    assert application.decision == "other_no_correction"
    assert application.decided_on == D(2025, 3, 21)


def test_an_abandonment_code_cannot_be_chosen_as_a_decision(township, register):
    application, _ = register(township, D(2025, 3, 3))
    with pytest.raises(ApplicationError, match="视为放弃申请"):
        services.application_decide(
            application=application,
            actor=None,
            date=D(2025, 3, 5),
            decision="other_no_correction",
            reply_text="x",
        )


def test_an_event_on_a_stale_copy_of_the_case_is_checked_against_the_stored_events(township, register):
    application, _ = register(township, D(2025, 3, 3))
    stale = Application.objects.get(pk=application.pk)
    services.application_decide(
        application=application, actor=None, date=D(2025, 3, 5), decision="granted", reply_text="公开"
    )
    with pytest.raises(ApplicationError):
        services.application_decide(
            application=stale, actor=None, date=D(2025, 3, 6), decision="granted", reply_text="公开"
        )


def test_staff_of_another_township_cannot_record_events(township, register, other_township_staff):
    application, _ = register(township, D(2025, 3, 3))
    with pytest.raises(Exception, match="权限"):
        services.application_decide(
            application=application,
            actor=other_township_staff,
            date=D(2025, 3, 5),
            decision="granted",
            reply_text="公开",
        )


def test_the_tracking_lookup_needs_the_right_code(township, register):
    application, code = register(township, D(2025, 3, 3))
    assert services.find_for_tracking(case_number=application.case_number, code=code) == application
    assert (
        services.find_for_tracking(case_number=application.case_number.lower(), code=code.lower())
        == application
    )
    assert services.find_for_tracking(case_number=application.case_number, code="WRONGCODE123") is None


def test_a_per_request_fee_counts_the_applicants_earlier_requests_in_the_same_month(township, register, data):
    for day in range(1, 12):
        register(
            township,
            D(2025, 3, 3) + dt.timedelta(days=day % 7),
            request=data.wanted(info_title=f"第{day}项信息"),
        )
    latest = Application.objects.order_by("-received_on", "-pk").first()
    assert services.requests_earlier_in_month(latest) == 10
    notice = services.application_send_fee_notice(
        application=latest, actor=None, date=D(2025, 3, 12), basis="per_request"
    )
    assert notice.quantity == 10 and notice.amount_quoted == Decimal("100")
