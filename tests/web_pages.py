"""What the web tests read from a page of `hoso serve`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def hidden(html: str, name: str) -> str:
    """The value of the page's hidden field `name` (a CSRF token, an id)."""
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def logged_in(app: Any, name: str, password: str) -> Any:
    """A test client of `app` logged in as `name`."""
    c = app.test_client()
    token = hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": password}).status_code == 302
    return c


def csrf(c: Any) -> str:
    """A CSRF token of the logged-in client `c` (from its password page's form)."""
    return hidden(c.get("/mat-khau").text, "csrf_token")


def browser_login(d: Any, base: str, name: str, password: str) -> None:
    """The browser `d` logs in as `name` on the login page of the server at `base`, and waits until the login's
    answer has been loaded (the form's submission is not waited for by `send_keys`: a `d.get` right after it
    could be overtaken by the login's redirect, and the next page read would be the home page)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    d.get(base + "/dang-nhap")
    d.find_element(By.ID, "ten").send_keys(name)
    d.find_element(By.ID, "mat_khau").send_keys(password + "\n")
    with contextlib.suppress(TimeoutException):  # a refused login stays on the page: the caller's assertions say so
        WebDriverWait(d, 15).until(lambda drv: "/dang-nhap" not in drv.current_url
                                   and drv.execute_script("return document.readyState") == "complete")


def reception_done(d: Any, timeout: float = 120) -> None:
    """After «Nhận vào hồ sơ» was clicked: wait until the browser `d` shows the reception's result or refusal (a stack
    filed within the request's wait is answered at once; a longer one leads to its page, «Đang xếp…», which reloads
    itself every second until the result)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(d, timeout, poll_frequency=0.2).until(
        lambda drv: drv.find_elements(By.CSS_SELECTOR, "#tom_tat, #loi_nhan")
        and drv.execute_script("return document.readyState") == "complete")


def chromium(width: int = 1366, height: int = 768, lang: str | None = "vi-VN") -> Any:
    """Debian's headless Chromium driven by its chromedriver, at `width`×`height`; the caller quits it."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                *([f"--lang={lang}"] if lang else []), "--disable-gpu"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)


@contextlib.contextmanager
def in_chromium(app: Any) -> Iterator[tuple[Any, str]]:
    """`app` served on a free local port and Debian's headless Chromium at 1366×768 driving it: (driver, base URL);
    both stopped after."""
    import threading

    from werkzeug.serving import make_server

    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        d = chromium()
        try:
            d.implicitly_wait(2)
            yield d, f"http://127.0.0.1:{http.server_port}"
        finally:
            d.quit()
    finally:
        http.shutdown()


@contextlib.contextmanager
def phone_page(html: str, css: str, folder: Path) -> Iterator[Any]:
    """A page's HTML with its style sheet inlined, opened as a file in headless Chromium on a phone's screen
    (390×844 emulated: a chromium window is never narrower than 500 px); the driver, quit after."""
    page = folder / "phone_page.html"
    page.write_text(html.replace('<link rel="stylesheet" href="/kieu.css">', f"<style>{css}</style>"), "utf-8")
    assert "<style>" in page.read_text("utf-8")
    d = chromium(390, 844, lang=None)
    try:
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        d.get(page.as_uri())
        yield d
    finally:
        d.quit()


class InlineQueue:
    """BuildQueue's own `submit` (the row, the one-build-per-agency rule); the build is run in the test by
    `run_next` (tests/test_web_season.py, tests/test_webso.py)."""

    def __init__(self, store: Any) -> None:
        import queue
        import threading

        from pipeline.web.jobs import BuildQueue

        self.store, self._lock, self._q = store, threading.Lock(), queue.Queue()  # type: ignore[var-annotated]
        self._submit = BuildQueue.submit

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        return self._submit(self, *args, **kwargs)  # type: ignore[arg-type]

    def run_next(self) -> dict[str, Any]:
        from pipeline.web import jobs

        build_id = self._q.get_nowait()
        jobs.run(self.store.data, build_id, watched=True)
        return dict(self.store.one("SELECT * FROM lan_tao WHERE id=?", build_id))
