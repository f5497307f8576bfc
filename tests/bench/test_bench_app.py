"""The benchmark's Rum app (bench/rum_bench.py): it builds, serves the shared harness's
database as the harness checks it, and keeps its SQL bounded. No timing here: the timings
are `make bench`'s, on the real server."""

import os
import re
import subprocess
import sys
from html import unescape

import pytest

from rum.query_text import encode_cursor
from tests.conftest import ROOT, wrap

SHARED = os.environ.get("BENCH_SHARED") or os.path.join(ROOT, os.pardir, "shared", "bench")
GEN_DB = os.path.join(SHARED, "gen_db.py")
MOVIES = 3000


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    if not os.path.isfile(GEN_DB):
        pytest.skip(f"the shared benchmark is not at {SHARED} (set BENCH_SHARED)")
    path = tmp_path_factory.mktemp("bench") / "movies.db"
    subprocess.run([sys.executable, GEN_DB, "--out", str(path), "--movies", str(MOVIES),
                    "--persons", "800", "--movie-actors", "6000", "--rentals", "3000",
                    "--genres", "30"], check=True, capture_output=True)
    return str(path)


@pytest.fixture(scope="module")
def traced(bench_db, tmp_path_factory):
    """(client, trace file): the app as bench.ini builds it, with BENCH_SQLTRACE on."""
    trace = tmp_path_factory.mktemp("trace") / "trace.sql"
    trace.write_text("")
    saved = os.environ.get("BENCH_SQLTRACE")
    os.environ["BENCH_SQLTRACE"] = str(trace)
    try:
        from bench.rum_bench import make_app
        app = make_app({}, db=bench_db)
    finally:
        if saved is None:
            os.environ.pop("BENCH_SQLTRACE")
        else:
            os.environ["BENCH_SQLTRACE"] = saved
    return wrap(app), trace


def statements(traced, url: str, warm: bool = True) -> tuple[str, list[str]]:
    """The page at `url` and the SQL statements SQLite ran for it (after a warm-up, unless
    `warm` is false: then its first request, before the app remembers its count)."""
    client, trace = traced
    if warm:
        client.get(url)
    start = trace.stat().st_size
    text = client.get(url).text
    with open(trace) as f:
        f.seek(start)
        return text, [line for line in f.read().splitlines() if line.strip()]


def title(bench_db, ident: int) -> str:
    import sqlite3
    with sqlite3.connect(bench_db) as con:
        return con.execute("SELECT title FROM movie WHERE id = ?", (ident,)).fetchone()[0]


DEEP = MOVIES // 2  # the deep page starts after this movie, as the harness's does at 49,980


@pytest.mark.parametrize("url", ["/movies", f"/movies?after={encode_cursor([DEEP])}&page=76",
                                 "/movies?q=harbor"])
def test_list_pages_run_at_most_three_statements(traced, url):
    _text, sql = statements(traced, url)
    assert 1 <= len(sql) <= 3, sql
    assert not any("OFFSET" in q and "OFFSET 0" not in q for q in sql), sql


def test_list_page_is_configured_like_the_anchors(traced, bench_db):
    text, sql = statements(traced, "/movies")
    assert title(bench_db, 1) in unescape(text)
    headers = re.findall(r'<th scope="col">\s*(?:<a[^>]*>)?([^<]+)', text)
    assert [h.strip() for h in headers] == ["Id", "Title", "Year", "Genre"]
    assert len(re.findall(r'<input type="checkbox" name="ids"', text)) == 20
    rows = [q for q in sql if "ORDER BY movie.id" in q]
    assert len(rows) == 1 and "LIMIT 21" in rows[0]
    assert "JOIN director" not in rows[0]  # only the relation the list shows is joined


def test_deep_url_is_rums_own_next_link(traced, bench_db):
    client, _ = traced
    before = client.get(f"/movies?after={encode_cursor([DEEP - 20])}&page=75").text
    expected = f"/movies?after={encode_cursor([DEEP])}&amp;page=76"
    assert f'href="{expected}" rel="next"' in before
    text, _sql = statements(traced, unescape(expected))
    assert title(bench_db, DEEP + 1) in unescape(text)


def test_search_looks_in_the_search_fields_only(traced):
    text, sql = statements(traced, "/movies?q=harbor")
    assert text.lower().count("harbor") >= 20
    assert all("description" not in q.split("WHERE", 1)[-1] for q in sql), sql
    # every description is made of common words, no title contains "people"
    text, _ = statements(traced, "/movies?q=people")
    assert "Nothing found." in text


def test_edit_form_is_small_and_its_statements_bounded(traced, bench_db):
    text, sql = statements(traced, "/movies/1/edit")
    assert title(bench_db, 1) in unescape(text)
    assert text.count("<option") <= 100  # 800 directors and actors: autocomplete, no select
    assert len(sql) <= 8, sql


def test_csv_export_has_every_movie(traced):
    client, _ = traced
    body = client.get("/movies.csv").text
    lines = body.strip().splitlines()
    assert lines[0] == "Id,Title,Year,Genre" and len(lines) == MOVIES + 1


def test_a_search_counts_ten_pages_of_matches_at_most(traced):
    text, sql = statements(traced, "/movies?q=the", warm=False)  # ~900 of 3,000 match
    assert "200+ rows" in text and 'rel="next"' in text
    counts = [q for q in sql if "count(" in q.lower()]
    assert len(counts) == 1 and "LIMIT 201" in counts[0], counts
    again, sql = statements(traced, "/movies?q=the", warm=False)  # "200+" is remembered
    assert "200+ rows" in again and not any("count(" in q.lower() for q in sql), sql
    client, _ = traced
    assert client.get("/movies.json?q=the&limit=5").json["count"] == 50  # ten pages of 5


def test_a_result_that_fits_one_page_needs_no_count(traced):
    text, sql = statements(traced, "/movies?q=people")
    rows = [q for q in sql if "FROM movie" in q]  # beside it only the genre filter's choices
    assert "0 rows" in text and len(rows) == 1 and len(sql) <= 2, sql
    assert not any("count(" in q.lower() for q in sql), sql
    text, sql = statements(traced, "/movies?q=harbor&limit=500")
    assert not any("count(" in q.lower() for q in sql), sql
