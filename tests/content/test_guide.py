"""The guide, "Where does it hurt?": a body map of the published region pages; each
region page asks its red-flag screen first, then teaches, then points to a visit."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from mend.accounts.models import User
from mend.content import bodymap, demo_guide
from mend.content.models import (
    ArticlePage,
    GuideFeaturedArticle,
    GuidePage,
    GuideRegionPage,
    HomePage,
)
from mend.core.pagecache import CACHE_HEADER, MARKER
from mend.core.regions import REGIONS
from mend.exercises.models import Exercise, Region
from mend.safety.services import screen_for

MakeArticle = Callable[..., ArticlePage]
MakeRegion = Callable[..., GuideRegionPage]

NOT_A_DIAGNOSIS = (
    "This guide is general education: it cannot tell what is causing your pain or choose a "
    "treatment for you; a physical therapist can."
)


@pytest.fixture
def guide(home: HomePage) -> GuidePage:
    page = home.add_child(instance=GuidePage(title="Where does it hurt?", slug="guide"))
    page.save_revision().publish()
    return page


@pytest.fixture
def make_region(guide: GuidePage) -> MakeRegion:
    def make(
        region: str,
        *,
        live: bool = True,
        featured: tuple[ArticlePage, ...] = (),
        tags: tuple[str, ...] = (),
        **fields: Any,
    ) -> GuideRegionPage:
        fields.setdefault("title", dict(REGIONS)[region])
        fields.setdefault("slug", region)
        page = GuideRegionPage(
            region=region,
            live=live,
            featured_articles=[GuideFeaturedArticle(article=article) for article in featured],
            **fields,
        )
        guide.add_child(instance=page)
        if tags:
            page.article_tags.add(*tags)
        revision = page.save_revision()
        if live:
            revision.publish()
        page.refresh_from_db()
        return page

    return make


def make_exercise(name: str, *regions: str) -> Exercise:
    exercise = Exercise(
        name=name,
        slug=name.lower().replace(" ", "-"),
        purpose=Exercise.Purpose.STRENGTHEN,
        steps="Rise slowly.\nLower slowly.",
        regions=list(Region.objects.filter(slug__in=regions)),
    )
    exercise.save()
    return exercise


def region_links(html: str) -> list[tuple[str, str]]:
    """The map's links, in order: (href, accessible name)."""
    svg = html[html.index("<svg") : html.index("</svg>")]
    return re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', svg)


# The index.


def test_index_maps_and_lists_only_published_region_pages(
    client: Client, make_region: MakeRegion
) -> None:
    make_region("knee", intro="The kneecap and around it.")
    make_region("calf-achilles")
    make_region("low-back", live=False)

    html = client.get("/guide/").content.decode()

    # The controlled list's order, foot to neck, on the map and in the list.
    assert region_links(html) == [
        ("/guide/calf-achilles/", "Calf and Achilles"),
        ("/guide/knee/", "Knee"),
    ]
    listed = html[html.index('id="guide-list-heading"') :]
    assert re.findall(r'<h3><a href="([^"]+)">([^<]+)</a></h3>', listed) == [
        ("/guide/calf-achilles/", "Calf and Achilles"),
        ("/guide/knee/", "Knee"),
    ]
    assert "The kneecap and around it." in listed
    assert "Low back" not in html
    assert NOT_A_DIAGNOSIS in html


def test_map_labels_come_from_the_page(client: Client, make_region: MakeRegion) -> None:
    make_region("knee", title="Knee pain")

    html = client.get("/guide/").content.decode()

    assert region_links(html) == [("/guide/knee/", "Knee pain")]
    assert "<title>Knee pain</title>" in html


def test_map_draws_each_region_with_its_shapes(client: Client, make_region: MakeRegion) -> None:
    make_region("hip-glutes")

    html = client.get("/guide/").content.decode()

    link = html[html.index('data-region="hip-glutes"') : html.index("</a>", html.index("<svg"))]
    assert link.count('class="guide-region"') == len(bodymap.SHAPES["hip-glutes"]) == 2


def test_every_region_has_shapes_big_enough_to_tap_and_apart() -> None:
    assert set(bodymap.SHAPES) == {slug for slug, _ in REGIONS}
    shapes = [shape for region in bodymap.SHAPES.values() for shape in region]
    for shape in shapes:
        assert min(shape.width, shape.height) >= bodymap.MIN_TARGET
        assert shape.right <= bodymap.VIEWBOX_WIDTH and shape.bottom <= bodymap.VIEWBOX_HEIGHT
    for i, shape in enumerate(shapes):
        assert not any(shape.overlaps(other) for other in shapes[i + 1 :]), shape


def test_guide_with_no_region_pages_says_so(client: Client, guide: GuidePage) -> None:
    html = client.get("/guide/").content.decode()

    assert "<svg" not in html
    assert "No body regions yet." in html


def test_anonymous_readers_get_the_guide_from_the_page_cache(
    client: Client, make_region: MakeRegion
) -> None:
    region = make_region("knee")

    assert client.get("/guide/")[CACHE_HEADER] == "store"
    assert client.get(region.url)[CACHE_HEADER] == "store"


# A region page.


def test_region_page_asks_its_screen_first_then_teaches_then_offers_a_visit(
    client: Client, make_region: MakeRegion, make_article: MakeArticle
) -> None:
    featured = make_article("Heel raises step by step", tags=("calf",))
    tagged = make_article("Return to running", tags=("achilles",))
    make_article("Knee pain on stairs", tags=("knee",))
    make_exercise("Seated calf raise", "calf-achilles")
    make_exercise("Sit to stand", "knee")
    page = make_region("calf-achilles", featured=(featured,), tags=("achilles", "calf"))

    html = client.get(page.url).content.decode()

    screen = screen_for(["calf-achilles"])
    assert screen is not None and screen.region == "calf-achilles"
    first_question = screen.question_list()[0].text
    pop = next(q.text for q in screen.question_list() if "sudden pop" in q.text)
    order = [
        "Answer these first: some signs need a doctor before any exercise.",
        first_question,
        pop,
        featured.title,
        tagged.title,
        "Seated calf raise",
        "See a physical therapist",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert f'action="{reverse("safety:screen", args=[screen.slug])}"' in html
    assert html.count("Heel raises step by step") == 1  # featured, not listed again as tagged
    assert "Knee pain on stairs" not in html
    assert f'href="{reverse("exercises:detail", args=["seated-calf-raise"])}"' in html
    assert "Sit to stand" not in html
    assert f'href="{reverse("booking:book")}"' in html
    assert NOT_A_DIAGNOSIS in html


def test_featured_articles_keep_the_editors_order_and_skip_drafts(
    client: Client, make_region: MakeRegion, make_article: MakeArticle
) -> None:
    first = make_article("Second written, shown first")
    draft = make_article("A draft", live=False)
    second = make_article("First written, shown second")
    page = make_region("knee", featured=(first, draft, second))

    html = client.get(page.url).content.decode()

    assert html.index(first.title) < html.index(second.title)
    assert "A draft" not in html


def test_region_without_its_own_screen_asks_the_general_one(
    client: Client, make_region: MakeRegion
) -> None:
    page = make_region("shoulder")

    response = client.get(page.url)

    general = screen_for([])
    assert general is not None and general.region == ""
    assert response.context["screen"] == general
    html = response.content.decode()
    assert general.question_list()[0].text in html
    assert f'action="{reverse("safety:screen", args=[general.slug])}"' in html


def test_screen_form_carries_tokens_the_page_cache_fills_in(
    make_region: MakeRegion, client: Client
) -> None:
    page = make_region("knee")

    # Rendered for the page cache, the form holds the marker, never one reader's token.
    html = client.get(page.url, **{"mend.page_cache": True}).content.decode()

    form = html[html.index('<form method="post"') : html.index("</form>")]
    assert MARKER in form and "csrfmiddlewaretoken" not in form


def test_answers_posted_from_the_region_page_get_their_advice(make_region: MakeRegion) -> None:
    client = Client(enforce_csrf_checks=True)
    page = make_region("calf-achilles")
    screen = screen_for(["calf-achilles"])
    assert screen is not None
    html = client.get(page.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    answers = {q.key: "no" for q in screen.question_list()} | {"pop": "yes"}

    response = client.post(
        reverse("safety:screen", args=[screen.slug]),
        {"csrfmiddlewaretoken": token[1], **answers},
    )

    assert response.status_code == 200
    assert response.context["outcome"].level == "urgent"


def test_draft_region_page_is_not_public(client: Client, make_region: MakeRegion) -> None:
    make_region("knee", live=False)

    assert client.get("/guide/knee/").status_code == 404


# Editing.


def test_region_can_have_only_one_page(make_region: MakeRegion, guide: GuidePage) -> None:
    make_region("knee", live=False)  # a draft holds its region too
    second = GuideRegionPage(title="Knees again", slug="knees-again", region="knee")

    with pytest.raises(ValidationError) as raised:
        second.full_clean()

    assert "already covers this region" in str(raised.value.message_dict["region"])


def test_a_region_page_may_keep_its_own_region(make_region: MakeRegion) -> None:
    page = make_region("knee")

    page.full_clean()  # no error: the page itself does not count


def region_form(region: str, **extra: Any) -> dict[str, Any]:
    return nested_form_data(
        {
            "title": "Knee, again",
            "slug": "knee-again",
            "region": region,
            "intro": "",
            "body": streamfield([]),
            "featured_articles": inline_formset([]),
            "article_tags": "",
            **extra,
        }
    )


def test_editor_adds_a_region_page_in_the_admin_as_a_draft(
    client: Client, editor: User, guide: GuidePage, make_region: MakeRegion
) -> None:
    make_region("knee")
    client.force_login(editor)
    url = f"/admin/pages/add/content/guideregionpage/{guide.pk}/"

    refused = client.post(url, region_form("knee"))
    assert refused.status_code == 200
    assert "already covers this region" in refused.content.decode()

    client.post(url, region_form("shoulder"))
    draft = GuideRegionPage.objects.get(slug="knee-again")
    assert not draft.live and draft.region == "shoulder"
    client.logout()
    assert client.get("/guide/knee-again/").status_code == 404
    assert "knee-again" not in client.get("/guide/").content.decode()


def test_preview_shows_unsaved_featured_and_tagged_articles(
    client: Client, editor: User, make_region: MakeRegion, make_article: MakeArticle
) -> None:
    page = make_region("knee")
    featured = make_article("Knee strength at home")
    make_article("Runner's knee", tags=("knee",))
    client.force_login(editor)
    url = f"/admin/pages/{page.pk}/edit/preview/"
    data = region_form(
        "knee",
        slug="knee",
        featured_articles=inline_formset([{"article": featured.pk}]),
        article_tags="knee",
    )

    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()

    assert "Knee strength at home" in html and "Runner&#x27;s knee" in html
    page.refresh_from_db()
    assert not page.featured_articles.exists() and not page.article_tags.exists()


def test_guide_takes_only_region_pages_and_sits_under_home() -> None:
    assert GuidePage.allowed_subpage_models() == [GuideRegionPage]
    assert GuidePage in HomePage.allowed_subpage_models()
    assert GuideRegionPage.allowed_parent_page_models() == [GuidePage]


# The demo.


def test_demo_guide_loads_once(home: HomePage, make_article: MakeArticle) -> None:
    make_article("Heel raises", slug="heel-raises-calf-strength-step-by-step", tags=("calf",))

    made = demo_guide.load()
    again = demo_guide.load()

    assert "guide" in made and "guide region calf-achilles" in made
    assert again == []
    calf = GuideRegionPage.objects.get(region="calf-achilles")
    assert calf.live and [f.article.slug for f in calf.featured_articles.all()] == [
        "heel-raises-calf-strength-step-by-step"
    ]
    assert {"calf-achilles", "low-back", "knee"} <= set(
        GuideRegionPage.objects.live().values_list("region", flat=True)
    )
