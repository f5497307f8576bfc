"""Layout checks at desktop and phone size: what a person sees, measured in Chromium."""

import pytest

CONTROL_BOXES = """() => {
  const panel = document.querySelector('details.filters').getBoundingClientRect();
  const controls = [...document.querySelectorAll(
      '.filter-bar select, .filter-bar input:not([type=hidden]), .filter-bar button, .filter-actions a')];
  return {panel: [panel.left, panel.right],
          boxes: controls.map(e => { const r = e.getBoundingClientRect();
                                     return [e.name || e.textContent, r.left, r.top, r.right, r.bottom]; })};
}"""


def overlap(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


def test_show_page_rows_are_compact_and_text_keeps_its_lines(sized):
    sized.goto(sized.base + "/movies/1")
    tops = sized.evaluate("[...document.querySelectorAll('dl.detail dt')]"
                          ".map(e => [e.textContent, e.getBoundingClientRect().top])")
    one_line = ["Id", "Title", "Year", "Genre", "Director"]
    top_of = dict(tops)
    assert [label for label, _ in tops][:5] == one_line
    for upper, lower in zip(one_line, one_line[1:], strict=False):
        assert 0 < top_of[lower] - top_of[upper] <= 80, (upper, lower, tops)
    text_style = sized.evaluate("getComputedStyle(document.querySelectorAll('dl.detail dd')[5])"
                                ".whiteSpace")
    assert text_style == "pre-wrap"  # the description (kind text) keeps its line breaks


def test_filter_controls_do_not_overlap_or_leave_the_panel(sized):
    sized.goto(sized.base + "/movies")
    sized.locator("details.filters summary").click()
    assert sized.evaluate("document.querySelector('details.filters').open")
    found = sized.evaluate(CONTROL_BOXES)
    left, right = found["panel"]
    boxes = found["boxes"]
    assert len(boxes) >= 6
    for box in boxes:
        assert left <= box[1] and box[3] <= right, (box, found["panel"])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not overlap(a, b), (a, b)


@pytest.mark.parametrize("path", ["/", "/movies", "/movies/1", "/movies/1/edit", "/movies/new",
                                  "/movies/5/actors"])
def test_no_sideways_scroll_on_a_phone(browser, server, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        pg = context.new_page()
        pg.goto(server.base + path)
        width, inner = pg.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, (path, width, inner)
    finally:
        context.close()


@pytest.mark.parametrize("path, current", [("/movies", "Movies"), ("/movies/5/actors", "Movies"),
                                           ("/actors", "Actors"), ("/movies/5", "Movies")])
def test_menu_marks_the_resource_the_page_hangs_under(browser, server, path, current):
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(server.base + path)
        marked = pg.locator("header.top li.current").all_inner_texts()
        assert [m.strip() for m in marked] == [current]
    finally:
        context.close()
