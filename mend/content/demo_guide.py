"""The demo clinic's guide, "Where does it hurt?", and its region pages.

Loading is idempotent like the rest of the demo: a guide or region page that
exists is left as it is (edited or not), a missing one is made and published.
Each region page features the demo articles written for it and lists the
others carrying its tags.
"""

from __future__ import annotations

from typing import Any

from mend.content.models import (
    GuideFeaturedArticle,
    GuidePage,
    GuideRegionPage,
    HomePage,
    live_articles,
)
from mend.core.regions import REGIONS

GUIDE_INTRO = (
    "Choose where it hurts to see the safety questions to answer first, what our physical "
    "therapists have written about it, and exercises from the library."
)

REGION_PAGES: list[dict[str, Any]] = [
    {
        "region": "foot-ankle",
        "intro": "The heel, the sole and the ankle.",
        "body": [
            (
                "paragraph",
                "<p>Heel pain that is worst with the first steps in the morning is common, "
                "and it usually eases over months with load and time. Pain after a twist or "
                "a fall is different: if you cannot take four steps, get it checked.</p>",
            ),
        ],
        "featured": ["plantar-heel-pain-plantar-fascia"],
        "tags": ["foot", "plantar-fascia"],
    },
    {
        "region": "calf-achilles",
        "intro": "The back of the lower leg, from below the knee down to the heel.",
        "body": [
            (
                "paragraph",
                "<p>Achilles and calf pain often builds up with running or a change in "
                "training. Tendons like steady, gradual loading; rest alone rarely settles "
                "them, and neither does stretching alone. A sudden pop or a kick-like pain at "
                "the back of the heel is different: answer the questions above first.</p>",
            ),
        ],
        "featured": [
            "heel-raises-calf-strength-step-by-step",
            "calf-stretches-straight-knee-bent-knee",
            "achilles-pain-running-hamstring-stretch",
        ],
        "tags": ["achilles", "calf"],
    },
    {
        "region": "knee",
        "intro": "The kneecap, the front, sides and back of the knee.",
        "body": [
            (
                "paragraph",
                "<p>Pain around the kneecap is common in runners and on stairs, and it "
                "usually responds to a gradual strength plan. A knee that locks, gives way or "
                "swelled fast after an injury should be examined first.</p>",
            ),
        ],
        "featured": ["runners-knee-patellofemoral-pain"],
        "tags": ["knee"],
    },
    {
        "region": "low-back",
        "intro": "The lower back, between the ribs and the buttocks.",
        "body": [
            (
                "paragraph",
                "<p>Most low back pain settles within weeks, and staying gently active helps "
                "more than bed rest. A few signs, above all changes when passing urine or "
                "numbness between the legs, need emergency care: answer the questions above "
                "first.</p>",
            ),
        ],
        "featured": ["low-back-pain-at-home-what-helps-first"],
        "tags": ["low-back"],
    },
]


def load() -> list[str]:
    """Make what is missing of the guide under the home page; what was made, a line each."""
    home = HomePage.objects.first()
    if home is None:
        return []
    made = []
    guide = GuidePage.objects.child_of(home).first()
    if guide is None:
        guide = home.add_child(
            instance=GuidePage(title="Where does it hurt?", slug="guide", intro=GUIDE_INTRO)
        )
        guide.save_revision().publish()
        made.append("guide")
    for data in REGION_PAGES:
        if _region_page(guide, data):
            made.append(f"guide region {data['region']}")
    return made


def _region_page(guide: GuidePage, data: dict[str, Any]) -> bool:
    if GuideRegionPage.objects.filter(region=data["region"]).exists():
        return False
    articles = {a.slug: a for a in live_articles().filter(slug__in=data["featured"])}
    page = GuideRegionPage(
        title=dict(REGIONS)[data["region"]],
        slug=data["region"],
        region=data["region"],
        intro=data["intro"],
        body=data["body"],
        featured_articles=[
            GuideFeaturedArticle(article=articles[slug])
            for slug in data["featured"]
            if slug in articles
        ],
    )
    guide.add_child(instance=page)
    page.article_tags.add(*data["tags"])
    page.save_revision().publish()
    return True
