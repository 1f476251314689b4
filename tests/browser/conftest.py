"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the whole system."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.aid_builders import TODAY, start_system

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture
def db_backend():
    """The pages are the subject here; both databases are covered by the HTTP tests."""
    return "sqlite"


@pytest.fixture(scope="session")
def playwright():
    # Never stopped: stop() waits for the driver's exit through asyncio's child watcher, which eventlet's
    # monkey patching never wakes. The driver ends with the test process, when its pipe closes.
    return sync_playwright().start()


@pytest.fixture
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def site(config, runner_factory):
    """The whole system with the business date pinned; returns the gateway's base URL and its API client."""
    _runner, api = start_system(runner_factory, config, HARDSHIP_TODAY=TODAY)
    return api


@pytest.fixture
def artifacts(request) -> Path:
    folder = ARTIFACTS / request.node.name.replace("[", "-").rstrip("]")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Person:
    """One person at their own browser (own cookies), with screenshots kept as test artifacts."""

    def __init__(self, browser, base_url: str, artifacts: Path, who: str):
        self.context = browser.new_context(base_url=base_url, accept_downloads=True, locale="zh-CN")
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.artifacts, self.who = artifacts, who

    def sign_in(self, token: str) -> None:
        self.page.goto("/sign-in")
        self.page.fill("input[name=token]", token)
        self.page.click("button:has-text('登录')")
        self.page.wait_for_selector(".who >> text=退出登录")

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"{self.who}-{name}.png"), full_page=True)


@pytest.fixture
def person(browser, site, artifacts):
    people = []

    def make(who: str) -> Person:
        people.append(Person(browser, site.base_url, artifacts, who))
        return people[-1]

    yield make
    for someone in people:
        someone.context.close()
