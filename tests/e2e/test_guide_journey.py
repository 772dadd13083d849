"""A reader finds the calf and Achilles page on the guide's body map with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from mend.content import demo_guide
from mend.content.models import ArticlePage, HomePage

MAX_TABS = 40  # the skip link, the header's and the map's first links take about ten


@pytest.fixture
def demo_site(
    live_server: LiveServer, home: HomePage, make_article: Callable[..., ArticlePage]
) -> str:
    """The demo's guide over the two calf articles it features (the rest of the demo is
    other journeys' business)."""
    make_article(
        "Heel raises: how to build calf strength step by step",
        slug="heel-raises-calf-strength-step-by-step",
        tags=("achilles", "calf"),
    )
    make_article(
        "Calf stretches for runners: straight knee and bent knee",
        slug="calf-stretches-straight-knee-bent-knee",
        tags=("calf", "stretching"),
    )
    demo_guide.load()
    return live_server.url


def focused_region(page: Page) -> str | None:
    return page.evaluate(
        "() => document.activeElement.closest('svg.guide-map a')?.dataset.region ?? null"
    )


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_tabs_to_the_calf_on_the_map_and_reads_its_page(page: Page, demo_site: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(demo_site + "/guide/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where does it hurt?")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    calf = page.locator('svg.guide-map a[data-region="calf-achilles"]')
    expect(calf).to_have_accessible_name("Calf and Achilles")
    # The map's targets are at least 44 px each way at this width.
    for region in ("foot-ankle", "calf-achilles", "knee", "low-back"):
        box = page.locator(f'svg.guide-map a[data-region="{region}"]').bounding_box()
        assert box is not None and min(box["width"], box["height"]) >= 44, region

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused_region(page) == "calf-achilles":
            break
    else:
        pytest.fail("Tab never reached the calf on the body map")
    # Its focus is visible: the region's shape is drawn in the focus colour.
    stroke = calf.locator("rect").first.evaluate("rect => getComputedStyle(rect).stroke")
    assert stroke == "rgb(194, 94, 0)"

    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/guide/calf-achilles/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Calf and Achilles")
    expect(page.get_by_text("Answer these first: some signs need a doctor")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("sudden pop"))).to_be_visible()
    articles = page.locator(".guide-learn")
    expect(articles.get_by_role("link", name=re.compile("^Heel raises"))).to_be_visible()
    expect(articles.get_by_role("link", name=re.compile("^Calf stretches"))).to_be_visible()
    expect(page.get_by_role("link", name="Book a visit with a physical therapist")).to_be_visible()
    assert no_horizontal_scroll(page)
