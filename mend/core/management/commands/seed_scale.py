from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mend.core import scale

NOT_DEBUG = (
    "seed_scale fills the database with a made-up practice group for benchmarks; it only "
    "runs with MEND_DEBUG=true, on a scratch database."
)
NOT_EMPTY = (
    "This database already holds patients. seed_scale is for a scratch database; add "
    "--force to add a group to this one anyway."
)


def _factor(value: str) -> float:
    try:
        factor = float(value)
    except ValueError:
        raise CommandError(f"--factor must be a number, not {value!r}.") from None
    if not 0 < factor <= 1000:
        raise CommandError("--factor must be more than 0 and at most 1000.")
    return factor


class Command(BaseCommand):
    help = (
        "Fill a scratch database with a practice group linear in --factor N (N = 100: about "
        "200 clinicians, 50,000 patients, 2 million session logs). Debug only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--factor", type=_factor, default=1.0, help="N (fractions allowed).")
        parser.add_argument(
            "--force", action="store_true", help="Add a group to a database that has patients."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(NOT_DEBUG)
        if scale.holds_patients() and not options["force"]:
            raise CommandError(NOT_EMPTY)
        started = time.perf_counter()
        self.stdout.write("The demo clinic first (accounts, exercises, articles, visit types):")
        call_command("load_demo", stdout=_Quiet())
        call_command("load_booking_demo", stdout=_Quiet())
        self.stdout.write(f"  {'demo clinic':<28} {'':>15} {time.perf_counter() - started:>8.1f} s")
        plan = scale.Plan.for_factor(options["factor"])
        self.stdout.write(
            f"A group at N = {options['factor']:g}: {plan.clinicians:,} clinicians, "
            f"{plan.patients:,} patients, {plan.logs:,} session logs, "
            f"{plan.appointments:,} visits, {plan.articles:,} articles, "
            f"{plan.comments:,} comments"
        )
        try:
            _, world, _ = scale.seed(options["factor"], out=self.stdout.write)
        except scale.SeedError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Done in {time.perf_counter() - started:.1f} s; the group's addresses end in "
            f".{world.tag}@{scale.EMAIL_DOMAIN}."
        )


class _Quiet:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
