"""URLs by action name: one row's link worked out once for a page's rows is the same URL."""

import pytest
from genshi.core import escape

from rum.actions import Action
from rum.builtin_actions import builtin_table
from rum.errors import NotFound
from rum.urls import Urls

IDS = ["5", "a/b c", "&<>\"'", "ü%", "", "x.y~z-_"]


@pytest.mark.parametrize("script_name", ["", "/admin", '/a&"b<'])
@pytest.mark.parametrize("name", ["show", "edit", "confirm_delete", "history"])
@pytest.mark.parametrize("then", ["", "?return_to=/movies%3Fq%3Da%26b", '&"<'])
def test_for_id_is_url_then_what_follows(script_name, name, then):
    urls = Urls(script_name, builtin_table())
    plain, marked = urls.for_id(name, "movies", then), urls.for_id(name, "mo vies", then, escape)
    for ident in IDS:
        assert plain(ident) == urls.url(name, "movies", ident) + then
        made = marked(ident)
        assert made == escape(urls.url(name, "mo vies", ident) + then) and type(made) is str


def test_for_id_of_a_path_with_more_than_an_id_or_of_no_action_asks_url():
    table = builtin_table().with_([Action("twice", "/{resource}/{id}/{id}", ("GET",), "read",
                                          lambda call: None, "row")])
    urls = Urls("/admin", table)
    assert urls.for_id("twice", "movies", "!")("a&b") == urls.url("twice", "movies", "a&b") + "!"
    assert urls.for_id("twice", "movies", escaped=escape)("<") == "/admin/movies/%3C/%3C"
    missing = urls.for_id("no_such", "movies")  # the error comes as url()'s, when asked
    with pytest.raises(NotFound):
        missing("1")
