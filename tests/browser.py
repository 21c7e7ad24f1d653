"""Test helpers that look at the published scorecard the way a reader does.

The scorecard ships as an offline HTML site and an A4 PDF. Asserting on the generated HTML
source or on WeasyPrint's objects does not show what a reader gets: a script that throws, a
font that is not embedded, a CDN link that breaks offline. So these helpers open the HTML in
headless Chromium and turn the PDF into text, fonts and PNG pages with poppler-utils.

Both come from Debian (`scripts/system-deps test`, run by `make test`). Chromium is driven
with Playwright's Python package, launched on Debian's binary through `executable_path`:
Playwright's own browser downloads are never used (they cannot be fetched here).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

SYSTEM_DEPS_HINT = "run `scripts/system-deps test` (or `make test`, which runs it)"

#: Chromium flags for a quiet, reproducible headless run in a container or CI: no sandbox
#: (root, no user namespaces), no GPU, and no background traffic to Google's services.
#: Playwright adds --headless and its own temporary --user-data-dir (it refuses one in args).
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)

#: Schemes an offline page may load: its own files and inline data.
LOCAL_SCHEMES: tuple[str, ...] = ("file:", "data:", "blob:", "about:")

WaitUntil = Literal["commit", "domcontentloaded", "load", "networkidle"]


class MissingSystemTool(RuntimeError):
    """A Debian program the tests need is not installed."""


def chromium_path() -> str:
    """The Chromium executable: $NQ57_CHROMIUM, else `chromium` or `chromium-browser` on PATH.

    Raises MissingSystemTool naming the script that installs it, so a failing test says how to
    fix the machine rather than failing deep inside Playwright.
    """
    override = os.environ.get("NQ57_CHROMIUM")
    if override:
        return override
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise MissingSystemTool(f"Chromium is not installed (no `chromium` on PATH): "
                            f"{SYSTEM_DEPS_HINT}")


@dataclass
class PageResult:
    """What a reader's browser saw of one page, collected before the page was closed."""

    title: str
    #: document.body.innerText: the text as rendered (hidden elements left out).
    text: str
    #: console.error messages, uncaught exceptions, blocked requests, failed requests and
    #: HTTP error responses; a clean page has none.
    console_errors: list[str] = field(default_factory=list)
    #: Every URL the page requested, in order, the page itself included.
    requests: list[str] = field(default_factory=list)
    #: innerText of every element matching each CSS selector passed as `selectors=`.
    texts: dict[str, list[str]] = field(default_factory=dict)
    #: The value of each JavaScript expression passed as `evaluate=`, by its key.
    values: dict[str, Any] = field(default_factory=dict)
    #: With `accessibility=True`: axe-core's violations (id, impact, help, nodes), as found.
    violations: list[dict[str, Any]] = field(default_factory=list)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise MissingSystemTool(f"`{name}` (Debian package poppler-utils) is not installed: "
                                f"{SYSTEM_DEPS_HINT}")
    return found


# Playwright's sync API allows one running instance per thread: a second sync_playwright()
# while one runs fails ("using Playwright Sync API inside the asyncio loop"). So every Chromium
# shares one, started by the first and stopped by the last, and a test may call open_page()
# while a fixture holds a browser open.
_shared: dict[str, Any] = {"playwright": None, "users": 0}


def _playwright_acquire() -> Any:
    if _shared["playwright"] is None:
        from playwright.sync_api import sync_playwright

        _shared["playwright"] = sync_playwright().start()
    _shared["users"] += 1
    return _shared["playwright"]


def _playwright_release() -> None:
    _shared["users"] -= 1
    if _shared["users"] == 0:
        playwright, _shared["playwright"] = _shared["playwright"], None
        playwright.stop()


class Chromium:
    """One headless Chromium for several pages: launching costs about half a second.

    Use as a context manager: `with Chromium() as browser: browser.open_page(...)`.
    """

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or chromium_path()
        self._browser: Any = None

    def __enter__(self) -> Chromium:
        playwright = _playwright_acquire()
        try:
            self._browser = playwright.chromium.launch(
                executable_path=self.executable, headless=True, args=list(CHROMIUM_ARGS))
        except Exception:
            _playwright_release()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            _playwright_release()

    @property
    def version(self) -> str:
        """The browser's version, e.g. '156.0.8078.79'."""
        return self._browser.version

    def open_page(
        self,
        html: Path,
        screenshot: Path | None = None,
        *,
        offline: bool = True,
        selectors: Sequence[str] = (),
        evaluate: Mapping[str, str] | None = None,
        viewport: tuple[int, int] = (1280, 900),
        wait_until: WaitUntil = "load",
        accessibility: bool = False,
    ) -> PageResult:
        """Open `html` through a file:// URL, as a reader opens the offline site.

        Args:
            html: the HTML file.
            screenshot: where to write a full-page PNG, if wanted.
            offline: block every request that is not local (file:, data:, ...) and report
                each as a console error "blocked request: <url>": the site must work with no
                network, and a CDN link would break it on a reader's machine.
            selectors: CSS selectors whose elements' innerText goes to `PageResult.texts`.
            evaluate: JavaScript expressions, by key, whose values go to `PageResult.values`.
            viewport: width and height in CSS pixels.
            wait_until: the Playwright load state to wait for before reading the page.
            accessibility: run axe-core (bundled by axe-playwright-python, injected into
                the page, nothing fetched) and keep its violations in the result.
        """
        if self._browser is None:
            raise RuntimeError("use Chromium() as a context manager")
        url = Path(html).resolve().as_uri()
        errors: list[str] = []
        requests: list[str] = []
        blocked: set[str] = set()
        context = self._browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block")
        try:
            if offline:
                def block(route: Any) -> None:
                    request_url = route.request.url
                    if request_url.startswith(LOCAL_SCHEMES):
                        route.continue_()
                    else:
                        blocked.add(request_url)
                        errors.append(f"blocked request: {request_url}")
                        route.abort("blockedbyclient")

                def block_socket(socket: Any) -> None:
                    errors.append(f"blocked request: {socket.url}")
                    socket.close()

                context.route("**/*", block)
                context.route_web_socket(re.compile(".*"), block_socket)
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: _console(message, errors))
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on("requestfailed", lambda request: _failed(request, blocked, errors))
            page.on("response", lambda response: _http_error(response, errors))
            page.goto(url, wait_until=wait_until)
            result = PageResult(
                title=page.title(),
                text=page.evaluate("() => document.body ? document.body.innerText : ''"),
                texts={s: page.locator(s).all_inner_texts() for s in selectors},
                values={k: page.evaluate(expr) for k, expr in (evaluate or {}).items()},
            )
            if accessibility:
                result.violations = axe_violations(page)
            if screenshot is not None:
                Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
            # Read last, so anything the reads above set off is counted too.
            result.console_errors = list(errors)
            result.requests = list(requests)
            return result
        finally:
            context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on an open Playwright page: WCAG 2.x A and AA and best practice.

    The offline page's Content-Security-Policy does not stop it: Playwright evaluates the
    injected script through the DevTools protocol, not as a page script.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [{"id": v["id"], "impact": v.get("impact"), "help": v.get("help"),
             "nodes": [n.get("target") for n in v.get("nodes", [])][:5]}
            for v in results.response.get("violations", [])]


def _console(message: Any, errors: list[str]) -> None:
    if message.type != "error":
        return
    text = message.text
    location = message.location or {}
    if location.get("url"):
        text += f" ({location['url']}:{location.get('lineNumber', 0) + 1})"
    # Chromium's own echo of a request reported as blocked, failed or HTTP error below.
    if text.startswith("Failed to load resource:"):
        return
    errors.append(f"console error: {text}")


def _http_error(response: Any, errors: list[str]) -> None:
    # Only with offline=False: Chromium's "Failed to load resource" echo is skipped above.
    if response.status >= 400:
        errors.append(f"failed request: {response.url} (HTTP {response.status})")


def _failed(request: Any, blocked: set[str], errors: list[str]) -> None:
    if request.url not in blocked:
        errors.append(f"failed request: {request.url} ({request.failure})")


def open_page(
    html: Path,
    screenshot: Path | None = None,
    *,
    offline: bool = True,
    selectors: Sequence[str] = (),
    evaluate: Mapping[str, str] | None = None,
    viewport: tuple[int, int] = (1280, 900),
    wait_until: WaitUntil = "load",
    accessibility: bool = False,
) -> PageResult:
    """Open one page in a Chromium of its own; see `Chromium.open_page` for the arguments.

    For several pages, share one browser: `with Chromium() as browser: ...`.
    """
    with Chromium() as browser:
        return browser.open_page(html, screenshot, offline=offline, selectors=selectors,
                                 evaluate=evaluate, viewport=viewport, wait_until=wait_until,
                                 accessibility=accessibility)


def _run(args: list[str]) -> str:
    done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def pdf_page_count(pdf: Path) -> int:
    """The number of pages, from `pdfinfo`: the A4 scorecard has a fixed page budget."""
    match = re.search(r"^Pages:\s+(\d+)\s*$", _run([_tool("pdfinfo"), str(pdf)]), re.MULTILINE)
    if not match:
        raise RuntimeError(f"pdfinfo printed no page count for {pdf}")
    return int(match.group(1))


def pdf_to_pngs(pdf: Path, out_dir: Path, dpi: int = 50, prefix: str = "page") -> list[Path]:
    """Render every page to `out_dir/<prefix>-N.png` with `pdftoppm`, in page order.

    A person (or the file viewer) can then look at the pages; 50 dpi keeps it fast.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{prefix}-*.png"):
        old.unlink()
    _run([_tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(out_dir / prefix)])
    # pdftoppm pads page numbers to the width of the last one (page-01.png ... page-12.png).
    pages = [(int(p.stem.rsplit("-", 1)[1]), p) for p in out_dir.glob(f"{prefix}-*.png")]
    return [p for _, p in sorted(pages)]


def pdf_text(pdf: Path) -> str:
    """The text of every page as UTF-8, laid out as printed (`pdftotext -layout`).

    Proves the Vietnamese text survives into the PDF as text (copyable, searchable), with
    its diacritics intact.
    """
    return _run([_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"])


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """The fonts of the PDF from `pdffonts`: name, type, encoding, emb, sub, uni, object.

    emb == "yes" proves a font is embedded, so the PDF looks the same on a machine without
    it; uni == "yes" that its text maps back to Unicode.
    """
    lines = _run([_tool("pdffonts"), str(pdf)]).splitlines()
    fonts = []
    for line in lines[2:]:  # under the header and its row of dashes
        words = line.split()
        if len(words) < 8:
            continue
        # Parsed from the right: long names overflow their column, and types hold spaces
        # ("CID TrueType", "Type 1C"); encodings and names have none.
        fonts.append({
            "name": words[0],
            "type": " ".join(words[1:-6]),
            "encoding": words[-6],
            "emb": words[-5],
            "sub": words[-4],
            "uni": words[-3],
            "object": f"{words[-2]} {words[-1]}",
        })
    return fonts
