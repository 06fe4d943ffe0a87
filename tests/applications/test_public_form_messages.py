"""The public application form as a villager meets it (issue 12): every mistake shown at once in a summary that
links to its field, messages written for the field, the delivery checked against the contact given."""

import pytest
from django.urls import reverse

from gongkai.applications.models import Application

URL = reverse("applications_portal:apply", args=["qukou"])


def errors_of(response) -> str:
    body = response.content.decode()
    assert 'id="error-summary"' in body, "no error summary"
    return body[body.index('id="error-summary"') : body.index("</div>", body.index('id="error-summary"'))]


def test_two_mistakes_are_both_in_the_summary_each_linking_to_its_field(client, township, data, apply_form):
    response = client.post(URL, apply_form(data, name="", delivery="email", email=""))
    summary = errors_of(response)
    assert '<a href="#id_name">姓名或名称：请填写申请人的姓名；单位申请请填写单位名称</a>' in summary
    assert '<a href="#id_email">电子邮箱：选择“电子邮件”获取信息时，请填写电子邮箱</a>' in summary
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and 'aria-describedby="err-name"' in body
    assert not Application.objects.exists()


def test_a_radio_group_error_links_to_its_first_choice_inside_a_fieldset(client, township, data, apply_form):
    posted = apply_form(data)
    posted.pop("provision_form")
    response = client.post(URL, posted)
    assert (
        '<a href="#id_provision_form_0">信息提供形式：请选择希望以什么形式获得信息（纸质或电子）</a>'
        in errors_of(response)
    )
    assert '<fieldset class="field radios has-error" id="fs-provision_form"><legend>信息提供形式' in (
        response.content.decode()
    )


def test_post_delivery_needs_an_address(client, township, data, apply_form):
    response = client.post(URL, apply_form(data, delivery="post", address=""))
    assert "选择“邮寄”获取信息时，请填写通信地址" in errors_of(response)


@pytest.mark.parametrize(
    "phone", ["13995281234", "0952-6860685", "09526860685", "010-12345678", "0952-6860685-12"]
)
def test_mobiles_and_landlines_with_an_area_code_are_accepted(client, township, data, apply_form, phone):
    response = client.post(URL, apply_form(data, phone=phone))
    assert 'id="error-summary"' not in response.content.decode()
    assert Application.objects.count() == 1


@pytest.mark.parametrize("phone", ["6860685", "1399528123", "23995281234", "abc"])
def test_other_phone_numbers_are_refused_in_plain_words(client, township, data, apply_form, phone):
    response = client.post(URL, apply_form(data, phone=phone))
    assert "联系电话不正确：请填写11位手机号码，或带区号的固定电话" in errors_of(response)


def test_required_fields_are_marked(client, township):
    body = client.get(URL).content.decode()
    assert '<label for="id_name">姓名或名称</label><span class="req" aria-hidden="true">*</span>' in body
    assert "标有" in body and "的为必填项" in body
