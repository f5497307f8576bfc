"""rum_sqlalchemy.introspect: mapped classes -> rum fields, and the label column of a model."""

import datetime
import enum

import pytest
import sqlalchemy as sa
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    Time,
    Uuid,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Session, column_property, relationship

from model import Actor, Director, Genre, Movie, Person, Rental
from rum.fields import KINDS
from rum_sqlalchemy.introspect import column_kind, enum_value, label_attribute, model_fields


def fields_of(model) -> dict:
    return {f.name: f for f in model_fields(model)}


# -- a model module of our own, covering every column kind -------------------------------------

class KindsBase(DeclarativeBase):
    pass


class Mood(enum.Enum):
    HAPPY = "happy"
    GLUM = "glum"


class Specimen(KindsBase):
    __tablename__ = "specimen"
    id = Column(Integer, primary_key=True)
    code = Column(String(12), nullable=False)
    notes = Column(Text)
    population = Column(BigInteger, nullable=False)
    price = Column(Numeric(10, 2), nullable=False)
    weight = Column(Float)
    active = Column(Boolean, nullable=False)
    found_on = Column(Date, nullable=False)
    seen_at = Column(DateTime)
    feeds_at = Column(Time)
    mood = Column(Enum(Mood), nullable=False)
    size = Column(Enum("small", "medium", "large", name="specimen_size"))
    photo = Column(LargeBinary)
    extra = Column(JSON)
    token = Column(Uuid, nullable=False)
    status = Column(String(10), nullable=False, default="new")
    created_at = Column(DateTime, nullable=False, default=datetime.datetime.now)
    rank = Column(Integer, nullable=False, server_default="0")
    nickname = Column(String(40), nullable=True)
    double_weight = column_property(weight * 2)


class Reading(KindsBase):
    """A composite primary key: no part of it is generated."""

    __tablename__ = "reading"
    station = Column(String(8), primary_key=True)
    taken_on = Column(Date, primary_key=True)
    seq = Column(Integer, primary_key=True)
    value = Column(Float, nullable=False)


class Tag(KindsBase):
    __tablename__ = "tag"
    id = Column(Integer, primary_key=True)
    label = Column(String(30), nullable=False)

    @hybrid_property
    def shout(self):
        return self.label.upper()


class SpecimenTag(KindsBase):
    """An association object: its foreign keys are its primary key."""

    __tablename__ = "specimen_tag"
    specimen_id = Column(ForeignKey("specimen.id"), primary_key=True)
    tag_id = Column(ForeignKey("tag.id"), primary_key=True)
    note = Column(String(50))
    specimen = relationship(Specimen)
    tag = relationship(Tag)


class Palette(KindsBase):
    """Python-enum columns, stored under SQLAlchemy's default rule and under values_callable."""

    __tablename__ = "palette"
    id = Column(Integer, primary_key=True)
    by_name = Column(Enum(Mood, name="mood_by_name"))
    by_value = Column(Enum(Mood, name="mood_by_value",
                           values_callable=lambda members: [m.value for m in members]))
    plain = Column(Enum("small", "medium", "large", name="palette_size"))


# Label rule models.
class NamedAndTitled(KindsBase):
    __tablename__ = "named_and_titled"
    id = Column(Integer, primary_key=True)
    title = Column(String(50))
    name = Column(String(50))


class OnlyTitled(KindsBase):
    __tablename__ = "only_titled"
    id = Column(Integer, primary_key=True)
    year = Column(Integer)
    title = Column(String(50))


class Account(KindsBase):
    __tablename__ = "account"
    id = Column(Integer, primary_key=True)
    email = Column(String(80))
    username = Column(String(30))


class Gadget(KindsBase):
    __tablename__ = "gadget"
    serial = Column(String(20), primary_key=True)
    weight = Column(Integer)
    description = Column(Text)
    model_no = Column(String(20))


class Counter(KindsBase):
    __tablename__ = "counter"
    id = Column(Integer, primary_key=True)
    total = Column(Integer)


# -- the demo models ---------------------------------------------------------------------------

def test_movie_fields_in_order_primary_key_first():
    names = [f.name for f in model_fields(Movie)]
    assert names == ["id", "title", "year", "genre", "director", "description", "actors",
                     "rentals"]


def test_movie_foreign_key_columns_are_not_fields():
    names = {f.name for f in model_fields(Movie)}
    assert "genre_id" not in names
    assert "director_id" not in names


def test_movie_id_is_a_read_only_integer_primary_key():
    f = fields_of(Movie)["id"]
    assert (f.kind, f.primary_key, f.read_only, f.required) == ("integer", True, True, False)
    assert not f.searchable


def test_movie_title_is_a_required_string_of_200():
    f = fields_of(Movie)["title"]
    assert (f.kind, f.required, f.read_only, f.max_length) == ("string", True, False, 200)
    assert f.searchable and f.sortable
    assert f.label == "Title"


def test_movie_year_is_a_required_integer():
    f = fields_of(Movie)["year"]
    assert (f.kind, f.required, f.read_only, f.max_length) == ("integer", True, False, None)
    assert not f.searchable


def test_movie_genre_is_a_required_to_one_naming_the_model():
    f = fields_of(Movie)["genre"]
    assert (f.kind, f.required, f.read_only, f.related) == ("to_one", True, False, "Genre")
    assert f.is_relation and f.sortable and not f.searchable  # by the genre's name


def test_movie_director_is_an_optional_to_one():
    f = fields_of(Movie)["director"]
    assert (f.kind, f.required, f.read_only, f.related) == ("to_one", False, False, "Director")


def test_movie_description_is_text():
    f = fields_of(Movie)["description"]
    assert (f.kind, f.required, f.max_length) == ("text", False, None)
    assert f.searchable


def test_movie_actors_is_an_editable_many_to_many():
    f = fields_of(Movie)["actors"]
    assert (f.kind, f.read_only, f.required, f.related) == ("to_many", False, False, "Actor")


def test_movie_rentals_is_a_read_only_one_to_many():
    f = fields_of(Movie)["rentals"]
    assert (f.kind, f.read_only, f.related) == ("to_many", True, "Rental")


def test_genre_movies_is_read_only_and_name_required():
    fields = fields_of(Genre)
    assert fields["movies"].kind == "to_many" and fields["movies"].read_only
    assert fields["name"].required and fields["name"].max_length == 100


def test_person_discriminator_is_read_only():
    f = fields_of(Person)["type"]
    assert f.read_only
    assert not f.required
    assert f.default == "person"


def test_person_fields():
    fields = fields_of(Person)
    assert list(fields) == ["id", "type", "name", "birth_date"]
    assert fields["birth_date"].kind == "date" and not fields["birth_date"].required
    assert fields["birth_date"].label == "Birth date"


def test_director_inherits_person_columns_and_its_key_is_read_only():
    fields = fields_of(Director)
    assert list(fields) == ["id", "type", "name", "birth_date", "movies"]
    assert fields["id"].primary_key and fields["id"].read_only and not fields["id"].required
    assert fields["name"].kind == "string" and fields["name"].required
    assert fields["name"].max_length == 100
    assert fields["birth_date"].kind == "date" and not fields["birth_date"].required
    assert fields["type"].read_only
    # One-to-many from the director's side: edited from the movie form.
    assert fields["movies"].kind == "to_many" and fields["movies"].read_only
    assert fields["movies"].related == "Movie"


def test_actor_movies_is_an_editable_many_to_many():
    fields = fields_of(Actor)
    assert fields["id"].read_only
    assert fields["movies"].kind == "to_many" and not fields["movies"].read_only


def test_rental_fields():
    fields = fields_of(Rental)
    assert "movie_id" not in fields
    movie = fields["movie"]
    assert (movie.kind, movie.required, movie.related) == ("to_one", True, "Movie")
    # Defaults make a column optional; a callable default is not shown as a value.
    assert not fields["rented_at"].required and fields["rented_at"].default is None
    assert fields["returned"].kind == "boolean"
    assert not fields["returned"].required and fields["returned"].default is False
    assert fields["customer"].required


def test_demo_labels():
    assert label_attribute(Movie) == "title"
    assert label_attribute(Genre) == "name"
    assert label_attribute(Person) == "name"
    assert label_attribute(Director) == "name"
    assert label_attribute(Rental) == "customer"  # first non-key string column


# -- kinds ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "kind"), [
    ("id", "integer"), ("code", "string"), ("notes", "text"), ("population", "integer"),
    ("price", "decimal"), ("weight", "float"), ("active", "boolean"), ("found_on", "date"),
    ("seen_at", "datetime"), ("feeds_at", "time"), ("mood", "enum"), ("size", "enum"),
    ("photo", "binary"), ("extra", "json"), ("token", "uuid"), ("status", "string"),
    ("created_at", "datetime"), ("rank", "integer"), ("nickname", "string"),
])
def test_column_kinds(name, kind):
    assert fields_of(Specimen)[name].kind == kind


@pytest.mark.parametrize(("column_type", "kind"), [
    (sa.SmallInteger(), "integer"), (sa.Double(), "float"), (sa.Unicode(10), "string"),
    (sa.UnicodeText(), "text"), (sa.UUID(), "uuid"), (sa.Enum("a", "b"), "enum"),
    (sa.Numeric(5, 2), "decimal"), (sa.Float(), "float"), (sa.Text(), "text"),
])
def test_column_kind_prefers_the_most_specific_type(column_type, kind):
    assert column_kind(column_type) == kind


def test_every_kind_is_a_rum_kind():
    for model in (Specimen, Reading, SpecimenTag, Palette, Movie, Director):
        for f in model_fields(model):
            assert f.kind in KINDS, f


def test_max_length_only_for_strings():
    fields = fields_of(Specimen)
    assert fields["code"].max_length == 12
    assert fields["nickname"].max_length == 40
    assert fields["notes"].max_length is None
    assert fields["size"].max_length is None  # an enum is a String underneath, but not here


def test_required_follows_nullability_and_defaults():
    fields = fields_of(Specimen)
    for name in ("code", "population", "price", "found_on", "mood", "token"):
        assert fields[name].required, name
    for name in ("notes", "weight", "seen_at", "feeds_at", "size", "photo", "extra", "nickname"):
        assert not fields[name].required, name  # nullable
    assert not fields["status"].required  # client-side default
    assert not fields["created_at"].required  # callable default
    assert not fields["rank"].required  # server default
    assert not fields["active"].required  # a checkbox cannot be left empty


def test_defaults_are_recorded_unless_callable():
    fields = fields_of(Specimen)
    assert fields["status"].default == "new"
    assert fields["created_at"].default is None
    assert fields["nickname"].default is None


def test_only_strings_and_text_are_searchable():
    searchable = {f.name for f in model_fields(Specimen) if f.searchable}
    assert searchable == {"code", "notes", "status", "nickname"}


def test_binary_and_json_are_not_sortable():
    fields = fields_of(Specimen)
    assert not fields["photo"].sortable
    assert not fields["extra"].sortable
    assert fields["price"].sortable and fields["found_on"].sortable


def test_computed_column_property_is_read_only():
    f = fields_of(Specimen)["double_weight"]
    assert f.read_only and not f.sortable and not f.required
    assert f.kind == "float"


def test_hybrid_property_is_a_read_only_field():
    fields = fields_of(Tag)
    assert list(fields) == ["id", "label", "shout"]
    assert fields["shout"].read_only and not fields["shout"].sortable
    assert not fields["shout"].required


def test_python_enum_choices_are_names_labelled_by_values():
    f = fields_of(Specimen)["mood"]
    assert f.choices == (("HAPPY", "happy"), ("GLUM", "glum"))


def test_string_enum_choices():
    f = fields_of(Specimen)["size"]
    assert f.choices == (("small", "small"), ("medium", "medium"), ("large", "large"))


def test_only_enums_have_choices():
    for f in model_fields(Specimen):
        if f.kind != "enum":
            assert f.choices == (), f.name


def _store(column: str, value):
    """Store `value` in a fresh Palette row of an in-memory SQLite database, read it back."""
    engine = sa.create_engine("sqlite://")
    KindsBase.metadata.create_all(engine, tables=[Palette.__table__])
    try:
        with Session(engine) as session:
            row = Palette(**{column: value})
            session.add(row)
            session.commit()
            return session.scalar(sa.select(getattr(Palette, column)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("column", [
    "plain",
    "by_name",
    "by_value",
])
def test_enum_choice_values_can_be_stored(column):
    f = fields_of(Palette)[column]
    assert len(f.choices) >= 2
    for value, _label in f.choices:
        stored = _store(column, value)
        if isinstance(stored, enum.Enum):
            stored = enum_value(sa.inspect(Palette), column, stored)
        assert stored == value


# -- keys and relations ------------------------------------------------------------------------

def test_composite_primary_key_parts_are_editable_and_required():
    fields = fields_of(Reading)
    assert [f.name for f in model_fields(Reading)][:3] == ["station", "taken_on", "seq"]
    for name in ("station", "taken_on", "seq"):
        f = fields[name]
        assert f.primary_key and not f.read_only and f.required, name
    assert fields["seq"].kind == "integer"
    assert fields["taken_on"].kind == "date"
    assert not fields["value"].primary_key and fields["value"].required


def test_string_primary_key_is_not_searchable_and_is_required():
    f = fields_of(Gadget)["serial"]
    assert f.primary_key and f.required and not f.read_only and not f.searchable


def test_foreign_keys_in_the_primary_key_stay_fields():
    fields = fields_of(SpecimenTag)
    for name in ("specimen_id", "tag_id"):
        assert fields[name].primary_key and fields[name].kind == "integer", name
        assert not fields[name].read_only, name
    assert fields["specimen"].kind == "to_one" and fields["specimen"].related == "Specimen"
    assert fields["tag"].kind == "to_one" and fields["tag"].related == "Tag"
    names = [f.name for f in model_fields(SpecimenTag)]
    assert names.index("specimen") > names.index("note")  # relations come after the columns


def test_autoincrement_key_is_read_only_but_composite_is_not():
    assert fields_of(Specimen)["id"].read_only
    assert not fields_of(Reading)["seq"].read_only


# -- label attribute -----------------------------------------------------------------------

@pytest.mark.parametrize(("model", "expected"), [
    (NamedAndTitled, "name"),  # 'name' wins over 'title'
    (OnlyTitled, "title"),
    (Account, "username"),  # 'username' comes before 'email' in the rule
    (Tag, "label"),
    (Gadget, "model_no"),  # no known name: the first string column that is not the key
    (Specimen, "code"),
    (Counter, None),  # no string column at all
])
def test_label_attribute(model, expected):
    assert label_attribute(model) == expected

