#!/usr/bin/env python3
"""Open the HTML summary in a real browser (Debian's headless Chromium) and check it is safe and printable.

What it checks, on the sample review with hostile text planted in its fields:
- a control page with a real script DOES change its title (so JavaScript runs, and the check means something);
- the summary's title is unchanged after loading, and the loaded page has no script, image or frame elements;
- the summary's section headings are all there;
- printing to PDF produces a PDF.

Usage: python scripts/browser_check.py [--out DIR] [--screenshot]
Exit codes: 0 all good, 1 a check failed, 2 Chromium is not installed (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")
TITLE = "Review summary"
PAYLOADS = (
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "<iframe src=\"javascript:parent.document.title='pwned'\"></iframe>",
    "[click me](javascript:document.title='pwned')",
    "<svg onload=\"document.title='pwned'\"></svg>",
)
HEADINGS = ("Safety flags", "About the loved one", "The attempt", "Timeline", "People", "The four contributing factors",
            "Where we differ", "The revised plan", "Ready check", "Questions for the professional", "Resources")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars")


def summary_html() -> str:
    """The HTML export of the sample review, with every payload planted in places a family types into."""
    from tests.factories import MARIA, TOM, answer, planned_review
    from workbook.export import render_html, render_markdown
    from workbook.prompts import load_prompts

    review = planned_review()
    review.title = f"Danny {PAYLOADS[0]}"
    review.members[0].name = f"Maria {PAYLOADS[1]}"
    answer(review, "what-happened", "since", TOM, "\n".join(PAYLOADS))
    answer(review, "plan", "next_place", MARIA, PAYLOADS[2])
    review.timeline[0].what = " | ".join(PAYLOADS)
    review.people[0].name = PAYLOADS[4]
    review.plan["letters"][MARIA]["text"] = "\n\n".join(PAYLOADS)
    return render_html(render_markdown(review, load_prompts()), TITLE)


def chromium(profile: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def dom_title(dom: str) -> str:
    found = re.search(r"<title>(.*?)</title>", dom, re.S)
    return found.group(1) if found else ""


def check(out: Path, *, screenshot: bool = False) -> list[str]:
    """Run every check; returns the problems found (an empty list when all is well)."""
    problems: list[str] = []
    profile = out / "profile"
    control = out / "control.html"
    control.write_text(f"<!DOCTYPE html><html><head><title>{TITLE}</title></head><body>{PAYLOADS[0]}</body></html>")
    found = chromium(profile, "--dump-dom", control.as_uri())
    if dom_title(found.stdout) != "pwned":
        problems.append(f"the control page's script did not run (title {dom_title(found.stdout)!r}), so this check proves nothing")

    page = out / "summary.html"
    page.write_text(summary_html(), encoding="utf-8")
    found = chromium(profile, "--dump-dom", page.as_uri())
    dom = found.stdout
    if not dom.strip():
        problems.append(f"Chromium printed no page (exit {found.returncode}): {found.stderr[-500:]}")
    if dom_title(dom) != TITLE:
        problems.append(f"a script ran: the page title became {dom_title(dom)!r}")
    for element in ("<script", "<img", "<iframe", "<svg", "<a ", "<object", "<embed"):
        if element in dom.lower():
            problems.append(f"the loaded page has an element {element}>")
    for heading in HEADINGS:
        if f"<h2>{heading}</h2>" not in dom:
            problems.append(f"the heading {heading!r} is missing")
    if "&lt;script&gt;document.title='pwned'&lt;/script&gt;" not in dom:
        problems.append("the planted script text is not shown as text")

    pdf = out / "summary.pdf"
    found = chromium(profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF") or pdf.stat().st_size < 2000:
        problems.append(f"no PDF was produced (exit {found.returncode}): {found.stderr[-500:]}")
    if screenshot:
        chromium(profile, "--window-size=1000,1400", f"--screenshot={out / 'summary.png'}", page.as_uri())
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="keep the page, PDF and screenshot in this folder")
    parser.add_argument("--screenshot", action="store_true", help="also save a PNG of the page")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"browser check skipped: {CHROMIUM} is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="browser-check-") as temporary:
        out = args.out or Path(temporary)
        out.mkdir(parents=True, exist_ok=True)
        problems = check(out, screenshot=args.screenshot)
    for problem in problems:
        print(f"FAILED: {problem}")
    if not problems:
        kept = f" (files in {args.out})" if args.out else ""
        print(f"browser check passed: no script ran, all {len(HEADINGS)} sections shown, PDF printed{kept}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
