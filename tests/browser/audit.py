"""What every page a browser test visits is checked for: a small structure smoke, axe-core's rules, subresources
that failed to load and console errors (a Content Security Policy violation among them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

# Installed by `make test-deps` (npm, pinned in the Makefile); var/ is not committed.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "var" / "test-tools" / "node_modules" / "axe-core" / "axe.min.js"

# Run in the page by Playwright (the site's CSP governs the page's own scripts, not these). One <h1>, landmarks,
# a language and a title, and a label for every form control: cheap checks axe leaves to judgement.
_SMOKE_SCRIPT = """
() => {
  const problems = [];
  const count = (selector) => document.querySelectorAll(selector).length;
  if (count("h1") !== 1) problems.push(`${count("h1")} <h1> elements, expected exactly one`);
  if (count("main") !== 1) problems.push(`${count("main")} <main> elements, expected exactly one`);
  if (count("nav") === 0) problems.push("no <nav> element");
  if (!document.documentElement.lang) problems.push("<html> has no lang");
  if (!document.title.trim()) problems.push("empty <title>");
  const exempt = new Set(["hidden", "submit", "button", "reset", "image"]);
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (control.tagName === "INPUT" && exempt.has(control.type)) continue;
    const named = (control.getAttribute("aria-label") || "").trim() !== ""
      || (control.getAttribute("aria-labelledby") || "").trim() !== "";
    const labelled = Array.from(control.labels || []).some((label) => label.textContent.trim() !== "");
    if (!named && !labelled) problems.push(`<${control.tagName.toLowerCase()} name="${control.name}"> has no label`);
  }
  for (const image of document.querySelectorAll("img:not([alt])")) problems.push(`<img src="${image.src}"> has no alt`);
  return problems;
}
"""

# Every violation axe finds, whatever its impact, with the first few elements it names.
_AXE_RUN = """
async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) =>
    `axe ${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}
"""


def axe_source() -> str:
    """axe-core's script. Missing, it fails the test on CI (where `make test` installs it) and skips it elsewhere."""
    if AXE_SCRIPT.is_file():
        return AXE_SCRIPT.read_text(encoding="utf-8")
    message = f"axe-core is not installed at {AXE_SCRIPT}: run `make test-deps`"
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"{message} (CI=true, so the browser test may not be skipped)", pytrace=False)
    pytest.skip(message)


@dataclass
class PageAudit:
    """Collects problems page by page, so one run reports every page that falls short, not only the first.

    Besides the smoke and axe it records subresources (stylesheets, scripts, images, fonts) that fail to load and
    console errors such as Content Security Policy violations: a page without its stylesheet still passes every
    text assertion, but nobody would call it right.
    """

    origin: str
    axe: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    pages_checked: int = 0

    def _add(self, url: str, problem: str) -> None:
        found = self.problems.setdefault(urlsplit(url).path, [])
        if problem not in found:
            found.append(problem)

    def watch(self, context: BrowserContext) -> Page:
        """A new page in this context whose failed loads and console errors are recorded."""
        page = context.new_page()
        page.on("response", self._on_response)
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self._add(page.url, f"script error: {error}"))
        return page

    def _on_response(self, response: Response) -> None:
        kind = response.request.resource_type
        own = response.url.startswith(self.origin)  # images in works may come from anywhere; ours must load
        if own and response.status >= 400 and kind in {"stylesheet", "script", "image", "font", "media"}:
            self._add(response.frame.url, f"{kind} {urlsplit(response.url).path} answered {response.status}")

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        # Failed loads are reported by _on_response with their address; browsers also ask for /favicon.ico.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self._add(page.url, f"console error: {message.text}")

    def check(self, page: Page) -> None:
        page.wait_for_load_state("load")
        found: list[str] = page.evaluate(_SMOKE_SCRIPT)
        # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not stop it.
        page.evaluate(self.axe)
        found += page.evaluate(_AXE_RUN)
        self.pages_checked += 1
        for problem in found:
            self._add(page.url, problem)

    def report(self) -> str:
        return "\n".join(f"{path}: {'; '.join(items)}" for path, items in self.problems.items())
