"""Page 1 vs page 50,000 of a 1,000,000-row table, keyset against OFFSET, through Rum's repository.

Run: `.venv/bin/python bench/paging.py` (writes nothing; prints a Markdown table). Times are
medians of interleaved rounds; only the ratios mean anything on a shared machine.
"""

import logging
import os
import statistics
import sys
import tempfile
import time

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rum import RumApp  # noqa: E402
from rum.query import Query  # noqa: E402
from rum.query_text import encode_cursor  # noqa: E402
from tests.fixtures import big_model  # noqa: E402

log = logging.getLogger("bench.paging")
ROWS, LIMIT, ROUNDS = 1_000_000, 20, 30


def build(path: str) -> str:
    engine = sa.create_engine(f"sqlite:///{path}")
    big_model.fill(engine, ROWS)
    engine.dispose()
    return f"sqlite:///{path}"


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        app = RumApp({"rum.repositoryfactory": {
            "models": ["tests.fixtures.big_model:Item", "tests.fixtures.big_model:Shelf"],
            "sqlalchemy.url": build(os.path.join(tmp, "big.db"))}})
        deep_page = 50_000
        cases = {
            "page 1": Query(limit=LIMIT),
            "page 50,000 (keyset)": Query(limit=LIMIT, page=deep_page,
                                          cursor=encode_cursor([(deep_page - 1) * LIMIT])),
            "page 50,000 (OFFSET)": Query(limit=LIMIT, page=deep_page),
        }
        times = {name: [] for name in cases}
        for _ in range(ROUNDS):
            for name, query in cases.items():
                with app.repositories.unit_of_work({}) as uow:
                    start = time.perf_counter()
                    page = uow.repository("items").select(query)
                    times[name].append(time.perf_counter() - start)
                    assert page.rows[0].id == (query.page - 1) * LIMIT + 1
        first = statistics.median(times["page 1"])
        log.info("| page | median ms | x page 1 |\n|---|---|---|")
        for name, samples in times.items():
            median = statistics.median(samples)
            log.info("| %s | %.2f | %.2fx |", name, median * 1000, median / first)


if __name__ == "__main__":
    main()
