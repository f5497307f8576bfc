"""axe-core over each page state, in English and German, at desktop and phone size, JS on and off.

A page state is one row of STATES: a name and either a path or a function that takes the page
there (and checks it got there, so axe never passes on the wrong page). axe-core comes from
npm (tests/browser/package.json, installed by `make browser-test`).
"""

import os
import re
import sqlite3
import uuid

import pytest

from tests.functional.servers import serve_demo

AXE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_modules", "axe-core",
                   "axe.min.js")
RUN_AXE = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(
  v => ({id: v.id, impact: v.impact, help: v.help,
         targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length})))"""
# With page JS off Chromium runs no timers, and axe waits on setTimeout(0) between rules: run
# those as promise jobs (which still run); longer ones are only axe's own time limits.
NO_TIMERS = """() => { window.setTimeout = (f, ms, ...a) => {
  if (!ms) Promise.resolve().then(() => f(...a)); return 0; }; window.clearTimeout = () => {}; }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One demo server for the module: no state writes except `conflict`, on its own row."""
    with serve_demo(tmp_path_factory.mktemp("axe")) as srv:
        yield srv


@pytest.fixture(params=["en-US", "de-DE"])
def locale(request):
    return request.param


class Axe(str):
    """axe-core's source; its repr keeps half a megabyte out of failure reports."""

    def __repr__(self):
        return f"<axe-core, {len(self)} characters>"


@pytest.fixture(scope="session")
def axe_source():
    if not os.path.exists(AXE):
        missing = pytest.fail if os.environ.get("RUM_REQUIRE_BROWSER") else pytest.skip
        missing(f"no axe-core at {AXE}; make browser-test installs it (npm)")
    with open(AXE, encoding="utf-8") as f:
        return Axe(f.read())


def list_with_filters_open(page):
    page.goto(page.base + "/movies")
    page.click("details.filters summary")
    assert page.evaluate("document.querySelector('details.filters').open")


def new_with_errors(page):
    page.goto(page.base + "/movies/new")
    page.click("form.record button.primary[type=submit]")
    page.locator("#error-summary").wait_for()


def bulk_confirm(page):
    page.goto(page.base + "/rentals")
    boxes = page.locator("table.grid tbody input[name=ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("form#bulk button.danger[type=submit]")
    page.wait_for_url(re.compile(r"/rentals/delete_many\?"))
    page.locator("button.danger").wait_for()


def conflict(page):
    """Edit movie 2's title while someone else changes it: the same field, so a conflict."""
    page.goto(page.base + "/movies/2/edit")
    with sqlite3.connect(page.db) as conn:
        conn.execute("UPDATE movie SET title = ? WHERE id = 2", (f"Theirs {uuid.uuid4().hex[:8]}",))
    page.fill("#title", "Mine")
    page.click("form.record button.primary[type=submit]")
    page.locator("table.conflict tr.conflicting").wait_for()


def shared_name_choice(page):
    """A name two actors share, typed without picking: the form offers both beside the field."""
    page.goto(page.base + "/movies/new")
    page.fill("#title", "Two Mayas")
    page.fill("#year", "2020")
    page.select_option("#genre", label="Drama")
    page.fill("#actors", "Maya Moreau")
    page.click("form.record button.primary[type=submit]")
    page.locator("fieldset.pick").wait_for()
    assert page.locator("input[type=radio]").count() >= 2


def select_all_matching(page):
    page.goto(page.base + "/rentals/delete_many?all=1&f.returned.eq=false")
    assert page.locator("ul.refs li").count() > 1


STATES = [
    ("list-filters-open", list_with_filters_open),
    ("show", "/movies/1"),
    ("edit", "/movies/1/edit"),
    ("new-with-errors", new_with_errors),
    ("confirm-delete", "/movies/1/confirm_delete"),
    ("bulk-confirm", bulk_confirm),
    ("conflict", conflict),
    ("shared-name-choice", shared_name_choice),
    ("filter-name-problem", "/movies?op.director=eq&v.director=Greta+Holm"),
    ("all-matching-confirm", select_all_matching),
    ("nested-row-breadcrumbs", "/movies/5/actors"),
    ("home", "/"),
]


def report(violations) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}\n    "
                     + "\n    ".join(v["targets"]) for v in violations)


@pytest.mark.parametrize("state", [to for _, to in STATES], ids=[name for name, _ in STATES])
def test_no_axe_violations(axe_source, sized, locale, state):
    if callable(state):
        state(sized)
    else:
        response = sized.goto(sized.base + state)
        assert response.ok, (state, response.status)
    assert sized.evaluate("document.documentElement.lang") == locale.split("-")[0]
    if not sized.js:
        sized.evaluate(NO_TIMERS)
    sized.evaluate("src => (0, eval)(src)", axe_source)  # evaluate runs with page JS off too
    violations = sized.evaluate(RUN_AXE)
    assert not violations, f"{sized.url} ({sized.js and 'js' or 'nojs'}):\n{report(violations)}"
