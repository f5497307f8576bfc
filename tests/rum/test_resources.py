"""Names, defaults and config options of resources; the registry."""

import pytest

from rum.admin import Admin
from rum.contracts import ModelInfo
from rum.errors import ConfigError, NotFound
from rum.fields import Field
from rum.resources import Registry, build_resource, class_options, plural, singular, snake

FIELDS = (
    Field("id", "integer", read_only=True, primary_key=True),
    Field("title", "string", searchable=True),
    Field("year", "integer"),
    Field("genre", "to_one", related="genres"),
    Field("actors", "to_many", related="actors"),
    Field("description", "text", searchable=True),
    Field("poster", "binary"),
    Field("extra", "json"),
    Field("created_at", "datetime", read_only=True),
)
MOVIE = ModelInfo(object, "Movie", FIELDS, label_fields=("title",))
KEY = "resources.Movie"


def build(options=None, info=MOVIE, page_size=20):
    return build_resource(info, options or {}, KEY, page_size)


def names(fields) -> list[str]:
    return [f.name for f in fields]


@pytest.mark.parametrize("word, expected", [
    ("movie", "movies"), ("category", "categories"), ("day", "days"), ("key", "keys"),
    ("box", "boxes"), ("class", "classes"), ("match", "matches"), ("bush", "bushes"),
    ("person", "persons"), ("movie_rental", "movie_rentals"),
    # already plural: served as named, never /binses or /employeeses
    ("bins", "bins"), ("categories", "categories"), ("employees", "employees"),
    ("boxes", "boxes"), ("days", "days"), ("order_lines", "order_lines"),
    ("status", "statuses"), ("address", "addresses"), ("bus", "buses"),
])
def test_plural(word, expected):
    assert plural(word) == expected


@pytest.mark.parametrize("word, expected", [
    ("bins", "bin"), ("categories", "category"), ("employees", "employee"),
    ("boxes", "box"), ("matches", "match"), ("classes", "class"), ("days", "day"),
    ("warehouses", "warehouse"), ("orders", "order"),
    ("bin", "bin"), ("status", "status"), ("address", "address"), ("bus", "bus"),
    ("movie", "movie"), ("user", "user"), ("select", "select"),
])
def test_singular(word, expected):
    assert singular(word) == expected
    assert plural(singular(word)) == plural(word)


@pytest.mark.parametrize("name, expected", [
    ("Movie", "movie"), ("MovieRental", "movie_rental"), ("movie", "movie"),
    ("Movie2Actor", "movie2_actor"), ("already_snake", "already_snake"),
])
def test_snake(name, expected):
    assert snake(name) == expected


def test_defaults():
    r = build()
    assert (r.name, r.label, r.plural_label, r.model, r.page_size) == (
        "movies", "Movie", "Movies", object, 20)
    assert r.fields == FIELDS
    assert names(r.list_fields) == ["id", "title", "genre", "year", "created_at"]
    assert names(r.form_fields) == ["title", "year", "genre", "actors", "description", "poster",
                                    "extra"]


def test_default_names_of_a_two_word_model():
    r = build(info=ModelInfo(object, "MovieRental", FIELDS))
    assert (r.name, r.label, r.plural_label) == ("movie_rentals", "Movie rental", "Movie rentals")


def test_default_list_fields_are_capped_at_eight():
    many = tuple(Field(f"f{i}", "string") for i in range(12))
    r = build(info=ModelInfo(object, "Wide", (Field("notes", "text"), *many)))
    assert names(r.list_fields) == [f"f{i}" for i in range(8)]


@pytest.mark.parametrize("label_fields, expected", [
    (("title",), ["id", "title", "author", "isbn", "price", "format", "pages", "year"]),
    (("title", "subtitle"), ["id", "title", "subtitle", "author", "isbn", "price", "format",
                             "pages"]),
    ((), ["id", "author", "isbn", "price", "format", "pages", "year", "publisher"]),
])
def test_default_list_fields_put_the_label_and_to_ones_first(label_fields, expected):
    """A book with many columns lists its title and author, not only isbn, price, format;
    long text, JSON, binary and to-many relations are left out."""
    wide = (Field("isbn", "string"), Field("price", "decimal"), Field("format", "string"),
            Field("blurb", "text"), Field("pages", "integer"), Field("year", "integer"),
            Field("meta", "json"), Field("publisher", "string"), Field("scan", "binary"),
            Field("reviews", "to_many", related="reviews"), Field("title", "string"),
            Field("subtitle", "string"), Field("author", "to_one", related="authors"))
    info = ModelInfo(object, "Book", (Field("id", "integer", primary_key=True), *wide),
                     label_fields=label_fields)
    assert names(build(info=info).list_fields) == expected


def test_name_label_plural_page_size_options():
    r = build({"name": "films", "label": "Film", "page_size": 50}, page_size=20)
    assert (r.name, r.label, r.plural_label, r.page_size) == ("films", "Film", "Films", 50)
    r = build({"label": "Person", "plural": "People"})
    assert (r.name, r.label, r.plural_label) == ("movies", "Person", "People")
    assert build(page_size=7).page_size == 7


def test_list_and_form_fields_options_keep_given_order():
    r = build({"list_fields": ["year", "title", "description"],
               "form_fields": ["created_at", "title"]})
    assert names(r.list_fields) == ["year", "title", "description"]
    assert names(r.form_fields) == ["created_at", "title"]
    assert names(r.fields) == names(FIELDS)


def test_search_fields_option_replaces_searchable():
    r = build({"search_fields": ["year", "title"]})
    assert sorted(f.name for f in r.fields if f.searchable) == ["title", "year"]
    assert r.field("description").searchable is False
    assert build({"search_fields": []}).fields_by_name["title"].searchable is False


def test_fields_option_overrides_attributes_everywhere():
    r = build({"fields": {"title": {"label": "Name", "max_length": 80},
                          "created_at": {"read_only": False}}})
    assert names(r.fields) == names(FIELDS)
    assert (r.field("title").label, r.field("title").max_length) == ("Name", 80)
    assert next(f for f in r.list_fields if f.name == "title").label == "Name"
    assert "created_at" in names(r.form_fields)
    assert FIELDS[1].label == "Title"  # the model's own fields are left alone


def test_fields_option_applies_before_search_fields():
    r = build({"fields": {"year": {"searchable": True}}, "search_fields": ["title"]})
    assert r.field("year").searchable is False


def test_resource_field_lookup():
    r = build()
    assert r.field("year") is FIELDS[2]
    assert r.fields_by_name["genre"] is FIELDS[3]
    with pytest.raises(NotFound) as info:
        r.field("nope")
    assert "'nope'" in info.value.message


@pytest.mark.parametrize("options, key, words", [
    ({"colour": "red"}, KEY, "colour"),
    ({"list_fields": ["title"], "lable": "x"}, KEY, "lable"),
    ({"list_fields": ["title", "nope"]}, f"{KEY}.list_fields", "nope"),
    ({"form_fields": ["nope"]}, f"{KEY}.form_fields", "nope"),
    ({"search_fields": ["title", "nope"]}, f"{KEY}.search_fields", "nope"),
    ({"fields": {"nope": {"label": "x"}}}, f"{KEY}.fields", "nope"),
])
def test_config_errors_name_the_key(options, key, words):
    with pytest.raises(ConfigError) as info:
        build(options)
    assert info.value.key == key
    assert words in str(info.value)


def test_registry():
    movies = build()
    genres = build(info=ModelInfo(dict, "Genre", (Field("name", "string"),)))
    reg = Registry([movies, genres])
    assert list(reg) == [movies, genres]
    assert len(reg) == 2
    assert "genres" in reg and "movies" in reg and "Movie" not in reg
    assert reg.get("genres") is genres
    with pytest.raises(NotFound) as info:
        reg.get("actors")
    assert info.value.status == 404


def test_registry_rejects_duplicate_names():
    with pytest.raises(ConfigError) as info:
        Registry([build(), build({"label": "Film"})])
    assert info.value.key == "resources"
    assert "'movies'" in str(info.value)
    renamed = Registry([build(), build({"name": "films"})])
    assert [r.name for r in renamed] == ["movies", "films"]


def test_unknown_attribute_in_fields_option_is_a_config_error():
    with pytest.raises(ConfigError):
        build({"fields": {"title": {"colour": "red"}}})


def test_negative_page_size_is_a_config_error():
    with pytest.raises(ConfigError):
        build({"page_size": -5})


# -- resource classes (rum.admin.Admin) and the options they share with the INI ----------
def build_with(attrs: dict, options=None):
    """A resource built from a resource class with `attrs` and INI `options`."""
    return build_resource(MOVIE, options or {}, KEY, 20, admin=type("MovieAdmin", (Admin,),
                                                                     attrs)())


def shout(value, record):
    return str(value).upper()


@pytest.mark.parametrize("option, value, key, words", [
    ("fieldsets", [("Main", ["title", "nope"])], f"{KEY}.fieldsets", "'nope'"),
    ("fieldsets", [("Main", ["title"]), ("More", ["year", "title"])], f"{KEY}.fieldsets",
     "'title' is in more than one place"),
    ("fieldsets", [("Main", ["title", "title"])], f"{KEY}.fieldsets", "more than one place"),
    ("fieldsets", [("Main", "title")], f"{KEY}.fieldsets", "(title, [field names])"),
    ("fieldsets", [("Main", ["title"], "extra")], f"{KEY}.fieldsets", "pairs"),
    ("fieldsets", "title", f"{KEY}.fieldsets", "pairs"),
    ("read_only_fields", ["nope"], f"{KEY}.read_only_fields", "'nope'"),
    ("read_only_fields", "title", f"{KEY}.read_only_fields", "list of field names"),
    ("default_sort", "-nope", f"{KEY}.default_sort", "'nope'"),
    ("default_sort", "genre", f"{KEY}.default_sort", "'genre' cannot be sorted on"),
    ("default_sort", "-actors", f"{KEY}.default_sort", "cannot be sorted on"),
    ("default_sort", "year,-year", f"{KEY}.default_sort", "'year' is named twice"),
    ("default_sort", "-year,", f"{KEY}.default_sort", "unknown field ''"),
    ("default_sort", "--year", f"{KEY}.default_sort", "'-year'"),
    ("default_sort", 5, f"{KEY}.default_sort", "'-year,title'"),
    ("list_fields", "title", f"{KEY}.list_fields", "list of field names"),
    ("form_fields", ["title", 3], f"{KEY}.form_fields", "list of field names"),
    ("search_fields", ["nope"], f"{KEY}.search_fields", "'nope'"),
    ("label", 5, f"{KEY}.label", "text"),
    ("page_size", "20", f"{KEY}.page_size", "whole number"),
    ("fields", ["title"], f"{KEY}.fields", "dict"),
    ("fields", {"nope": {"label": "x"}}, f"{KEY}.fields", "'nope'"),
])
@pytest.mark.parametrize("via", ["ini", "class"])
def test_option_mistakes_name_the_key_from_the_ini_or_the_class(via, option, value, key,
                                                                words):
    with pytest.raises(ConfigError) as info:
        if via == "ini":
            build({option: value})
        else:
            build_with({option: value})
    assert info.value.key == key
    assert words in str(info.value)


@pytest.mark.parametrize("attrs, key, words", [
    ({"widgets": {"nope": object}}, f"{KEY}.widgets", "'nope'"),
    ({"widgets": ["title"]}, f"{KEY}.widgets", "dict"),
    ({"formatters": {"nope": shout}}, f"{KEY}.formatters", "'nope'"),
    ({"formatters": {"title": "upper"}}, f"{KEY}.formatters.title", "function"),
])
def test_class_only_option_mistakes_name_the_key(attrs, key, words):
    with pytest.raises(ConfigError) as info:
        build_with(attrs)
    assert info.value.key == key
    assert words in str(info.value)


def test_class_attributes_fill_the_resource():
    widget = object()
    r = build_with({"name": "films", "label": "Film", "plural": "Films!", "page_size": 7,
                    "count_limit": 99, "list_fields": ["year", "title"],
                    "form_fields": ["title"], "search_fields": ["title", "description"],
                    "fields": {"year": {"label": "Released"}},
                    "fieldsets": [("Main", ["title", "year"]), (None, ["description"])],
                    "default_sort": ["-year", " title "],
                    "widgets": {"description": widget}, "formatters": {"title": shout}})
    assert (r.name, r.label, r.plural_label, r.page_size, r.count_limit) == (
        "films", "Film", "Films!", 7, 99)
    assert names(r.list_fields) == ["year", "title"] and names(r.form_fields) == ["title"]
    assert sorted(f.name for f in r.fields if f.searchable) == ["description", "title"]
    assert r.field("year").label == "Released" and r.list_fields[0].label == "Released"
    assert r.fieldsets == (("Main", ("title", "year")), ("", ("description",)))
    assert r.default_sort == "-year,title"  # the query syntax parse_query reads
    assert r.widgets == {"description": widget} and r.formatters == {"title": shout}
    assert type(r.admin).__name__ == "MovieAdmin"


def test_resource_without_a_class_has_a_plain_admin_and_the_defaults():
    r = build()
    assert type(r.admin) is Admin
    assert (r.fieldsets, r.default_sort, r.widgets, r.formatters) == ((), "", {}, {})
    assert class_options(r.admin) == {}


def test_class_options_are_what_the_class_sets():
    class Base(Admin):
        label = "Film"
        list_fields = []

    class MovieAdmin(Base):
        default_sort = "-year"
    assert class_options(MovieAdmin()) == {"label": "Film", "list_fields": [],
                                           "default_sort": "-year"}
    assert names(build_with({"list_fields": []}).list_fields) == []  # empty is a choice


@pytest.mark.parametrize("attrs, options, check", [
    ({"list_fields": ["title"]}, {"list_fields": ["year"]},
     lambda r: names(r.list_fields) == ["year"]),
    ({"label": "Film", "page_size": 5}, {"page_size": 9},
     lambda r: (r.label, r.page_size) == ("Film", 9)),
    ({"default_sort": "-year"}, {"default_sort": "title"}, lambda r: r.default_sort == "title"),
    ({"read_only_fields": ["year"]}, {"read_only_fields": ["title"]},
     lambda r: (r.field("title").read_only, r.field("year").read_only) == (True, False)),
    # an INI `fields` replaces the class's whole, it is not merged
    ({"fields": {"title": {"label": "Name"}}}, {"fields": {"year": {"label": "Released"}}},
     lambda r: (r.field("title").label, r.field("year").label) == ("Title", "Released")),
    ({"fieldsets": [("A", ["title"])]}, {"fieldsets": [("B", ["year"])]},
     lambda r: r.fieldsets == (("B", ("year",)),)),
    ({"name": "films"}, {"name": "pictures"}, lambda r: r.name == "pictures"),
])
def test_ini_options_win_over_class_attributes(attrs, options, check):
    assert check(build_with(attrs, options))
    assert not check(build_with(attrs))  # the class alone says otherwise


def test_read_only_fields_are_shown_not_written():
    r = build({"read_only_fields": ["year", "genre"]})
    assert (r.field("year").read_only, r.field("genre").read_only) == (True, True)
    assert "year" in names(r.list_fields)  # still listed
    assert names(r.form_fields) == ["title", "actors", "description", "poster", "extra"]
    listed = build({"read_only_fields": ["year"], "form_fields": ["title", "year"]})
    assert [(f.name, f.read_only) for f in listed.form_fields] == [("title", False),
                                                                   ("year", True)]
    assert FIELDS[2].read_only is False  # the model's own fields are left alone


def test_a_class_attribute_stays_as_it_was():
    class MovieAdmin(Admin):
        widgets = {"title": object}
        formatters = {"title": shout}
    r = build_resource(MOVIE, {}, KEY, 20, admin=MovieAdmin())
    r.widgets["year"] = object
    r.formatters.clear()
    assert set(MovieAdmin.widgets) == {"title"} and MovieAdmin.formatters == {"title": shout}
