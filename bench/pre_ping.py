"""What the pool's pre-ping costs: a checkout plus one query, with and without pool_pre_ping.

The platform sets pool_pre_ping (course/config.py): after a database restart every pooled connection is
dead, and the ping finds that out at checkout instead of failing the request. This prints the price per
checkout on a throwaway PostgreSQL cluster on loopback (and on SQLite, where it is a no-op in practice).

    .venv/bin/python bench/pre_ping.py [--checkouts 5000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sqlalchemy import create_engine, text  # noqa: E402

from devtools import PostgresCluster  # noqa: E402


def per_checkout(url: str, pre_ping: bool, checkouts: int) -> float:
    """Median of five runs: microseconds per checkout + SELECT 1 + return to the pool."""
    engine = create_engine(url, pool_pre_ping=pre_ping)
    runs = []
    with engine.connect() as conn:  # open the pooled connection once
        conn.execute(text("SELECT 1"))
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(checkouts):
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        runs.append((time.perf_counter() - start) / checkouts * 1e6)
    engine.dispose()
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{folder}/ping.sqlite"
        cluster = PostgresCluster()
        try:
            for name, url in (("SQLite", sqlite), (f"PostgreSQL ({cluster.version})", cluster.url)):
                without = per_checkout(url, False, args.checkouts)
                with_ping = per_checkout(url, True, args.checkouts)
                print(f"{name}: {without:.0f} µs per checkout without pre-ping, {with_ping:.0f} µs with "
                      f"(+{with_ping - without:.0f} µs a request)")
        finally:
            cluster.remove()


if __name__ == "__main__":
    main()
