import pytest
from channel_fakes import FakeAliyunSms, FakeSmsGateway, make_target

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


@pytest.fixture
def aliyun():
    """A fake Aliyun SMS API on 127.0.0.1 that checks each request's ACS3 signature."""
    server = FakeAliyunSms().start()
    yield server
    server.stop()
