"""PageWriter writes the bytes Genshi's pipeline renders: every Genshi construct a page
template may use, through a layout's match templates, in several languages; what it does
not write the same way it refuses, and the page is rendered through Genshi instead."""

import logging
from gettext import NullTranslations

import pytest
from genshi.core import Markup
from genshi.input import HTML
from genshi.template import Context

from rum.i18n import DEFAULT, Catalogs, Translations
from rum.page_writer import NotWritable, PageWriter
from rum.rendering import TRANSLATIONS, Renderer
from rum.values import display
from tests.conftest import wrap

PY = 'xmlns="http://www.w3.org/1999/xhtml" xmlns:py="http://genshi.edgewall.org/"'
XI = 'xmlns:xi="http://www.w3.org/2001/XInclude"'
I18N = 'xmlns:i18n="http://genshi.edgewall.org/i18n"'
LAYOUT = (f'<html {PY} py:strip="">'
          '<py:match path="head" once="true"><head><title>${select("title/text()")} · site'
          '</title><script>var a = 1 &lt; 2;</script></head></py:match>'
          '<py:match path="body" once="true"><body><p class="t">${select("text()")}</p>'
          '<main>${select("*|text()")}</main></body></py:match></html>')


def page(body: str, head: str = "<title>${title}</title>", html_attrs: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html {PY} {XI} {I18N}{html_attrs}><xi:include href="layout.html"/>'
            f"<head>{head}</head><body>{body}</body></html>")


class Shown:
    def __str__(self):
        return "<shown & told>"


DATA = {"title": "A & B <c>", "items": ["x", "y<", 3], "n": 7, "f": 2.5, "none": None,
        "flag": True, "off": False, "attrs": {"class": "k", "data-n": 4, "gone": None},
        "markup": HTML("<b>bold</b> &amp; more"), "shown": Shown(),
        "rows": [{"id": 1, "name": "one"}, {"id": 2, "name": "t\"wo"}], "Markup": Markup,
        "italic": "<i>i</i>"}

# each a page body; the table is the class of constructs, each written as Genshi renders it
BODIES = {
    "text and expressions": "plain ${title} ${n} ${f} ${none} ${shown} ${items}",
    "attribute interpolation": '<a href="/x?a=${n}&amp;b=${title}" title="${none}" '
                               'class="c-${none}">x</a><span id="${none}">y</span>',
    "markup and streams": "<div>${markup}</div>${Markup(italic)}",
    "if, for, with": '<ul><li py:for="r in rows" py:if="r.id > 0" py:with="x = r.name">'
                     "${r.id}: ${x}</li></ul><p py:if=\"off\">never</p>",
    "choose": '<py:choose test="n"><b py:when="1">one</b><b py:when="7">seven</b>'
              "<b py:otherwise=\"\">other</b></py:choose>"
              '<py:choose><i py:when="off">a</i><i py:otherwise="">b</i></py:choose>',
    "def and call": '<py:def function="cell(v)"><td>${v}</td></py:def>'
                    '<table><tr>${cell(title)}${cell(n)}</tr></table>',
    "attrs, content, replace, strip": '<p py:attrs="attrs">a</p><p py:content="title">x</p>'
                                      '<p py:replace="n">x</p><div py:strip="flag"><b>kept</b>'
                                      '</div><div py:strip="off">shown</div>',
    "void and boolean": '<input type="checkbox" checked="${flag or None}" disabled="${off or None}"/>'
                        '<input name="a"></input><br/><hr class="${n}"/><select multiple="multiple">'
                        '<option selected="${flag}">o</option></select><div hidden="hidden"></div>',
    "script and style": '<script>if (a &lt; b) { x = "${italic}"; }</script>'
                        "<style>p &gt; b { color: red }</style><p>${title}</p>",
    "comments and python": "<!-- the body's own --><div><!-- in a div --></div>"
                           "<?python z = n * 2 ?><b>${z}</b>",
    "text directly in body": "loose ${n} text <b>in</b> tail",
    "i18n message": '<p i18n:msg="n">You have ${n} rows</p>',
    "empty": "",
}


@pytest.fixture
def renderer(tmp_path):
    (tmp_path / "layout.html").write_text(LAYOUT)
    return Renderer([str(tmp_path)])


def render_both(renderer, tmp_path, name: str, source: str, lang: str = "en"):
    """The page written by PageWriter and rendered by Genshi's pipeline, same data."""
    (tmp_path / name).write_text(source)
    translations = Catalogs()[lang] if lang != "en" else None
    written = renderer.render(name, DATA, translations=translations)
    template = renderer.template(name)
    ordinary = renderer.generated(template, _data(translations), _tr(translations))
    return written, ordinary


def _tr(translations):
    return translations or Translations(DEFAULT, NullTranslations())


def _data(translations):
    """What `Renderer.render` adds to a page's data."""
    tr = _tr(translations)
    return {**DATA, TRANSLATIONS: tr, "_": tr.gettext, "ngettext": tr.ngettext, "lang": tr.lang,
            "in_sentence": tr.in_sentence, "display": display, "number": tr.formats.count}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("case", sorted(BODIES))
def test_every_construct_is_written_as_genshi_renders_it(renderer, tmp_path, case, lang):
    written, ordinary = render_both(renderer, tmp_path, "p.html", page(BODIES[case]), lang)
    assert written == ordinary
    assert renderer._writable.get("p.html", True) is True  # written, not fallen back


def test_the_page_language_and_its_own(renderer, tmp_path):
    written, ordinary = render_both(renderer, tmp_path, "p.html", page("x"))
    assert written == ordinary and '<html lang="en">' in written
    written, ordinary = render_both(renderer, tmp_path, "q.html", page("x", html_attrs=' lang="fr"'))
    assert written == ordinary and '<html lang="fr">' in written


# what PageWriter refuses: the page is still Genshi's, by Genshi's pipeline
REFUSED = {
    "another namespace": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>',
    "a processing instruction": "<?php echo 1 ?>",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_it_refuses_is_rendered_by_genshi(renderer, tmp_path, case):
    written, ordinary = render_both(renderer, tmp_path, "p.html", page(REFUSED[case]))
    assert written == ordinary
    assert renderer._writable["p.html"] is False


def test_a_selection_inside_an_attribute_is_refused(tmp_path):
    (tmp_path / "layout.html").write_text(LAYOUT.replace(
        '<p class="t">', '<p class="t" title="${select(\'text()\')}">'))
    renderer = Renderer([str(tmp_path)])
    (tmp_path / "p.html").write_text(page("x &amp; y"))
    template = renderer.template("p.html")
    with pytest.raises(NotWritable):
        renderer.written(template, _data(None), _tr(None))
    assert '<p class="t" title="x &amp; y">' in renderer.render("p.html", DATA)


def test_a_static_title_selected_into_an_attribute_is_escaped_once(tmp_path):
    """`rum.page_static` keeps the text `title/text()` and `text()` select as text: as
    markup, an attribute would escape it again."""
    (tmp_path / "layout.html").write_text(LAYOUT.replace(
        "<script>", '<meta name="t" content="${select(\'title/text()\')}"/><script>'))
    renderer = Renderer([str(tmp_path)])
    (tmp_path / "p.html").write_text(page("x", head="<title>t &amp; u</title>"))
    assert '<meta name="t" content="t &amp; u">' in renderer.render("p.html", DATA)


def test_rum_pages_and_widgets_are_all_written(rum_app, client, caplog):
    """Rum's own page and widget templates never fall back (the shared fixture compares
    every page and widget the suite renders with Genshi's rendering)."""
    caplog.set_level(logging.DEBUG, logger="rum_toscawidgets.templated")
    for path in ["/", "/movies", "/movies?sort=-year&q=a&f.genre.eq=1", "/movies/1",
                 "/movies/1/edit", "/movies/new", "/genres/1/movies", "/movies/1/confirm_delete",
                 "/nothing"]:
        for lang in ["en", "es", "de"]:
            client.get(path, headers={"Accept-Language": lang}, expect_errors=True)
    assert rum_app.renderer._writable == {}
    assert "rendered through Genshi" not in caplog.text


def test_a_user_template_with_a_def_is_written(demo_db, tmp_path):
    from rum import RumApp
    from tests.conftest import demo_config
    (tmp_path / "home.html").write_text(page(
        '<py:def function="hi(x)"><b>hi ${x}</b></py:def>${hi(app_title)}', head="<title>H</title>"))
    app = RumApp(demo_config(demo_db, rum={"templates": [str(tmp_path)]}))
    text = wrap(app).get("/").text
    assert "<b>hi " in text and app.renderer._writable == {}


def test_text_raw_in_a_script_is_still_escaped_elsewhere(tmp_path):
    """Genshi's serializer caches each text's output per render, whatever element it was
    in: a value first written raw inside `<script>` comes out raw outside it too. The
    writer escapes every text by where it is."""
    (tmp_path / "layout.html").write_text(LAYOUT.replace('<p class="t">${select("text()")}</p>', ""))
    renderer = Renderer([str(tmp_path)])
    (tmp_path / "p.html").write_text(page('<script>var t = "${italic}";</script><p>${italic}</p>'))
    template = renderer.template("p.html")
    writer = PageWriter(Context(**_data(None)), "en")
    writer.write(renderer._compiled_stream(template, _tr(None)))
    written = writer.text()
    assert 'var t = "<i>i</i>";' in written and "<p>&lt;i&gt;i&lt;/i&gt;</p>" in written
    assert "<p><i>i</i></p>" in renderer.generated(template, _data(None), _tr(None))


def test_a_widget_template_is_written_as_genshi_renders_it_or_refused():
    from genshi.template import MarkupTemplate

    from rum.page_writer import write_fragment
    from rum_toscawidgets.templated import rendered
    widget = MarkupTemplate(f'<div {PY} class="w"><b py:for="r in rows">${{r.name}}</b>'
                            '<input name="q" value="${title}"/></div>')
    assert write_fragment(widget, DATA) == rendered(widget, DATA)
    assert write_fragment(widget, DATA).startswith('<div class="w"><b>one</b>')
    with_doctype = MarkupTemplate(f"<!DOCTYPE html>\n<div {PY}>x</div>")
    with pytest.raises(NotWritable):
        write_fragment(with_doctype, DATA)
