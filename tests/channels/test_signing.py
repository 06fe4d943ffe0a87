"""The signers against the vendors' published worked examples."""

import base64
import hashlib
import hmac
import urllib.parse

from gongkai.channels.adapters.signing import acs3_headers, dingtalk_sign, tc3_authorization


def test_aliyun_acs3_matches_the_worked_example_of_the_v3_signature_documentation():
    # help.aliyun.com, "V3版本请求体&签名机制" / "ROA风格请求体&签名机制": RunInstances with these headers and
    # YourAccessKeySecret gives this signature.
    headers = acs3_headers(
        access_key_id="YourAccessKeyId",
        access_key_secret="YourAccessKeySecret",
        method="POST",
        host="ecs.cn-shanghai.aliyuncs.com",
        action="RunInstances",
        version="2014-05-26",
        date="2023-10-26T09:01:01Z",
        nonce="d410180a5abf7fe235dd9b74aca91fc0",
        query={"ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", "RegionId": "cn-shanghai"},
    )
    assert (
        headers["x-acs-content-sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert headers["Authorization"] == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;"
        "x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"
    )


def test_tencent_tc3_matches_the_worked_example_of_the_signature_v3_documentation():
    # cloud.tencent.com/document/api/213/30654: DescribeInstances at 1551113065.
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert (
        hashlib.sha256(payload).hexdigest()
        == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    assert tc3_authorization(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        service="cvm",
        host="cvm.tencentcloudapi.com",
        timestamp=1551113065,
        payload=payload,
    ) == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def test_dingtalk_sign_is_the_url_encoded_base64_hmac_of_timestamp_and_secret():
    secret, timestamp = "SEC" + "0" * 64, 1577262236757
    raw = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    signature = dingtalk_sign(secret, timestamp)
    assert urllib.parse.unquote_plus(signature) == base64.b64encode(raw).decode()
    assert "+" not in signature and "/" not in signature and "=" not in signature
