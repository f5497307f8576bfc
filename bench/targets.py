"""The targets of issue 16 as ratios from one `make bench` run: met or missed, and by how much.

`targets(results, big)` is pure: `results` is the run beside the anchors (the shared
harness's results JSON: `peers.<name>.load.wrk.<page>.rps`, `peers.<name>.probe.<page>`,
`peers.<name>.load.export`), `big` the 1,000,000-movie point of `bench/run.py`
(`load.wrk.list.rps`, `load.export`, and the floor's `floor.wrk.list.rps` and
`floor.export`), either may be None. Rows whose measurements are missing are left out.
"""

import statistics

ANCHORS = ("flask-admin", "flask-admin-waitress", "sqladmin", "django-admin", "starlette-admin")
# Rum against the floor in the run of 2026-11-30 (bench/RESULTS.md before issue 16): deep
# and search by req/s (Rum / floor), edit by single request time (Rum / floor). "As today
# or better" allows NOISE for a shared machine.
REFERENCE = {"deep": 228 / 130, "search": 155 / 64.3, "edit": 6.8 / 43.0}
NOISE = 0.10
LIST_VS_PEER, LIST_VS_FLOOR, LIST_VS_FLOOR_1M = 5.0, 6.0, 1.2
SORTED_VS_FLOOR, TYPED_VS_OFFSET, CSV_VS_FLOOR = 2.0, 1.5, 2.0
CSV_PEAK_MIB, STARTUP_S, LIST_SQL = 64, 1.0, 3


def rps(peer: dict, page: str) -> float | None:
    w = (peer or {}).get("load", {}).get("wrk", {}).get(page)
    return w["rps"] if w and w.get("rps") else None


def single(peer: dict, page: str) -> float | None:
    pr = (peer or {}).get("probe", {}).get(page)
    return statistics.median(pr["single_ms"]) if pr and pr.get("single_ms") else None


def failed(peer: dict, page: str) -> str | None:
    """Why the probe of `page` failed (not 200, or the wrong rows), or None."""
    pr = (peer or {}).get("probe", {}).get(page)
    if pr is None:
        return None
    if pr.get("status", 200) != 200:
        return f"answered {pr['status']}"
    return "wrong content" if pr.get("content_ok") is False else None


def _row(rows: list, target: str, measured: str, ok: bool, margin: str) -> None:
    rows.append((target, measured, "met" if ok else "**missed**", margin))


def _slower(rows: list, target: str, rum: float, other: float, limit: float, what: str,
            problem: str | None = None) -> None:
    """Rum's req/s `rum` against `other`'s: met when other/rum <= limit (time ratio) and
    Rum's page passed its probe (`problem` says why not)."""
    if problem:
        _row(rows, target, f"Rum's page {problem}", False, "-")
        return
    x = other / rum
    _row(rows, target, f"{x:.2f}x the time ({rum:,.1f} vs {what} {other:,.1f} req/s)",
         x <= limit, f"{x / limit:.0%} of the limit")


def list_targets(rows: list, peers: dict, big: dict | None) -> None:
    rum, floor = peers.get("rum", {}), peers.get("floor", {})
    r_list = rps(rum, "list")
    anchors: dict[str, float] = {}
    for name in ANCHORS:
        r = rps(peers.get(name, {}), "list")
        if r:
            anchors[name] = r
    if r_list and anchors:
        best = max(anchors, key=lambda name: anchors[name])
        x = r_list / anchors[best]
        _row(rows, f"list >= {LIST_VS_PEER:g}x the fastest peer's req/s",
             f"{x:.1f}x ({r_list:,.1f} vs {best} {anchors[best]:,.1f} req/s)",
             x >= LIST_VS_PEER, f"{x / LIST_VS_PEER:.0%} of the target")
    f_list = rps(floor, "list")
    if r_list and f_list:
        _slower(rows, f"list within {LIST_VS_FLOOR:g}x of the floor (100k)", r_list, f_list,
                LIST_VS_FLOOR, "floor", failed(rum, "list"))
    if big:
        b_rum, b_floor = rps(big, "list"), (big.get("floor") or {}).get("wrk", {}).get("list")
        if b_rum and b_floor:
            _slower(rows, f"list within {LIST_VS_FLOOR_1M:g}x of the floor (1M)", b_rum,
                    b_floor["rps"], LIST_VS_FLOOR_1M, "floor")


def query_targets(rows: list, peers: dict) -> None:
    rum, floor = peers.get("rum", {}), peers.get("floor", {})
    for page in ("sorted", "sorted_deep"):
        r, f = rps(rum, page), rps(floor, page)
        if r and f:
            _slower(rows, f"{page} <= {SORTED_VS_FLOOR:g}x the floor's time", r, f,
                    SORTED_VS_FLOOR, "floor", failed(rum, page))
    r, f = rps(rum, "typed_page"), rps(floor, "deep")
    if r and f:
        _slower(rows, f"typed page <= {TYPED_VS_OFFSET:g}x the floor's OFFSET page", r, f,
                TYPED_VS_OFFSET, "floor deep", failed(rum, "typed_page"))
    for page in ("deep", "search"):
        r, f = rps(rum, page), rps(floor, page)
        if r and f:
            ref = REFERENCE[page]
            target = f"{page} as today or better ({ref:.2f}x the floor's req/s)"
            problem = failed(rum, page)
            if problem:
                _row(rows, target, f"Rum's page {problem}", False, "-")
                continue
            _row(rows, target, f"{r / f:.2f}x ({r:,.1f} vs {f:,.1f} req/s)",
                 r / f >= ref * (1 - NOISE), f"{r / f / ref:.0%} of today")
    r_edit, f_edit = single(rum, "edit"), single(floor, "edit")
    if r_edit and f_edit:
        x, ref = r_edit / f_edit, REFERENCE["edit"]
        _row(rows, f"edit as today or better ({ref:.2f}x the floor's time)",
             f"{x:.2f}x ({r_edit:.1f} vs {f_edit:.1f} ms)", x <= ref * (1 + NOISE),
             f"{x / ref:.0%} of today")
    pr = rum.get("probe", {})
    counts = {m: pr[m]["sql_count"] for m in ("list", "deep", "search", "sorted", "sorted_deep",
                                              "typed_page") if m in pr and not failed(rum, m)}
    if counts:
        worst = max(counts.values())
        _row(rows, f"<= {LIST_SQL} SQL statements per list page",
             ", ".join(f"{m} {n}" for m, n in counts.items()), worst <= LIST_SQL,
             f"at most {worst}")


def export_targets(rows: list, peers: dict, big: dict | None) -> None:
    rum, floor = peers.get("rum", {}), peers.get("floor", {})
    ex, fex = rum.get("load", {}).get("export"), floor.get("load", {}).get("export")
    if ex and fex:
        _csv(rows, "CSV of 100k rows", ex, fex)
    if big and big.get("load", {}).get("export") and (big.get("floor") or {}).get("export"):
        _csv(rows, "CSV of 1M rows", big["load"]["export"], big["floor"]["export"])
    for name, export in (("100k", ex), ("1M", (big or {}).get("load", {}).get("export"))):
        peak = (export or {}).get("rss_after", {}).get("VmHWM")
        if peak is not None:
            _row(rows, f"CSV peak RSS <= {CSV_PEAK_MIB} MiB ({name})",
                 f"{peak} MiB (worker VmHWM)", peak <= CSV_PEAK_MIB, f"{peak - CSV_PEAK_MIB:+d} MiB")


def _csv(rows: list, what: str, ex: dict, fex: dict) -> None:
    x = ex["seconds"] / fex["seconds"]
    _row(rows, f"{what} <= {CSV_VS_FLOOR:g}x the floor's time",
         f"{x:.2f}x ({ex['seconds']:.2f} s vs {fex['seconds']:.2f} s)", x <= CSV_VS_FLOOR,
         f"{x / CSV_VS_FLOOR:.0%} of the limit")


def targets(results: dict | None, big: dict | None = None) -> list[tuple[str, str, str, str]]:
    """(target, measured, "met" or "**missed**", margin) for every target measured."""
    rows: list[tuple[str, str, str, str]] = []
    peers = (results or {}).get("peers", {})
    list_targets(rows, peers, big)
    query_targets(rows, peers)
    export_targets(rows, peers, big)
    start = peers.get("rum", {}).get("startup_s")
    if start:
        s = statistics.median(start)
        _row(rows, f"start-up <= {STARTUP_S:g} s", f"{s:.2f} s", s <= STARTUP_S,
             f"{s / STARTUP_S:.0%} of the limit")
    return rows


def table(rows: list[tuple[str, str, str, str]]) -> list[str]:
    """The rows as a Markdown table."""
    return ["| target | measured | | margin |", "|---|---|---|---|",
            *(f"| {t} | {m} | {ok} | {margin} |" for t, m, ok, margin in rows)]
