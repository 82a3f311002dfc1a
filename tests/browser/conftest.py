"""Browser tests: a real Mercato server on a seeded SQLite file, driven by Debian's Chromium through Playwright.

They skip when Chromium (or the htmx script the pages load) is missing, unless MERCATO_REQUIRE_BROWSER=1 (CI),
where a missing piece is a failure. Every page a test opens is watched: a script error or a 5xx answer fails it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

from mercato.app import STATIC_DIR, build_runtime, create_app
from mercato.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response, ViewportSize

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HTMX_SCRIPT = STATIC_DIR / "vendor" / "htmx.min.js"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _missing(message: str) -> None:
    """A missing browser piece skips the test, except where CI says the browser tests must run."""
    if os.environ.get("MERCATO_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        _missing("browser tests need Debian's chromium (apt-get install chromium)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serves the small demo marketplace on a free loopback port for the whole session."""
    from mercato.demo.load import seed_marketplace

    if not HTMX_SCRIPT.exists():
        # The SKU picker and the attribute fields swap in by htmx; without it a JavaScript browser cannot use them.
        _missing(f"the pages need {HTMX_SCRIPT} (make install fetches it from the npm registry)")
    var_dir: Path = tmp_path_factory.mktemp("live")
    # The server runs its job worker, as `mercato serve` does, so the sandbox's payment callbacks arrive; it looks
    # for due jobs often, so a test does not wait a second for each.
    settings = Settings(var_dir=var_dir, secret_key="browser-test-secret-key-0123456789", worker_poll_seconds=0.2)
    seed_marketplace(settings, size="small", seed=7, console=None)
    app = create_app(build_runtime(settings), embedded_worker=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What went wrong on the pages of one test: uncaught script errors, server errors, missing static files."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("pageerror", lambda exc: self.problems.append(f"script error on {page.url}: {exc}"))
        page.on("response", self._check)

    def _check(self, response: Response) -> None:
        if response.status >= 500 or (response.status == 404 and "/static/" in response.url):
            self.problems.append(f"{response.status} from {response.url}")


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context (its own cookies: one person each); all closed after the test."""
    watch = PageWatch()
    contexts: list[Any] = []

    def open_page(**options: Any) -> Page:
        viewport: ViewportSize = {"width": 1280, "height": 900}
        context = browser.new_context(base_url=live_server, locale="en-US", viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch.attach(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    if watch.problems:
        pytest.fail("the pages went wrong:\n" + "\n".join(watch.problems))


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def log_in() -> Callable[[Page, str, str], None]:
    """Logs in through the header's link and the login form, and waits until the page shows the person's name."""
    from playwright.sync_api import expect

    def fill_login_form(page: Page, email: str, password: str) -> None:
        page.locator("header a[href^='/login']").click()
        page.get_by_test_id("login-email").fill(email)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-submit").click()
        expect(page.locator("header a[href='/account']")).to_be_visible()

    return fill_login_form


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[[Page, str], Path]:
    """Saves the whole page as a PNG under the test's tmp_path and checks a real picture was written."""

    def take(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 5_000
        return path

    return take
