"""Every page type, public and staff, in Spanish, French, Portuguese and German, in real
Chromium at 1440 and 360 px: axe-core finds no violation, nothing is wider than the viewport,
and no interface text is left in English.

English left: a text node, an accessible name (aria-label, title, placeholder, alt) or the
document title equal to an English message of the catalogues whose translation differs (an
untranslated message counts: English is what shows). Left out: text inside `lang="en"` (content
not yet translated, marked so; the switcher's "English"), `code`/`kbd`/`samp` (codes, commands,
addresses) and everything that is no message (content, names, numbers). A message not yet in
the catalogues is not known here: tests/test_catalogues.py fails on those (and says which
messages are untranslated).

Cost: one browser; per language one page, resized rather than reopened, and axe-core injected
once per page for both widths. The English pages are covered by the other browser tests.
"""

import datetime
import re
from pathlib import Path

import polib
import pytest

from review.services import propose_status_change
from roadmaps.models import Milestone
from tests.factories import (
    make_milestone,
    make_roadmap,
    make_sector,
    make_steward,
    make_target,
)
from tests.reuse_data import AS_OF, make_reuse_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (1440, 360)
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

PUBLIC = {
    "overview": "/",
    "sector-dashboard": f"/sectors/mobility/?as_of={AS_OF}",
    "milestone-list": "/sectors/mobility/milestones/?status=achieved&status=in_progress",
    "milestone-detail": "/milestones/MOB-2.1/",
    "stakeholders": "/stakeholders/",
    "stakeholder-group": "/stakeholders/industry/",
    "methodology": "/methodology/",
    "search": "/search/?q=battery",
    "indicators": "/indicators/",
    "indicator-detail": "/indicators/MOB-RES/",
    "minerals": "/minerals/",
    "mineral-detail": "/minerals/cobalt-mobility/",
    "open-data": "/data/",
    "feeds": "/feeds/",
    "api": "/api/",
    "sector-report": f"/sectors/mobility/report/?as_of={AS_OF}",
    "embed-sector": "/embed/sectors/mobility/",
    "embed-indicator": "/embed/indicators/MOB-RES/",
    "bad-request": "/sectors/mobility/?as_of=2019-02-30",
    "not-found": "/sectors/atlantis/",
    "login": "/accounts/login/",
}
STAFF = {
    "work-queue": "/staff/",
    "status-update": "/staff/milestones/MOB-1.2/update/",
    "re-dating": "/staff/milestones/MOB-1.2/redate/",
    "measurement": "/staff/indicators/MOB-RES/measurements/new/",
    "proposal": "/staff/proposals/{proposal}/",
    "forbidden": "/staff/milestones/EEE-1.1/update/",
}
STATUS = {"bad-request": 400, "not-found": 404, "forbidden": 403}

# Every text node, accessible name and the title, outside `lang="en"` and code-like elements.
TEXTS_JS = """() => {
  const skipped = (el) => el.closest('[lang="en"], code, kbd, samp, script, style, template');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
    if (text && node.parentElement && !skipped(node.parentElement)) texts.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (skipped(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.replace(/\\s+/g, ' ').trim());
    }
  }
  texts.push(document.title.replace(/\\s+/g, ' ').trim());
  return texts;
}"""


# The innermost elements reaching past the viewport's right edge, to name in a failure.
TOO_WIDE_JS = """(width) => {
  const wide = (el) => el.getBoundingClientRect().right > width + 0.5;
  const classes = (el) => (typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().replace(/\\s+/g, '.') : '');
  const name = (el) => el.tagName.toLowerCase() + classes(el);
  return Array.from(document.body.querySelectorAll('*'))
    .filter((el) => wide(el) && !Array.from(el.children).some(wide))
    .slice(0, 3)
    .map((el) => name(el) + ' "' + (el.textContent || '').trim().slice(0, 40) + '"');
}"""


def english_left(language: str) -> set[str]:
    """The catalogue's English messages whose translation differs (untranslated included):
    plain ones only, without placeholders or markup, as they would stand in a page."""
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    messages = set()
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural.get(0, ""))] + [
                (entry.msgid_plural, text) for index, text in entry.msgstr_plural.items() if index
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            plain = re.sub(r"\s+", " ", source).strip()
            if "%" in plain or "<" in plain or "{" in plain:
                continue
            if entry.fuzzy or translation.strip() != source.strip():
                messages.add(plain)
    return messages


@pytest.fixture
def site_data():
    sector = make_reuse_data()
    # The factories' "Source" would read as the interface's word "Source".
    Milestone.objects.update(source_title="Regulation (EU) 2023/1542")
    sector.review_required = True
    sector.save()
    steward = make_steward(sector=sector, username="ines")
    colleague = make_steward(sector=sector, username="jonas")
    other = make_sector(slug="electronics", name="Electronics", order=2)
    make_milestone(
        target=make_target(roadmap=make_roadmap(sector=other), code="EEE-1"),
        code="EEE-1.1",
        due_date=datetime.date(2030, 12, 31),
    )
    milestone = Milestone.objects.get(code="MOB-2.2")
    proposal = propose_status_change(
        milestone=milestone,
        status="in_progress",
        note="Councils set up in two plants.",
        proposer=colleague,
        expected_version=milestone.version,
    )
    return {"steward": steward, "proposal": proposal.pk}


def check(page, axe_script, url, expected_status, english, name) -> list[str]:
    """Problems of one page at both widths; the page is loaded once. A width with a problem
    leaves a full-page screenshot in artifacts/screenshots/."""
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    response = page.goto(url)
    problems = []
    if response.status != expected_status:
        problems.append(f"status {response.status}, not {expected_status}")
    left = sorted({text for text in page.evaluate(TEXTS_JS) if text in english})
    if left:
        more = f" and {len(left) - 8} more" if len(left) > 8 else ""
        problems.append(f"English left: {left[:8]}{more}")
    page.evaluate(axe_script)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = []
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide = page.evaluate(TOO_WIDE_JS, width)
            found.append(f"{width} px: {scroll} px wide, past the edge: {wide}")
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found.extend(
            f"{width} px: axe {v['id']} ({v['impact']}) at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in results["violations"]
        )
        if found:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        problems.extend(found)
    return problems


@pytest.mark.parametrize("language", ["es", "fr", "pt", "de"])
def test_browser_every_page_type_in_every_language(live_server, browser, site_data, language):
    from axe_playwright_python.sync_playwright import Axe

    axe_script = Axe().axe_script
    english = english_left(language)
    base = f"{live_server.url}/{language}"
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()

    problems = {}
    for name, path in PUBLIC.items():
        problems[name] = check(
            page, axe_script, base + path, STATUS.get(name, 200), english, f"{language}-{name}"
        )
    # Signed in through this language's login page, which leads back in the same language.
    page.goto(f"{base}/accounts/login/?next=/{language}/staff/")
    page.locator("input[name=username]").fill("ines")
    page.locator("input[name=password]").fill("pw-for-tests-only")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{base}/staff/")
    for name, path in STAFF.items():
        url = base + path.format(proposal=site_data["proposal"])
        problems[name] = check(
            page, axe_script, url, STATUS.get(name, 200), english, f"{language}-{name}"
        )
    context.close()

    failed = {name: found for name, found in problems.items() if found}
    assert failed == {}, "\n".join(
        f"{language} {name}:\n  " + "\n  ".join(found) for name, found in failed.items()
    )
