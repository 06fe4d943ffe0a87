"""渠口乡's channels as demo data: the boards, the screen and the hall that staff confirm by hand (enabled), and the
online accounts (微信公众号, 短信平台, 工作群机器人) set up but disabled, since the demo has no credentials. Publishing
an item in the demo then creates its sends; `gongkai dispatch` prepares the notices and the screen's feed."""

from gongkai.channels.models import ChannelTarget, TargetKind
from gongkai.orgs.models import Organisation, OrgKind


def load(loader) -> None:
    qukou = Organisation.objects.filter(code="qukou").first()
    if qukou is None:
        return
    targets = [
        (qukou, TargetKind.NOTICE_BOARD, "乡政府政务公开栏", True, {}),
        (qukou, TargetKind.SERVICE_HALL, "乡便民服务中心", True, {}),
        (
            qukou,
            TargetKind.LED_SCREEN,
            "乡政府门口电子屏",
            True,
            {"width": 192, "height": 64, "max_chars": 60},
        ),
        (qukou, TargetKind.QQ_GROUP, "渠口乡村干部群", False, {}),
        (qukou, TargetKind.WECHAT, "渠口乡人民政府公众号", False, {"appid": "", "note": "演示：未配置凭据"}),
        (
            qukou,
            TargetKind.SMS_ALIYUN,
            "渠口乡短信平台",
            False,
            {"sign": "渠口乡", "template": "", "note": "演示：未配置凭据"},
        ),
        (qukou, TargetKind.DINGTALK_ROBOT, "渠口乡村务钉钉群", False, {"note": "演示：未配置凭据"}),
    ]
    for village in qukou.children.filter(kind=OrgKind.VILLAGE).order_by("sort_order", "id"):
        targets.append(
            (village, TargetKind.VILLAGE_BOARD, f"{village.short_name or village.name}村务公开栏", True, {})
        )
    for organisation, kind, name, enabled, config in targets:
        loader.get_or_create(
            ChannelTarget,
            {"organisation": organisation, "kind": kind, "name": name},
            {"enabled": enabled, "default_on": enabled, "config": config},
        )
