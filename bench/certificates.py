"""Benchmark: time to build one certificate PDF, and a ZIP of all certificates of a 100-learner team.

Run: .venv/bin/python bench/certificates.py
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.certificates import CertificateData, new_code, render_pdf, zip_of  # noqa: E402

BASE_URL = "https://cursus.example.nl"
TITLES = ["Module 1: Wat is gehechtheid", "Module 2: Bouwstenen van gehechtheid",
          "Module 3: Signaleren: de signalenlijst", "Module 4: Praktische handvatten"]


def certificate(i: int, title: str, is_course: bool = False) -> CertificateData:
    return CertificateData(new_code(), f"Medewerker {i} van der Meer-Çelik", title, 7 if is_course else 1.75,
                           "Kinderopvang De Regenboog", datetime(2026, 11, 21), is_course)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    render_pdf(certificate(0, TITLES[0]), BASE_URL)  # warm up: font registration happens once per process
    single = timed(lambda: render_pdf(certificate(1, TITLES[0]), BASE_URL), 200)
    team = [certificate(i, t) for i in range(100) for t in TITLES] + [
        certificate(i, "Veilige Gehechtheid", True) for i in range(100)]
    zipped = timed(lambda: zip_of(team, BASE_URL), 5)
    size = len(render_pdf(team[0], BASE_URL))
    print(f"one certificate PDF          median {statistics.median(single):7.2f} ms   "
          f"p95 {sorted(single)[int(len(single) * .95)]:7.2f} ms   ({len(single)} runs, {size / 1024:.0f} KiB)")
    print(f"team ZIP (100 learners, {len(team)} PDFs) median {statistics.median(zipped):7.0f} ms   "
          f"({len(zipped)} runs)")


if __name__ == "__main__":
    main()
