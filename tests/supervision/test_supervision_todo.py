"""我的待办: each role sees the work that waits for it."""

import datetime as dt

import pytest

from gongkai.catalog import services as catalog_services
from gongkai.participation import services as participation_services

pytestmark = pytest.mark.today("2026-03-02")


@pytest.fixture
def work(township, clerk, reviewer):
    returned = catalog_services.disclosure_create(
        organisation=township, actor=clerk, title="退回的通知", written_on=dt.date(2026, 2, 27), kind="notice"
    )
    catalog_services.disclosure_submit(disclosure=returned, actor=clerk)
    catalog_services.disclosure_send_back(disclosure=returned, actor=reviewer, comment="请补充附件")
    waiting = catalog_services.disclosure_create(
        organisation=township, actor=clerk, title="待审的通知", written_on=dt.date(2026, 2, 27), kind="notice"
    )
    catalog_services.disclosure_submit(disclosure=waiting, actor=clerk)
    participation_services.question_submit(
        organisation=township, subject="村道硬化", body="何时？", today=dt.date(2026, 2, 2)
    )


def test_the_clerk_sees_the_draft_sent_back_and_the_question_to_answer(login, clerk, work):
    page = login(clerk).get("/office/supervision/todo/").content.decode()
    assert "退回的通知" in page and "村道硬化" in page
    assert "待审的通知" not in page  # a clerk does not review


def test_the_reviewer_sees_the_item_waiting_for_review(login, reviewer, work):
    page = login(reviewer).get("/office/supervision/todo/").content.decode()
    assert "待审的通知" in page and "退回的通知" not in page


def test_anonymous_is_sent_to_the_login(client):
    assert client.get("/office/supervision/todo/")["Location"].startswith("/office/login/")


def test_other_township_staff_see_none_of_this_township(login, other_township_staff, work):
    page = login(other_township_staff).get("/office/supervision/todo/").content.decode()
    assert "退回的通知" not in page and "村道硬化" not in page


def test_the_todo_page_refuses_post(login, clerk):
    assert login(clerk).post("/office/supervision/todo/").status_code == 405


def test_a_send_that_failed_for_good_waits_for_the_clerk_but_not_for_another_township(
    login, clerk, township, other_township_clerk
):
    from gongkai.channels.models import ChannelTarget, Dispatch, DispatchStatus

    target = ChannelTarget.objects.create(organisation=township, kind="sms", name="企信通短信", config={})
    Dispatch.objects.create(
        organisation=township,
        target=target,
        item={"title": "春耕补贴发放公示"},
        key="todo-dead-1",
        status=DispatchStatus.DEAD,
        last_error="余额不足",
    )
    page = login(clerk).get("/office/supervision/todo/").content.decode()
    assert "发送失败待处理的渠道记录（1）" in page and "春耕补贴发放公示" in page and "余额不足" in page
    other = login(other_township_clerk).get("/office/supervision/todo/").content.decode()
    assert "春耕补贴发放公示" not in other
