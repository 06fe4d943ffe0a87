import pytest
from channel_fakes import FakeSmsGateway, make_target

from gongkai.channels.models import TargetKind


@pytest.fixture
def sms_gateway():
    server = FakeSmsGateway().start()
    yield server
    server.stop()


@pytest.fixture
def sms_target(township, sms_gateway):
    return make_target(
        township,
        TargetKind.SMS_GATEWAY,
        "企信通",
        config={"base_url": sms_gateway.url, "sign": "渠口乡", "template": "SMS_001"},
        secrets={"token": sms_gateway.token, "mobiles": ["13800000001", "13800000002"]},
    )
