"""The validated outcome questionnaires (PROMs) Mend scores, as plain data.

Standard library only (DESIGN.md, pure modules); scoring.py turns answers into
scores with these definitions. Facts and sources: DOMAIN.md §1.

Conventions:

* An answer is the item's *score* as the instrument's manual scores it, not the
  position of a box on a form: KOOS 0 always means no problem, even on the
  items the form words the other way round; VISA-A answers are points. Turning
  a form's boxes into scores (and KOOS's "two boxes ticked: take the more
  severe") is the form's job, not the engine's.
* Items sharing a ``branch`` are alternative versions of one question (VISA-A
  Q8 A, B or C): exactly one of them is the answer, and the branch counts as
  one question when answers are counted.
* ``Score.minimum`` is how many questions of its group must be answered for a
  score. Where the manual is silent Mend chooses, and the score's ``rule`` says
  so in plain words.
* Licence tier A instruments carry their text, written in Mend's own words.
  Tiers B and C carry item ids only; their wording belongs to the copyright
  holder and is loaded by a clinic that has permission or a licence.
* An MCID is a change in the score's own units. ``Score.mcid`` is None where
  our sources give none, and ``mcid_note`` says why. Sources differ (VISA-A
  above all), so callers may swap in another with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Stored with every result: bump it whenever any score below or in scoring.py
# would come out differently for the same answers.
SCORING_VERSION = "1"

NOT_APPLICABLE = "na"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher is better"
    HIGHER_IS_WORSE = "higher is worse"


class Licence(StrEnum):
    A = "A"
    B = "B"
    C = "C"


LICENCE_TIERS = {
    Licence.A: "Free to use; Mend ships the items in its own words.",
    Licence.B: (
        "Free to use clinically, but the copyright holder's permission is needed to ship "
        "the text: Mend ships item ids and scoring only."
    ),
    Licence.C: (
        "Licensed, with fees for commercial users and healthcare organisations: Mend ships "
        "scoring only and the clinic loads its licensed text."
    ),
}


class Formula(StrEnum):
    SUM = "sum"
    # The sum scaled up to every question: each unanswered one counts as the
    # mean of the answered ones (the NDI author's rule).
    PRORATED_SUM = "prorated sum"
    MEAN = "mean"
    # The mean answer placed on 0-100 between the item's lowest and highest
    # score: ODI's sum ÷ (5 × answered) × 100, QuickDASH's (mean − 1) × 25, FAAM's
    # sum ÷ (4 × rated) × 100.
    PERCENT = "percent"
    # 100 minus PERCENT, for items scored 0 = none … 4 = extreme (KOOS).
    REVERSED_PERCENT = "reversed percent"


@dataclass(frozen=True)
class Item:
    id: str
    group: str
    values: tuple[int, ...]
    text: str | None = None
    labels: tuple[tuple[int, str], ...] = ()
    branch: str | None = None
    allows_na: bool = False


@dataclass(frozen=True)
class Mcid:
    value: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class Score:
    name: str
    label: str
    group: str
    formula: Formula
    minimum: int
    low: float
    high: float
    direction: Direction
    rule: str
    mcid: Mcid | None
    mcid_note: str = ""
    # An optional module (QuickDASH work and sport): with nothing answered it
    # was simply not taken, which is not the same as unscorable.
    optional: bool = False


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    reference: str
    licence: Licence
    items: tuple[Item, ...]
    scores: tuple[Score, ...]
    instructions: str | None = None
    licence_note: str = ""

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def items_in(self, group: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.group == group)


def _numbered(prefix: str, count: int, group: str, values: tuple[int, ...]) -> tuple[Item, ...]:
    return tuple(Item(f"{prefix}{n}", group, values) for n in range(1, count + 1))


def _points(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


OSTELO_2008 = "Ostelo 2008, Spine 33(1):90-94 (consensus for low back pain)"
ABBOTT_SCHMITT_2014 = "Abbott & Schmitt 2014, JOSPT 44(8):560-564"
MARTIN_2005 = "Martin 2005, Foot Ankle Int 26(11):968-983"
VERNON_2008 = "Vernon 2008, JMPT 31(7):491-502"
ROOS_LOHMANDER_2003 = "Roos & Lohmander 2003, Health Qual Life Outcomes 1:64"

NPRS = Instrument(
    code="nprs",
    name="Numeric Pain Rating Scale",
    version="mend-1 (right now)",
    reference="The 11-point numeric pain rating scale (public domain)",
    licence=Licence.A,
    instructions=(
        "This question is about the pain you feel right now, at this moment: not earlier "
        "today and not on average."
    ),
    items=(
        Item(
            "pain",
            "total",
            _points(0, 10),
            text="How much pain do you have right now? Choose a number from 0 to 10.",
            labels=((0, "no pain"), (10, "the worst pain you can imagine")),
        ),
    ),
    scores=(
        Score(
            name="total",
            label="Pain right now",
            group="total",
            formula=Formula.SUM,
            minimum=1,
            low=0,
            high=10,
            direction=Direction.HIGHER_IS_WORSE,
            rule="The number chosen.",
            mcid=Mcid(2, OSTELO_2008, note="or a 30% change from the first rating"),
        ),
    ),
)

_PSFS_LABELS = ((0, "unable to do it"), (10, "able to do it as well as before the problem"))


def _psfs_activity(n: int) -> Item:
    optional = " (if you named one)" if n > 3 else ""
    return Item(
        f"a{n}",
        "total",
        _points(0, 10),
        text=f"Activity {n}{optional}: how well can you do it today?",
        labels=_PSFS_LABELS,
    )


PSFS = Instrument(
    code="psfs",
    name="Patient-Specific Functional Scale",
    version="mend-1",
    reference="Stratford 1995, Physiother Can 47:258-263",
    licence=Licence.A,
    instructions=(
        "Name 3 to 5 activities that you cannot do, or find hard to do, because of this "
        "problem. Then rate how well you can do each one today, from 0 to 10: 0 means you "
        "are unable to do it, 10 means you can do it as well as before the problem. At "
        "later visits you rate the same activities again."
    ),
    items=tuple(_psfs_activity(n) for n in range(1, 6)),
    scores=(
        Score(
            name="total",
            label="Activity score",
            group="total",
            formula=Formula.MEAN,
            minimum=3,
            low=0,
            high=10,
            direction=Direction.HIGHER_IS_BETTER,
            # The scale asks for three to five activities, so fewer than three
            # rated is an incomplete form, not a shorter one.
            rule="Mean of the activities rated; at least 3 of the 5 must be rated.",
            mcid=Mcid(
                2,
                ABBOTT_SCHMITT_2014,
                note=(
                    "2 points on the mean (3 on a single activity) is the figure usually "
                    "quoted; Abbott & Schmitt report 1.3 small, 2.3 medium, 2.7 large"
                ),
            ),
        ),
    ),
)

GROC = Instrument(
    code="groc",
    name="Global Rating of Change",
    version="mend-1 (15-point)",
    reference="15-point global rating of change; Kamper 2009, J Man Manip Ther 17(3):163-170",
    licence=Licence.A,
    instructions=(
        "Think of this problem as it was when your treatment started, and as it is today."
    ),
    items=(
        Item(
            "rating",
            "total",
            _points(-7, 7),
            text="Overall, how has this problem changed since your treatment started?",
            labels=(
                (-7, "a very great deal worse"),
                (0, "about the same"),
                (7, "a very great deal better"),
            ),
        ),
    ),
    scores=(
        Score(
            name="total",
            label="Change since treatment started",
            group="total",
            formula=Formula.SUM,
            minimum=1,
            low=-7,
            high=7,
            direction=Direction.HIGHER_IS_BETTER,
            rule="The number chosen, from -7 to +7.",
            mcid=None,
            mcid_note=(
                "The GROC is itself a rating of change, the anchor against which other "
                "measures' MCIDs are set, so it has none of its own. Studies choose their "
                "own cut-off (often ±2 or ±3); Kamper 2009 reviews the choices."
            ),
        ),
    ),
)

ODI = Instrument(
    code="odi",
    name="Oswestry Disability Index",
    version="2.1a",
    reference="Fairbank & Pynsent 2000, Spine 25(22):2940-2953",
    licence=Licence.C,
    licence_note="Licensed through Mapi Research Trust (ePROVIDE).",
    items=_numbered("s", 10, "total", _points(0, 5)),
    scores=(
        Score(
            name="total",
            label="Disability (%)",
            group="total",
            formula=Formula.PERCENT,
            minimum=8,
            low=0,
            high=100,
            direction=Direction.HIGHER_IS_WORSE,
            # The manual's worked example leaves out one section; two is the
            # usual clinical limit, and beyond it the rest carry too much weight.
            rule=(
                "Sum ÷ (5 × sections answered) × 100, shown rounded (not truncated). The "
                "manual shows one missing section; Mend scores with at most 2 missing (at "
                "least 8 of 10 answered)."
            ),
            mcid=Mcid(10, OSTELO_2008, note="or a 30% change; Abbott & Schmitt 2014 give 12"),
        ),
    ),
)

_NDI_RULE = (
    "A missing item counts as the mean of the answered ones (the author's rule): "
    "sum ÷ (5 × answered) × {scale}. The author sets no limit; Mend scores with at most "
    "2 missing (at least 8 of 10 answered)."
)

NDI = Instrument(
    code="ndi",
    name="Neck Disability Index",
    version="1991",
    reference="Vernon & Mior 1991, JMPT 14(7):409-415",
    licence=Licence.B,
    licence_note=(
        "The author encouraged copying, but current custodianship is not confirmed: "
        "treated as tier B until it is."
    ),
    items=_numbered("s", 10, "total", _points(0, 5)),
    scores=(
        Score(
            name="total",
            label="Disability (0-50)",
            group="total",
            formula=Formula.PRORATED_SUM,
            minimum=8,
            low=0,
            high=50,
            direction=Direction.HIGHER_IS_WORSE,
            rule=_NDI_RULE.format(scale=50),
            mcid=Mcid(5, VERNON_2008, note="Abbott & Schmitt 2014 give 14 percentage points"),
        ),
        Score(
            name="percent",
            label="Disability (%)",
            group="total",
            formula=Formula.PERCENT,
            minimum=8,
            low=0,
            high=100,
            direction=Direction.HIGHER_IS_WORSE,
            rule=_NDI_RULE.format(scale=100),
            mcid=Mcid(10, VERNON_2008, note="5 of 50, doubled"),
        ),
    ),
)

LEFS = Instrument(
    code="lefs",
    name="Lower Extremity Functional Scale",
    version="1999",
    reference="Binkley 1999, Phys Ther 79(4):371-383",
    licence=Licence.B,
    licence_note="Forms are reprinted with the permission of the APTA.",
    items=_numbered("i", 20, "total", _points(0, 4)),
    scores=(
        Score(
            name="total",
            label="Lower-limb function (0-80)",
            group="total",
            formula=Formula.SUM,
            minimum=20,
            low=0,
            high=80,
            direction=Direction.HIGHER_IS_BETTER,
            rule="Sum of the 20 items. The authors give no rule for missing items, so all 20 "
            "are needed.",
            mcid=Mcid(
                9,
                "Binkley 1999, Phys Ther 79(4):371-383",
                note="the minimal detectable change (90% confidence); Abbott & Schmitt 2014 "
                "give 9-16",
            ),
        ),
    ),
)


def _quickdash_module(name: str, label: str) -> Score:
    return Score(
        name=name,
        label=label,
        group=name,
        formula=Formula.PERCENT,
        minimum=4,
        low=0,
        high=100,
        direction=Direction.HIGHER_IS_WORSE,
        rule="((sum ÷ 4) − 1) × 25; optional, but once started all 4 items are needed.",
        mcid=None,
        mcid_note="Our sources give no MCID for the optional modules.",
        optional=True,
    )


QUICKDASH = Instrument(
    code="quickdash",
    name="QuickDASH (Disabilities of the Arm, Shoulder and Hand)",
    version="2005",
    reference="Beaton 2005, JBJS-A 87:1038-1046",
    licence=Licence.C,
    licence_note="Copyright Institute for Work & Health; commercial software needs a licence.",
    items=(
        _numbered("i", 11, "disability", _points(1, 5))
        + _numbered("w", 4, "work", _points(1, 5))
        + _numbered("sp", 4, "sport", _points(1, 5))
    ),
    scores=(
        Score(
            name="disability",
            label="Disability and symptoms",
            group="disability",
            formula=Formula.PERCENT,
            minimum=10,
            low=0,
            high=100,
            direction=Direction.HIGHER_IS_WORSE,
            rule="((sum ÷ items answered) − 1) × 25; at least 10 of the 11 items are needed.",
            mcid=Mcid(14, "Sorensen 2013, J Hand Surg Am 38(4):641-649"),
        ),
        _quickdash_module("work", "Work module"),
        _quickdash_module("sport", "Sports and performing arts module"),
    ),
)


def _koos_subscale(name: str, label: str, minimum: int) -> Score:
    return Score(
        name=name,
        label=label,
        group=name,
        formula=Formula.REVERSED_PERCENT,
        minimum=minimum,
        low=0,
        high=100,
        direction=Direction.HIGHER_IS_BETTER,
        rule=f"100 − (mean of the items answered × 25); at least {minimum} items, half the "
        "subscale, are needed (user's guide 2012).",
        mcid=Mcid(10, ROOS_LOHMANDER_2003, note="8 to 10 points"),
    )


KOOS = Instrument(
    code="koos",
    name="Knee injury and Osteoarthritis Outcome Score",
    version="1998",
    reference="Roos 1998, JOSPT 28(2):88-96",
    licence=Licence.C,
    licence_note="Mapi Research Trust since October 2023; permission always required.",
    items=(
        _numbered("p", 9, "pain", _points(0, 4))
        + _numbered("s", 7, "symptoms", _points(0, 4))
        + _numbered("a", 17, "adl", _points(0, 4))
        + _numbered("sp", 5, "sport_rec", _points(0, 4))
        + _numbered("q", 4, "qol", _points(0, 4))
    ),
    scores=(
        _koos_subscale("pain", "Pain", 5),
        _koos_subscale("symptoms", "Symptoms", 4),
        _koos_subscale("adl", "Function in daily living", 9),
        _koos_subscale("sport_rec", "Function in sport and recreation", 3),
        _koos_subscale("qol", "Knee-related quality of life", 2),
    ),
)

VISA_A = Instrument(
    code="visa-a",
    name="Victorian Institute of Sport Assessment – Achilles",
    version="2001",
    reference="Robinson 2001, BJSM 35:335-341",
    licence=Licence.B,
    licence_note="No licence stated; BMJ journal copyright.",
    items=(
        *_numbered("q", 6, "total", _points(0, 10)),
        Item("q7", "total", (0, 4, 7, 10)),
        # Q8 has three versions by how pain affects loading sport; the patient
        # answers the one that fits.
        Item("q8a", "total", (0, 7, 14, 21, 30), branch="q8"),
        Item("q8b", "total", (0, 4, 10, 14, 20), branch="q8"),
        Item("q8c", "total", (0, 2, 5, 7, 10), branch="q8"),
    ),
    scores=(
        Score(
            name="total",
            label="Achilles tendon severity (0-100)",
            group="total",
            formula=Formula.SUM,
            minimum=8,
            low=0,
            high=100,
            direction=Direction.HIGHER_IS_BETTER,
            rule="Sum of the points for Q1-Q7 and the one Q8 answered (A, B or C). No rule "
            "for missing items is published, so all 8 are needed.",
            mcid=Mcid(
                14,
                "JOSPT 2021;51(10), prospective cohort, active people with midportion "
                "Achilles tendinopathy",
                note="over 12 weeks; 7 over 24 weeks in the same study. Other sources differ.",
            ),
        ),
    ),
)


def _faam_subscale(name: str, label: str, minimum: int, count: int, mcid: float) -> Score:
    return Score(
        name=name,
        label=label,
        group=name,
        formula=Formula.PERCENT,
        minimum=minimum,
        low=0,
        high=100,
        direction=Direction.HIGHER_IS_BETTER,
        rule=f"Sum ÷ (4 × items rated) × 100; N/A is not rated. At least {minimum} of the "
        f"{count} items must be rated (Martin 2005; another source asks for more).",
        mcid=Mcid(mcid, MARTIN_2005),
    )


def _faam_items(prefix: str, count: int, group: str) -> tuple[Item, ...]:
    return tuple(
        Item(f"{prefix}{n}", group, _points(0, 4), allows_na=True) for n in range(1, count + 1)
    )


FAAM = Instrument(
    code="faam",
    name="Foot and Ankle Ability Measure",
    version="2005",
    reference=MARTIN_2005,
    licence=Licence.B,
    licence_note="Listed as free, but with no formal licence.",
    items=_faam_items("adl", 21, "adl") + _faam_items("sp", 8, "sports"),
    scores=(
        _faam_subscale("adl", "Activities of daily living (%)", 19, 21, 8),
        _faam_subscale("sports", "Sports (%)", 7, 8, 9),
    ),
)

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (NPRS, PSFS, GROC, ODI, NDI, LEFS, QUICKDASH, KOOS, VISA_A, FAAM)
}
