"""Issue 10: pip-audit in CI fails on a found vulnerability and tolerates only an unreachable vulnerability service."""

import json
import runpy
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit-dependencies"


@pytest.fixture(scope="module")
def verdict():
    return runpy.run_path(str(SCRIPT))["verdict"]


def report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


EDITABLE = {"name": "gongkai", "skip_reason": "distribution marked as editable"}
CLEAN = {"name": "django", "version": "5.2.20", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.0",
    "vulns": [
        {"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"], "aliases": ["CVE-2025-1"], "description": "…"}
    ],
}


def not_found(name):
    return {
        "name": name,
        "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)",
    }


def test_a_found_vulnerability_fails(verdict):
    code, message = verdict(1, report(EDITABLE, CLEAN, VULNERABLE), "")
    assert code == 1
    assert "PYSEC-2025-1" in message and "5.2.1" in message


def test_a_found_vulnerability_fails_even_when_other_packages_were_not_found(verdict):
    code, _ = verdict(1, report(VULNERABLE, not_found("weasyprint")), "")
    assert code == 1


def test_a_clean_audit_passes(verdict):
    assert verdict(0, report(EDITABLE, CLEAN), "") == (
        0,
        "pip-audit: 1 packages audited, no known vulnerabilities",
    )


def test_an_index_without_vulnerability_data_passes_with_a_warning(verdict):
    code, message = verdict(0, report(EDITABLE, not_found("django"), not_found("nh3")), "")
    assert code == 0 and "WARNING" in message and "nothing was audited" in message


def test_a_network_error_passes_with_a_warning(verdict):
    stderr = (
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries"
    )
    code, message = verdict(1, "", stderr)
    assert code == 0 and "unreachable" in message


def test_any_other_failure_fails(verdict):
    code, message = verdict(2, "", "usage: pip-audit: error: unrecognized arguments")
    assert code == 2 and "unrecognized" in message
