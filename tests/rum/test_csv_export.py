"""CSV exports: the page's query, labels as header, names for relations, formulas defused."""

import csv
import datetime
import decimal
import io
import types

import pytest
import sqlalchemy as sa
import webob

from rum.contracts import Record, Ref
from rum.csv_export import CHUNK, cell, csv_response
from rum.fields import Field
from tests.fixtures import counted_model


def parse(text):
    return list(csv.reader(io.StringIO(text)))


def test_cells():
    assert cell(None) == "" and cell(True) == "true" and cell(False) == "false"
    assert cell(Ref("genres", "1", "Noir")) == "Noir"
    assert cell([Ref("a", "1", "Ann"), Ref("a", "2", "Bob")]) == "Ann; Bob"
    assert cell(datetime.date(2024, 1, 2)) == "2024-01-02"
    assert cell(decimal.Decimal("1.50")) == "1.50"
    for formula in ("=SUM(A1)", "+1+2", "-2+3*cmd", "@SUM(1)", "\t=1", "\r=1"):
        assert cell(formula) == "'" + formula
    assert cell("-12.5") == "-12.5" and cell(-3) == "-3"  # numbers stay numbers
    assert cell(b"abc") == "(3 bytes)"


def test_response_streams_records_lazily():
    pulled = []

    def records():
        for i in range(3 * CHUNK):
            pulled.append(i)
            yield Record(str(i), str(i), {"n": i, "name": f"=x{i}"})
    fields = (Field("n", "integer", label="Number"), Field("name", "string"))
    response = csv_response(records(), fields, "things")
    assert isinstance(response.app_iter, types.GeneratorType) and not pulled
    assert response.content_disposition == 'attachment; filename="things.csv"'
    first = next(iter(response.app_iter))
    assert 0 < len(pulled) < 3 * CHUNK  # the first chunk went out before the last row was read
    rows = parse(first.decode() + b"".join(response.app_iter).decode())
    assert rows[0] == ["Number", "Name"] and rows[1] == ["0", "'=x0"] and len(rows) == 3 * CHUNK + 1


def test_export_follows_the_list_query(client):
    rows = parse(client.get("/movies.csv?q=harbor&sort=-year").text)
    assert rows[0] == ["Id", "Title", "Genre", "Director", "Year"]
    page = client.get("/movies.json?q=harbor&sort=-year&limit=500").json["items"]
    assert [r[0] for r in rows[1:]] == [i["_id"] for i in page]
    assert [r[2] for r in rows[1:]] == [i["genre"]["label"] for i in page]
    filtered = parse(client.get("/movies.csv?f.year.ge=2000").text)[1:]
    assert filtered and all(int(r[4]) >= 2000 for r in filtered)
    everything = parse(client.get("/movies.csv").text)
    assert len(everything) == 201


def test_export_neutralises_stored_formulas(client):
    from tests.conftest import post
    post(client, "/genres", {"name": "=HYPERLINK(\"http://x\")"})
    rows = parse(client.get("/genres.csv").text)
    assert ["'=HYPERLINK(\"http://x\")"] == [r[1] for r in rows if "HYPERLINK" in r[1]]


def test_export_of_other_shapes(tmp_path):

    from rum import RumApp
    from tests.conftest import ROOT, wrap
    from tests.fixtures import shapes_model as sm
    def rows():
        owner = sm.Owner(name="Olga")
        return [sm.Everything(name="e", mood=sm.Mood.sad, flag=True), owner,
                sm.Dog(name="Rex", owner=owner), sm.Line(order_no="A,1", line_no=2)]
    url = sm.filled_database(tmp_path / "s.db", rows)
    client = wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(sm.MODELS), "sqlalchemy.url": url},
        "resources": {"Owner": {"list_fields": ["id", "name", "pets"]},
                      "Everything": {"list_fields": ["id", "name", "mood", "flag"]}}}))
    rows = parse(client.get("/everythings.csv").text)
    header, row = rows[0], rows[1]
    assert dict(zip(header, row, strict=True))["Mood"] == "sad"
    assert dict(zip(header, row, strict=True))["Flag"] == "true"
    dogs = parse(client.get("/dogs.csv").text)
    assert dict(zip(dogs[0], dogs[1], strict=True))["Owner"] == "Olga"
    owners = parse(client.get("/owners.csv").text)  # a to-many column: the ORM path
    assert owners[1] == ["1", "Olga", "Rex"]
    lines = parse(client.get("/lines.csv").text)
    assert lines[1][:2] == ["A,1", "2"]


STREAMED_ROWS = 5_000


@pytest.mark.parametrize("resource", ["ticks", "crates"])  # Core rows, ORM objects
def test_first_bytes_leave_before_the_last_row_is_read(tmp_path, resource):
    """Through the whole app, in process: when the first chunk of the body is handed to the
    server, the database cursor has produced only a batch of rows, not all of them."""
    from rum import RumApp
    from rum_sqlalchemy.streaming import BATCH
    url = f"sqlite:///{tmp_path / 'counted.db'}"
    engine = sa.create_engine(url)
    counted_model.fill(engine, STREAMED_ROWS)
    engine.dispose()
    app = RumApp({"rum.repositoryfactory": {"models": counted_model.MODELS,
                                            "sqlalchemy.url": url}})
    rows_read = counted_model.count_rows_read(app.repositories.engine)
    status, headers, app_iter = webob.Request.blank(f"/{resource}.csv").call_application(app)
    try:
        assert status.startswith("200") and "Content-Length" not in dict(headers)
        # the query runs (its first batch read) before the status is sent, so a bad filter or
        # a database fault is still a 4xx/503; the rest waits for the server to ask
        assert rows_read[0] <= BATCH + 1 < STREAMED_ROWS, rows_read[0]
        chunks = iter(app_iter)
        first = next(chunks)
        assert first.startswith(b"Id,Title,")
        assert 0 < rows_read[0] <= 2 * BATCH < STREAMED_ROWS, rows_read[0]
        body = first + b"".join(chunks)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    assert rows_read[0] == STREAMED_ROWS
    assert len(parse(body.decode())) == STREAMED_ROWS + 1
    app.repositories.engine.dispose()


class Chunks:
    """Records that hand their values over in chunks, as an export stream does."""

    def __init__(self, chunks):
        self.chunks = chunks
        self.closed = False

    def __iter__(self):
        raise AssertionError("the chunks are read, not the records")

    def value_chunks(self, fields):
        return iter(self.chunks)

    def close(self):
        self.closed = True


def test_chunks_are_written_as_each_cell_would_be():
    """Column by column or not, every value comes out as `cell()` writes it."""
    day = datetime.date(2024, 1, 2)
    chunks = [
        [(1, "plain", None, 1.5), (2, "also plain", "", -3)],  # written as they are
        [(3, "=SUM(A1)", True, day), (4, "-12.5", False, None)],  # formula, bools, a date
        [(5, "a\x00=b", Ref("r", "1", "+x"), decimal.Decimal("1.50")),  # separator inside
         (6, None, "\t=1", "@")],
        [("=1", "fine", 7, b"ab")],  # a formula among numbers, bytes
    ]
    fields = tuple(Field(n, "string") for n in "abcd")
    records = Chunks(chunks)
    body = b"".join(csv_response(records, fields, "x").app_iter).decode()
    assert records.closed
    want = [[cell(v) for v in row] for chunk in chunks for row in chunk]
    assert parse(body)[1:] == want
    assert want[2] == ["3", "'=SUM(A1)", "true", "2024-01-02"]
    assert want[3][1] == "-12.5" and want[4][2] == "'+x" and want[5][2:] == ["'\t=1", "'@"]
    assert want[4][1] == "a\x00=b" and want[6][0] == "'=1"
