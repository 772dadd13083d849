"""Median server time of one uncached article render (no page cache in front).

Run by bench/article_page.sh with the same environment as the server
(DATABASE_URL, MEND_VAR_DIR…); prints one line. Bounded: at most
``--renders`` renders or ``--seconds`` seconds, whichever comes first.
BENCH_TREE names another checkout to render with its code instead of this one
(bench/article_compare.sh measures a baseline that way).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("BENCH_TREE") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mend.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    for _ in range(10):  # warm the template and query caches
        assert client.get(args.path).status_code == 200
    queries: list[str] = []

    def count(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        client.get(args.path)
    timings: list[float] = []
    deadline = time.perf_counter() + args.seconds
    while len(timings) < args.renders and time.perf_counter() < deadline:
        start = time.perf_counter()
        response = client.get(args.path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    median = statistics.median(timings)
    p90 = statistics.quantiles(timings, n=10)[-1]
    print(
        f"uncached render: median {median:.1f} ms, p90 {p90:.1f} ms over {len(timings)} renders,"
        f" {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
