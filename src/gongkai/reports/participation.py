"""The annual report's sentence on 政民互动 and 回应关切/回应解读, counted from the participation app's records."""

from gongkai.participation import queries as participation_queries


def participation_sentence(organisation, year: int, *, include_children: bool = True) -> str:
    """One sentence for the narrative; empty when the year has no such records (the text stays as before)."""
    c = participation_queries.year_counts(organisation, year, include_children=include_children)
    if not any(c.values()):
        return ""
    return (
        f"收到网上留言{c['questions_received']}件，答复{c['questions_answered']}件，"
        f"随答复公开{c['questions_published']}件；开展意见征集{c['consultations_held']}次，"
        f"收到意见建议{c['consultation_comments']}条，公布采纳情况{c['consultations_fed_back']}次；"
        f"回应关切{c['responses_concern']}次、回应解读{c['responses_interpretation']}次，"
        f"其中新闻发布会{c['responses_press']}次、12345热线转办{c['responses_12345']}件。"
    )
