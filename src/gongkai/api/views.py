"""The public JSON API. GET /api/deadline: the working-day deadline calculator."""

import datetime as dt

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from gongkai.orgs.models import Organisation
from gongkai.workdays.queries import calendar_for

MAX_DAYS = 200


def _error(message: str, field: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": message, "field": field}, status=status, json_dumps_params={"ensure_ascii": False}
    )


@require_safe
def deadline(request):
    """?start=YYYY-MM-DD&days=N[&org=code] → the Nth working day after `start` (the start day not counted),
    in the organisation's calendar when `org` is given, with the holidays and 调休 working days crossed. A count
    into a year whose arrangement is not yet announced uses the statutory holidays of 《全国年节及纪念日放假办法》
    and is `provisional`, with the reason."""
    start_raw = request.GET.get("start", "").strip()
    days_raw = request.GET.get("days", "").strip()
    if not start_raw:
        return _error("缺少参数 start（起算日，格式 YYYY-MM-DD）", "start")
    try:
        start = dt.date.fromisoformat(start_raw)
        if len(start_raw) != 10:
            raise ValueError
    except ValueError:
        return _error(f"start 不是有效日期：{start_raw}（格式 YYYY-MM-DD）", "start")
    if not days_raw:
        return _error("缺少参数 days（工作日数，1至200的整数）", "days")
    if not days_raw.isdigit():
        return _error(f"days 应为1至{MAX_DAYS}的整数：{days_raw}", "days")
    days = int(days_raw)
    if not 1 <= days <= MAX_DAYS:
        return _error(f"days 应为1至{MAX_DAYS}的整数：{days_raw}", "days")
    organisation = None
    code = request.GET.get("org", "").strip()
    if code:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            return _error(f"没有代码为 {code} 的机构", "org")
    try:
        result = calendar_for(organisation).deadline(start, days)
    except (OverflowError, ValueError):
        return _error("日期超出可计算范围", "start")
    body = {
        "start": start.isoformat(),
        "days": days,
        "org": organisation.code if organisation else None,
        "due_date": result.due.isoformat(),
        "provisional": result.provisional,
        # Why: the unannounced years counted, e.g. "2028年放假安排尚未公布，按《全国年节及纪念日放假办法》推算".
        "provisional_reason": result.provisional_reason if result.provisional else "",
        "provisional_years": list(result.provisional_years),
        "holidays_crossed": [{"date": d.date.isoformat(), "name": d.name} for d in result.holidays],
        "adjusted_workdays_crossed": [
            {"date": d.date.isoformat(), "name": d.name} for d in result.adjusted_workdays
        ],
        "description": result.describe(),
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
