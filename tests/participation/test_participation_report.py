"""The annual report's narrative counts 政民互动 from the records; a year without any keeps its text as before."""

import datetime as dt

from gongkai.participation import services
from gongkai.reports.compile import compile_report
from gongkai.reports.participation import participation_sentence


def test_the_report_counts_questions_consultations_and_responses(township, clerk, ask, consultation):
    services.question_answer(question=ask(township), actor=clerk, answer="好。", today=dt.date(2026, 3, 4))
    services.comment_submit(consultation=consultation, name="", body="好", today=dt.date(2026, 3, 3))
    services.response_create(
        organisation=township,
        actor=clerk,
        kind="concern",
        channel="hotline_12345",
        responded_on=dt.date(2026, 4, 1),
        subject="12345转办",
    )
    sentence = participation_sentence(township, 2026)
    assert sentence.startswith("收到网上留言1件，答复1件，随答复公开1件；开展意见征集1次，收到意见建议1条")
    assert "回应关切1次、回应解读0次，其中新闻发布会0次、12345热线转办1件" in sentence
    overview = {s.key: s.text for s in compile_report(township, 2026).sections}["overview"]
    assert sentence in overview


def test_a_year_without_records_adds_nothing(township):
    assert participation_sentence(township, 2026) == ""
    response = {s.key: s.text for s in compile_report(township, 2018).sections}["response"]
    assert response == "2018年，渠口乡未收到政府信息公开方面的举报投诉。"
