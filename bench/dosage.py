"""Time Dosage.describe() and Dosage.timeline() over a 20-exercise program.

Run from the repository root: ``python bench/dosage.py``. Each measurement stops
after MAX_ITERATIONS runs or MAX_SECONDS, whichever comes first, and prints
microseconds per program (all 20 dosages).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mend.exercises.dosage import Dosage, Load, LoadKind, Sides, Timing

MAX_ITERATIONS = 2_000
MAX_SECONDS = 5.0

AROUND_RUNS = frozenset({Timing.BEFORE_ACTIVITY, Timing.DURING_ACTIVITY, Timing.AFTER_ACTIVITY})


def program() -> list[Dosage]:
    return [
        Dosage(
            hold_s=30,
            hold_max_s=60,
            hold_movement="turn the leg in and out",
            timing=AROUND_RUNS,
            activity_label="runs",
            sides=Sides.EACH,
            side_label="leg",
        ),
        Dosage(sets=3, reps=15, times_per_day=2, days_per_week=7, weeks=12),
        Dosage(
            sets=3,
            reps=15,
            times_per_day=2,
            days_per_week=7,
            weeks=12,
            sides=Sides.EACH,
            side_label="leg",
        ),
        Dosage(sets=3, rm_target=15, tempo="3-0-3-0", rest_s=120, rest_max_s=180, days_per_week=3),
        Dosage(sets=3, rm_target=12, tempo="3-0-3-0", rest_s=120, days_per_week=3),
        Dosage(sets=4, rm_target=10, tempo="3-0-3-0", rest_s=150, days_per_week=3),
        Dosage(sets=4, rm_target=8, tempo="3-0-3-0", rest_s=120, rest_max_s=180, days_per_week=3),
        Dosage(sets=4, rm_target=6, tempo="3-0-3-0", rest_s=180, days_per_week=3, weeks=4),
        Dosage(sets=5, hold_s=45, rest_s=120, times_per_day=1),
        Dosage(sets=5, hold_s=30, hold_max_s=45, rest_s=60, sides=Sides.EACH, side_label="leg"),
        Dosage(sets=2, reps=10, hold_s=5, sides=Sides.ALTERNATING, side_label="arm"),
        Dosage(sets=3, reps=12, load=Load(LoadKind.BAND, "red"), rest_s=60, side_label="arm"),
        Dosage(sets=3, reps=10, load=Load(LoadKind.KG, 2.5), tempo="2-1-X-0", rest_s=90),
        Dosage(sets=3, reps=8, load=Load(LoadKind.RPE, 7), rest_s=90, days_per_week=2),
        Dosage(sets=2, reps=20, load=Load(LoadKind.BODYWEIGHT), sides=Sides.LEFT, rest_s=0),
        Dosage(reps=10, sides=Sides.RIGHT, side_label="knee", times_per_day=3),
        Dosage(hold_s=60, timing=frozenset({Timing.MORNING, Timing.EVENING})),
        Dosage(sets=3, reps=30, tempo="1-0-1-0", load=Load(LoadKind.LB, 10), rest_s=45),
        Dosage(sets=4, hold_s=20, sides=Sides.ALTERNATING, side_label="foot", rest_s=30),
        Dosage(sets=2, reps=15, hold_s=3, rest_s=60, sides=Sides.EACH, side_label="leg", weeks=6),
    ]


def per_program_us(work: Callable[[], object]) -> tuple[float, int]:
    iterations = 0
    start = time.perf_counter()
    while iterations < MAX_ITERATIONS and time.perf_counter() - start < MAX_SECONDS:
        work()
        iterations += 1
    elapsed = time.perf_counter() - start
    return elapsed / iterations * 1e6, iterations


def main() -> None:
    dosages = program()
    assert len(dosages) == 20 and len(set(dosages)) == 20
    steps = sum(len(dosage.timeline()) for dosage in dosages)
    benchmarks: dict[str, Callable[[], object]] = {
        "describe()": lambda: [dosage.describe() for dosage in dosages],
        "timeline()": lambda: [dosage.timeline() for dosage in dosages],
    }
    print(f"Program: {len(dosages)} dosages, {steps} timeline steps in all")
    for name, work in benchmarks.items():
        micros, iterations = per_program_us(work)
        print(f"{name:<11} {micros:9.1f} µs per program ({iterations} runs)")


if __name__ == "__main__":
    main()
