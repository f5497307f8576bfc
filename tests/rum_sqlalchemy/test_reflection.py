"""Reflection of a business-shaped database: every table served or explained, on each backend."""

import pytest
import sqlalchemy as sa

from rum import RumApp
from rum.errors import ConfigError
from rum.query import ops_for
from tests.conftest import ROOT, post, server_url, wrap
from tests.fixtures import business_schema as bs

TABLES = ("Order", "audit_log", "bins", "categories", "employees", "order_lines", "products",
          "select", "user", "regions", "reps", "v_totals")
SAMPLES = {"integer": "1", "decimal": "1.5", "float": "1.5", "boolean": "true",
           "date": "2024-01-01", "datetime": "2024-01-01T00:00:00", "time": "00:00:00",
           "string": "e", "text": "e", "to_one": "1", "uuid": "00000000-0000-0000-0000-000000000001"}


def schemas_option(url: str) -> dict:
    sales = bs.second_schema(url)
    if sales is None:
        return {}
    default = "public" if sa.engine.make_url(url).get_backend_name() == "postgresql" \
        else sa.engine.make_url(url).database
    return {"schemas": [default, sales]}


def reflecting_app(url: str, **options) -> RumApp:
    factory = {"sqlalchemy.url": url, **schemas_option(url), **options}
    return RumApp({"here": ROOT, "rum.repositoryfactory": factory})


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def db_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('business') / 'business.db'}"
    else:
        url = server_url(request.param)
    engine = bs.create(url)
    yield url
    bs.drop(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def app(db_url):
    rum_app = reflecting_app(db_url)
    yield rum_app
    rum_app.repositories.engine.dispose()


@pytest.fixture(scope="module")
def client(app):
    return wrap(app)


def resource_of(app, table: str):
    """The resource serving `table` (its name without schema), or a skip on SQLite's one schema."""
    for r in app.registry:
        if r.model.__table__.name == table:
            return r
    if app.repositories.engine.dialect.name == "sqlite" and table in ("regions", "reps"):
        pytest.skip("SQLite: one schema")
    raise AssertionError(f"{table} is not served")


def test_every_table_and_view_is_served_or_explained(app, client, db_url):
    inspector = sa.inspect(app.repositories.engine)
    schemas = schemas_option(db_url).get("schemas", [None])
    in_db = set()
    for schema in schemas:
        names = inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema)
        in_db |= {n for n in names if n in TABLES or n == "product_categories"}
    served = {r.model.__table__.name for r in app.registry}
    noted = {n.table.rpartition(".")[2]: n for n in app.table_notes}
    assert in_db == served | set(noted), "a table is neither served nor explained"
    assert noted["product_categories"].status == "many-to-many"
    assert noted["audit_log"].status == noted["v_totals"].status == "read-only"
    assert "a view" in noted["v_totals"].reason
    home = client.get("/")
    for note in app.table_notes:
        assert note.table in home.text and note.reason in home.text.replace("&#39;", "'")
    assert home.text.count('class="badge"') == 2  # the view and the table without a key
    tables = client.get("/index.json").json["tables"]
    assert {t["table"] for t in tables} == {n.table for n in app.table_notes}


@pytest.mark.parametrize(("table", "name", "label", "plural_label"), [
    ("bins", "bins", "Bin", "Bins"),
    ("categories", "categories", "Category", "Categories"),
    ("employees", "employees", "Employee", "Employees"),
    ("Order", "orders", "Order", "Orders"),
    ("order_lines", "order_lines", "Order line", "Order lines"),
    ("select", "selects", "Select", "Selects"),
    ("user", "users", "User", "Users"),
    ("audit_log", "audit_logs", "Audit log", "Audit logs"),
])
def test_names_of_resources(app, table, name, label, plural_label):
    r = resource_of(app, table)
    assert (r.name, r.label, r.plural_label) == (name, label, plural_label)


@pytest.mark.parametrize(("table", "field", "kind", "label"), [
    ("employees", "manager", "to_one", "Manager"),
    ("employees", "employees_by_manager", "to_many", "Employees (manager)"),
    ("order_lines", "orderid", "integer", "Order id"),
    ("order_lines", "order", "to_one", "Order"),
    ("Order", "customerName", "string", "Customer name"),
    ("Order", "order_lines", "to_many", "Order lines"),
    ("products", "categories", "to_many", "Categories"),
    ("categories", "products", "to_many", "Products"),
    ("products", "bin", "to_one", "Bin"),
    ("bins", "products", "to_many", "Products"),
    ("reps", "region", "to_one", "Region"),
])
def test_names_of_fields(app, table, field, kind, label):
    f = resource_of(app, table).field(field)
    assert (f.kind, f.label) == (kind, label)


def test_postgresql_text_columns_are_listed_and_filtered(app, client):
    if app.repositories.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's text type")
    products = resource_of(app, "products")
    assert products.field("name").kind == "string"
    assert "name" in [f.name for f in products.list_fields]
    assert 'id="v.name"' in client.get("/products").text


def test_a_composite_foreign_key_is_not_offered_as_a_filter(app, client):
    page = client.get("/products").text
    assert 'id="v.price"' in page and 'id="v.bin"' not in page
    assert not resource_of(app, "products").field("bin").filterable


def test_read_only_resources_refuse_writes_and_offer_none(app, client):
    sqlite = app.repositories.engine.dialect.name == "sqlite"
    for table in ("audit_log", "v_totals"):
        name = resource_of(app, table).name
        assert client.get(f"/{name}/new", status=403)
        assert post(client, f"/{name}", {"message": "x"}, status=403)
        assert f'href="/{name}/new"' not in client.get("/").text
        listing = client.get(f"/{name}.json").json["items"]
        # rows are named by all their columns; SQLite's CURRENT_TIMESTAMP text does not
        # equal the datetime it reads back as, so there such a row has no show page (404)
        status = 404 if sqlite and table == "audit_log" else 200
        assert listing and client.get(listing[0]["_url"] + ".json", status=status)
    assert 'href="/orders/new"' in client.get("/").text


def test_association_rows_show_on_both_sides(client):
    product = client.get("/products/3.json").json
    assert sorted(c["label"] for c in product["categories"]) == ["Paint", "Tools"]
    tools = client.get("/categories/1.json").json
    assert sorted(p["label"] for p in tools["products"]) == ["Brush", "Hammer"]


def test_configured_keys_name_a_views_rows(db_url):
    sales = bs.second_schema(db_url)
    view = f"{sales}.v_totals" if sales else "v_totals"
    app = reflecting_app(db_url, keys={view: ["id"]})
    client = wrap(app)
    name = resource_of(app, "v_totals").name
    assert client.get(f"/{name}/1.json").json["_id"] == "1"
    assert "configured in `keys`" in client.get("/").text
    app.repositories.engine.dispose()


@pytest.mark.parametrize(("options", "key"), [
    ({"schemas": ["no_such_schema"]}, "schemas"),
    ({"schemas": "sales"}, "schemas"),
    ({"keys": {"no_such_view": ["id"]}}, "keys.no_such_view"),
    ({"keys": {"v_totals": ["no_such_column"]}}, "keys.v_totals"),
    ({"keys": {"categories": ["name"]}}, "keys.categories"),
])
def test_bad_reflection_options_name_their_key(tmp_path, options, key):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    bs.create(url).dispose()
    with pytest.raises(ConfigError) as info:
        RumApp({"here": ROOT, "rum.repositoryfactory": {"sqlalchemy.url": url, **options}})
    assert info.value.key == f"rum.repositoryfactory.{key}"


def _offered_filters(resource):
    for f in resource.list_fields:
        if not f.filterable:
            continue
        for op in ops_for(f.kind):
            value = f.choices[0][0] if f.choices else SAMPLES.get(f.kind, "e")
            yield f"f.{f.name}.{op}", "true" if op == "is_null" else value


@pytest.mark.parametrize("table", TABLES)
def test_list_search_and_every_offered_filter_answer(client, app, table):
    r = resource_of(app, table)
    assert client.get(f"/{r.name}").status_int == 200
    assert client.get(f"/{r.name}", {"q": "e"}).status_int == 200
    for param, value in _offered_filters(r):
        response = client.get(f"/{r.name}.json", {param: value}, expect_errors=True)
        assert response.status_int == 200, (param, value, response.text[:300])


MAX_PAGES = 100  # every table here has a few rows: a walk longer than this is a loop


def _walk(client, first: str) -> tuple[list, list]:
    """Ids page by page along `next`, then back along `prev` from the last page."""
    forward, url = [], first
    for _ in range(MAX_PAGES):
        page = client.get(url).json
        forward.append([item["_id"] for item in page["items"]])
        last, url = page, page["next"]
        if not url:
            break
    else:
        pytest.fail(f"Next never ended after {MAX_PAGES} pages from {first}")
    backward, url = [], last["prev"]
    for _ in range(MAX_PAGES):
        if not url:
            break
        page = client.get(url).json
        backward.insert(0, [item["_id"] for item in page["items"]])
        url = page["prev"]
    else:
        pytest.fail(f"Previous never ended after {MAX_PAGES} pages from {first}")
    return forward, backward + [forward[-1]]


def _pages_both_ways(client, r, name: str) -> None:
    for sort in (name, f"-{name}"):
        whole = [i["_id"] for i in
                 client.get(f"/{r.name}.json", {"sort": sort, "limit": 500}).json["items"]]
        forward, backward = _walk(client, f"/{r.name}.json?sort={sort}&limit=2")
        assert [i for page in forward for i in page] == whole, (sort, forward)
        assert backward == forward, (sort, backward)


def _sqlite_tied_timestamp(app, table: str, f) -> bool:
    """Orders' created_at on SQLite: CURRENT_TIMESTAMP ties (see the xfail test below)."""
    return app.repositories.engine.dialect.name == "sqlite" and table == "Order" and \
        f.kind == "datetime"


@pytest.mark.parametrize("table", TABLES)
def test_sort_and_page_both_ways_on_every_sortable_column(client, app, table):
    r = resource_of(app, table)
    for f in r.list_fields:
        if f.sortable and not f.is_relation and not _sqlite_tied_timestamp(app, table, f):
            _pages_both_ways(client, r, f.name)


@pytest.mark.xfail(strict=True, reason="SQLite stores CURRENT_TIMESTAMP without a fraction "
                   "and SQLAlchemy binds one, so rows tied on such a timestamp compare unequal "
                   "to the cursor and Next skips them; not fixed yet")
def test_sqlite_server_default_timestamps_page_by_cursor(client, app):
    if app.repositories.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite case only; PostgreSQL and MariaDB page by it above")
    r = resource_of(app, "Order")  # several orders share one CURRENT_TIMESTAMP second
    for f in r.list_fields:
        if f.sortable and _sqlite_tied_timestamp(app, "Order", f):
            _pages_both_ways(client, r, f.name)


@pytest.mark.parametrize("table", ["Order", "user", "regions"])
def test_row_estimates_of_mixed_case_reserved_and_other_schema_tables(app, table):
    """The estimate a big list shows; MariaDB's and PostgreSQL's statistics name these too."""
    from rum_sqlalchemy.counting import estimated_rows

    backend = app.repositories.engine.dialect.name
    if backend == "sqlite":
        pytest.skip("SQLite keeps no row estimate")
    model_table = resource_of(app, table).model.__table__
    with app.repositories.engine.begin() as conn:
        name = conn.dialect.identifier_preparer.format_table(model_table)
        conn.execute(sa.text(f"ANALYZE {'TABLE ' if backend == 'mysql' else ''}{name}"))
    with app.repositories.unit_of_work({}) as uow:
        assert estimated_rows(uow.session, model_table) == \
            len(all_rows(uow.session, model_table))


def all_rows(session, table) -> list:
    return list(session.execute(sa.select(table)))


def test_deleting_a_parent_never_deletes_rows_of_a_read_only_table(app, client):
    """Employee 4 is named by audit rows, which have no key: the database refuses (409),
    Rum does not delete them by their column values first."""
    log = resource_of(app, "audit_log")
    employee = resource_of(app, "employees")
    assert employee.field("audit_logs").read_only
    with app.repositories.engine.connect() as conn:
        before = conn.scalar(sa.select(sa.func.count()).select_from(log.model.__table__))
    page = client.get("/employees/4/confirm_delete")
    page.forms[0].submit(status=409)
    with app.repositories.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(log.model.__table__)) == before
    assert client.get("/employees/4.json").json["name"] == "Di"


@pytest.mark.parametrize("table", TABLES)
def test_forms_of_every_writable_table_open_and_save_unchanged(client, app, table):
    r = resource_of(app, table)
    if r.read_only:
        pytest.skip("read-only")
    assert client.get(f"/{r.name}/new").status_int == 200
    first = client.get(f"/{r.name}.json?limit=1").json["items"][0]
    form = client.get(f"{first['_url']}/edit").forms[0]
    assert form.submit().status_int == 303
    after = client.get(f"{first['_url']}.json").json
    kept = {f.name for f in r.list_fields}  # datetimes too: an unchanged save keeps fractions
    assert {k: v for k, v in after.items() if k in kept} == \
        {k: v for k, v in first.items() if k in kept}


def test_a_row_is_created_through_a_composite_foreign_key_and_a_many_to_many(client, app):
    form = client.get("/products/new").forms[0]
    form["name"] = "Spade"
    form["price"] = "12.50"
    form["bin"] = "north,B2"
    form["categories"] = ["2"]
    created = form.submit(status=303).follow()
    ident = created.request.path.rstrip("/").rpartition("/")[2]
    product = resource_of(app, "products").model.__table__
    with app.repositories.engine.connect() as conn:
        row = conn.execute(sa.select(product.c.warehouse, product.c.bin_code)
                           .where(product.c.id == int(ident))).one()
    assert tuple(row) == ("north", "B2")
    assert [c["label"] for c in client.get(f"/products/{ident}.json").json["categories"]] == \
        ["Garden"]
