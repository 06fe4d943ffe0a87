"""Playwright driving Debian's chromium against pytest-django's live server.

Never a downloaded browser build: the tests launch /usr/bin/chromium (apt-get install chromium
fonts-noto-cjk). Without it they fail, unless GONGKAI_SKIP_BROWSER=1 says to skip them.
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check would then
# refuse the ORM calls the fixtures and tests make from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--headless",
]
TESTS_DIR = Path(__file__).resolve().parents[1]
ARTIFACTS = TESTS_DIR.parent / "test-artifacts"
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
TIMEOUT_MS = 10_000


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "phone: the `page` fixture is a 375×812 touch phone instead of a desktop"
    )
    config.addinivalue_line(
        "markers", "browser_context(**options): extra Playwright new_context() options for `page`"
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (-n), every browser test runs on the same worker: one live server, one chromium."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's browser with `apt-get install -y chromium fonts-noto-cjk` "
            "(never `playwright install`), or set GONGKAI_SKIP_BROWSER=1 to skip the browser tests."
        )
        if os.environ.get("GONGKAI_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser, live_server, transactional_db):
    """A fresh browser context per test on the live server: a desktop, or a phone under @pytest.mark.phone."""
    options = dict(PHONE if request.node.get_closest_marker("phone") else DESKTOP)
    marker = request.node.get_closest_marker("browser_context")
    options.update(marker.kwargs if marker else {})
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = watch_for_broken_pages(page, live_server.url)
    yield page
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # the page may be gone; the test's own failure matters more
            print(f"screenshot failed: {exc}")
    context.close()
    if call is not None and call.passed and problems:
        pytest.fail(
            "the pages asked for something broken or external:\n" + "\n".join(dict.fromkeys(problems)),
            pytrace=False,
        )


@pytest.fixture
def desktop_page(request, browser, live_server, transactional_db):
    """A second person's browser next to `page`: a desktop with its own cookies (e.g. the clerk in the office
    while the villager keeps their phone session). Same checks and failure screenshot as `page`."""
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    problems = watch_for_broken_pages(other, live_server.url)
    yield other
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-140:]
        try:
            other.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
        except Exception as exc:
            print(f"screenshot failed: {exc}")
    context.close()
    if call is not None and call.passed and problems:
        pytest.fail(
            "the pages asked for something broken or external:\n" + "\n".join(dict.fromkeys(problems)),
            pytrace=False,
        )


def watch_for_broken_pages(page, origin: str) -> list[str]:
    """Stylesheets, scripts or images that fail, requests leaving the server (intranets are offline), CSP refusals."""
    problems: list[str] = []

    def on_request(req):
        if not req.url.startswith((origin, "data:", "about:")):
            problems.append(f"external request: {req.url}")

    def on_response(response):
        # A page may answer 4xx on purpose (the lockout page); what it loads may not. Browsers ask for
        # /favicon.ico on their own.
        if (
            response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
        ):
            problems.append(
                f"{response.status} {response.request.resource_type} {response.url} (from {page.url})"
            )

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"script error on {page.url}: {exc}"))
    return problems


@pytest.fixture(scope="session")
def password(request):
    """PASSWORD of the named actors in tests/conftest.py, which is a conftest, not an importable module."""
    for plugin in request.config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) == str(TESTS_DIR / "conftest.py"):
            return plugin.PASSWORD
    raise LookupError("tests/conftest.py is not loaded")


@pytest.fixture
def shot():
    """Save a full-page screenshot for people to look at, only when GONGKAI_SHOTS names a directory."""
    directory = os.environ.get("GONGKAI_SHOTS")

    def _shot(page, name: str) -> None:
        if not directory:
            return
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)

    return _shot
