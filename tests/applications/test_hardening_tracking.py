"""Issue 10, Medium 9: tracking codes are keyed by GONGKAI_TRACKING_KEYS (newest first), not SECRET_KEY."""

import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from gongkai.applications import services, tracking
from gongkai.applications.models import Application

KEY_A = "tracking-key-A-3f9c1e"
KEY_B = "tracking-key-B-77d20a"


def _track(client, application, code):
    return client.post(
        reverse("applications_portal:track"), {"case_number": application.case_number, "code": code}
    )


def test_a_code_issued_under_key_a_still_verifies_after_rotation_to_b_a(client, township, register, settings):
    settings.GONGKAI_TRACKING_KEYS = [KEY_A]
    application, code = register(township)
    settings.GONGKAI_TRACKING_KEYS = [KEY_B, KEY_A]
    assert services.find_for_tracking(case_number=application.case_number, code=code) == application
    assert _track(client, application, code).status_code == 302
    # verified once, it is re-hashed under the newest key, so A can then be retired
    settings.GONGKAI_TRACKING_KEYS = [KEY_B]
    assert services.find_for_tracking(case_number=application.case_number, code=code) == application


def test_changing_secret_key_does_not_matter(client, township, register, settings):
    settings.GONGKAI_TRACKING_KEYS = [KEY_A]
    settings.SECRET_KEY = "first-secret-key-" + "x" * 40
    application, code = register(township)
    settings.SECRET_KEY = "rotated-secret-key-" + "y" * 40
    assert services.find_for_tracking(case_number=application.case_number, code=code) == application
    assert _track(client, application, code).status_code == 302


def test_a_retired_key_no_longer_verifies_and_a_wrong_code_never_does(township, register, settings):
    settings.GONGKAI_TRACKING_KEYS = [KEY_A]
    application, code = register(township)
    assert services.find_for_tracking(case_number=application.case_number, code="WRONGCODE234") is None
    settings.GONGKAI_TRACKING_KEYS = [KEY_B]
    assert services.find_for_tracking(case_number=application.case_number, code=code) is None


def test_codes_stored_under_the_old_secret_key_scheme_still_verify_and_are_upgraded(
    township, register, settings
):
    settings.GONGKAI_TRACKING_KEYS = [KEY_A]
    application, _ = register(township)
    code = "ABCDEFGHJKMN"
    old_key = hashlib.sha256(b"gongkai-lookup:" + settings.SECRET_KEY.encode()).digest()
    legacy = hmac.new(old_key, code.encode(), hashlib.sha256).hexdigest()
    Application.objects.filter(pk=application.pk).update(lookup_hash=legacy)
    assert services.find_for_tracking(case_number=application.case_number, code=code) == application
    assert Application.objects.get(pk=application.pk).lookup_hash == tracking.lookup_hash(code)
    settings.SECRET_KEY = "rotated-secret-key-" + "z" * 40
    assert services.find_for_tracking(case_number=application.case_number, code=code) == application


def test_production_needs_tracking_keys(settings):
    settings.PRODUCTION = True
    settings.GONGKAI_TRACKING_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_TRACKING_KEYS"):
        tracking.lookup_hash("ABCDEFGHJKMN")


def test_without_keys_a_key_file_is_made_in_the_data_directory(settings, tmp_path):
    settings.GONGKAI_TRACKING_KEYS = []
    settings.DATA_DIR = tmp_path
    first = tracking.lookup_hash("ABCDEFGHJKMN")
    assert (tmp_path / "tracking_key").exists()
    assert tracking.verify(first, "abcdefghjkmn") == (True, False)


def test_check_deploy_refuses_production_without_tracking_keys(settings):
    from gongkai.applications.deploy_checks import tracking_keys_configured

    settings.PRODUCTION = True
    settings.GONGKAI_TRACKING_KEYS = []
    assert [e.id for e in tracking_keys_configured(None)] == ["gongkai.applications.E001"]
    settings.GONGKAI_TRACKING_KEYS = [KEY_A]
    assert tracking_keys_configured(None) == []
