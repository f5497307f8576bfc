"""bench/targets.py: issue 16's targets from made-up results, met and missed at their
boundaries (no timing here: the numbers are invented)."""

from bench import targets


def wrk(**pages):
    return {page: {"rps": rps} for page, rps in pages.items()}


def probe(**pages):
    return {page: {"single_ms": [ms, ms, ms], "sql_count": sql} for page, (ms, sql) in
            pages.items()}


def run(rum_wrk, floor_wrk=None, anchors=None, rum_probe=None, floor_probe=None, export=None):
    peers = {"rum": {"load": {"wrk": rum_wrk}, "probe": rum_probe or {}},
             "floor": {"load": {"wrk": floor_wrk or {}}, "probe": floor_probe or {}}}
    for name, rps in (anchors or {}).items():
        peers[name] = {"load": {"wrk": wrk(list=rps)}}
    if export:
        peers["rum"]["load"]["export"], peers["floor"]["load"]["export"] = export
    return {"peers": peers}


def verdicts(results, big=None) -> dict:
    return {target: ok for target, _measured, ok, _margin in targets.targets(results, big)}


def test_list_against_the_fastest_peer_and_the_floor():
    floor = wrk(list=600.0)
    met = verdicts(run(wrk(list=100.0), floor, {"django-admin": 20.0, "sqladmin": 15.0}))
    assert met == {"list >= 5x the fastest peer's req/s": "met",  # exactly 5x
                   "list within 6x of the floor (100k)": "met"}  # exactly 6x
    missed = verdicts(run(wrk(list=99.0), floor, {"django-admin": 20.0, "sqladmin": 15.0}))
    assert set(missed.values()) == {"**missed**"}
    # the floor is not a peer to beat; starlette-admin is
    only_floor = verdicts(run(wrk(list=100.0), wrk(list=10.0), {"starlette-admin": 30.0}))
    assert only_floor["list >= 5x the fastest peer's req/s"] == "**missed**"


def test_list_at_a_million_rows_against_the_floor_there():
    big = {"load": {"wrk": wrk(list=100.0)}, "floor": {"wrk": wrk(list=120.0)}}
    assert verdicts(None, big) == {"list within 1.2x of the floor (1M)": "met"}
    big["floor"]["wrk"]["list"]["rps"] = 121.0
    assert verdicts(None, big) == {"list within 1.2x of the floor (1M)": "**missed**"}


def test_sorted_pages_and_the_typed_page():
    floor = wrk(sorted=40.0, sorted_deep=10.0, deep=30.0)
    results = run(wrk(sorted=20.0, sorted_deep=4.9, typed_page=20.0), floor)
    v = verdicts(results)
    assert v["sorted <= 2x the floor's time"] == "met"  # half the floor's req/s: 2x the time
    assert v["sorted_deep <= 2x the floor's time"] == "**missed**"
    assert v["typed page <= 1.5x the floor's OFFSET page"] == "met"  # 30 / 20 = 1.5
    results["peers"]["rum"]["load"]["wrk"]["typed_page"]["rps"] = 19.9
    assert verdicts(results)["typed page <= 1.5x the floor's OFFSET page"] == "**missed**"


def test_deep_search_and_edit_against_today_with_room_for_noise():
    floor_wrk, floor_probe = wrk(deep=100.0, search=100.0), probe(edit=(100.0, 5))
    ref = targets.REFERENCE
    low = 1 - targets.NOISE
    results = run(wrk(deep=ref["deep"] * low * 100, search=ref["search"] * 100 * 0.89),
                  floor_wrk, rum_probe=probe(edit=(ref["edit"] * 1.1 * 100, 7)),
                  floor_probe=floor_probe)
    v = verdicts(results)
    assert v[f"deep as today or better ({ref['deep']:.2f}x the floor's req/s)"] == "met"
    assert v[f"search as today or better ({ref['search']:.2f}x the floor's req/s)"] == \
        "**missed**"
    assert v[f"edit as today or better ({ref['edit']:.2f}x the floor's time)"] == "met"


def test_exports_at_both_sizes_and_their_memory():
    ex = {"seconds": 2.0, "runs": [{"rows": 100_000}], "rss_after": {"VmHWM": 64}}
    fex = {"seconds": 1.0}
    big = {"load": {"export": {"seconds": 3.1, "rss_after": {"VmHWM": 65}}},
           "floor": {"export": {"seconds": 1.5}}}
    v = verdicts(run({}, export=(ex, fex)), big)
    assert v["CSV of 100k rows <= 2x the floor's time"] == "met"
    assert v["CSV of 1M rows <= 2x the floor's time"] == "**missed**"  # 3.1 / 1.5 > 2
    assert v["CSV peak RSS <= 64 MiB (100k)"] == "met"
    assert v["CSV peak RSS <= 64 MiB (1M)"] == "**missed**"


def test_statements_per_list_page_count_the_sorted_and_typed_pages():
    rum_probe = probe(list=(5, 2), sorted=(5, 3), typed_page=(5, 4))
    rows = targets.targets(run({}, rum_probe=rum_probe))
    (row,) = [r for r in rows if r[0] == "<= 3 SQL statements per list page"]
    assert row[2] == "**missed**" and "typed_page 4" in row[1] and row[3] == "at most 4"


def test_nothing_measured_gives_no_rows_and_the_table_has_one_line_a_target():
    assert targets.targets(None, None) == []
    lines = targets.table([("t", "m", "met", "x")])
    assert lines[-1] == "| t | m | met | x |" and len(lines) == 3


def test_a_page_that_failed_its_probe_misses_its_target_however_fast():
    floor = wrk(sorted=40.0, deep=30.0)
    results = run(wrk(sorted=400.0, typed_page=300.0), floor,
                  rum_probe={"sorted": {"status": 200, "content_ok": False, "sql_count": 2},
                             "typed_page": {"status": 400, "sql_count": 0}})
    rows = {t: (m, ok) for t, m, ok, _margin in targets.targets(results)}
    assert rows["sorted <= 2x the floor's time"] == ("Rum's page wrong content", "**missed**")
    assert rows["typed page <= 1.5x the floor's OFFSET page"] == ("Rum's page answered 400",
                                                                  "**missed**")
    assert "<= 3 SQL statements per list page" not in rows  # no page passed to count
