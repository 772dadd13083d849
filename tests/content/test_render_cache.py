"""An article rendered by Django (signed-in readers, and anonymous ones the page cache
has not stored yet) reuses what only a purge can change: the site, the routing, the
view restrictions, related articles and the body's HTML. Every change that purges the
page cache shows on the next render."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from mend.community.models import Comment
from mend.content.models import ArticlePage
from mend.exercises import library_io
from mend.exercises.models import Exercise
from mend.exercises.starter import EXERCISES

MakeArticle = Callable[..., ArticlePage]
STRETCH = next(record for record in EXERCISES if record["slug"] == "standing-hamstring-stretch")


@pytest.fixture
def stretch(db: None) -> Exercise:
    report = library_io.import_records([STRETCH])
    assert not report.errors, report.errors
    return Exercise.objects.get(slug=STRETCH["slug"])


@pytest.fixture
def full_article(make_article: MakeArticle, editor: Any, stretch: Exercise) -> ArticlePage:
    """An exercise block, tags, two related articles and a thread of comments."""
    make_article("Calf raises", tags=("achilles",), date=dt.date(2026, 10, 1))
    make_article("Running again", tags=("running",), date=dt.date(2026, 10, 2))
    article = make_article(
        "Achilles pain",
        tags=("achilles", "running"),
        author=editor,
        body=[
            ("heading", "Why does it hurt?"),
            ("exercise", {"exercise": stretch, "dosage": {"hold_s": 30}}),
        ],
    )
    created = timezone.now() - dt.timedelta(days=1)
    comment = Comment.objects.create(
        page=article, name="Robin", email="robin@mail.example", body="Thank you.",
        status=Comment.Status.APPROVED, created_at=created, approved_at=created,
    )  # fmt: skip
    Comment.objects.create(
        page=article, parent=comment, name="Ada", email="ada@mail.example", body="Glad it helps.",
        status=Comment.Status.APPROVED, created_at=created, approved_at=created,
    )  # fmt: skip
    return article


def _html(client: Client, article: ArticlePage) -> str:
    response = client.get(article.url)
    assert response.status_code == 200
    return str(response.content.decode())


def _without_tokens(html: str) -> str:
    """The page without what each response has of its own: the CSRF token, the form stamp."""
    return re.sub(r'name="(csrfmiddlewaretoken|shown_at)" value="[^"]*"', "", html)


def _publish(article: ArticlePage, **changes: Any) -> None:
    page = ArticlePage.objects.get(pk=article.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_warm_render_takes_at_most_six_queries(
    client: Client, full_article: ArticlePage, django_assert_max_num_queries: Any
) -> None:
    first = _html(client, full_article)
    with django_assert_max_num_queries(6):
        again = _html(client, full_article)

    assert _without_tokens(again) == _without_tokens(first)
    for part in ("Standing hamstring stretch", "Calf raises", "Running again", "Glad it helps."):
        assert part in again
    assert 'href="/tags/achilles/"' in again


def test_signed_in_reader_gets_the_same_warm_render(
    client: Client, full_article: ArticlePage, patient: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(patient)
    _html(client, full_article)
    # The reader's six: session, user, the staff check for MFA, the roles the menu shows
    # and Wagtail's user bar (two, permissions); the article's own come from what was kept.
    with django_assert_max_num_queries(6):
        html = _html(client, full_article)

    assert "Standing hamstring stretch" in html and "Calf raises" in html


def test_an_edit_published_shows_on_the_next_render(
    client: Client, full_article: ArticlePage
) -> None:
    _html(client, full_article)
    _publish(full_article, title="Achilles pain, revised", body=[("heading", "A new heading")])

    html = _html(client, full_article)
    assert "Achilles pain, revised" in html and "A new heading" in html
    assert "Why does it hurt?" not in html


def test_publishing_a_related_article_changes_the_render(
    client: Client, full_article: ArticlePage, make_article: MakeArticle
) -> None:
    assert "Heel drops for runners" not in _html(client, full_article)
    make_article("Heel drops for runners", tags=("achilles", "running"))

    assert "Heel drops for runners" in _html(client, full_article)


def test_unpublishing_a_related_article_drops_it(client: Client, full_article: ArticlePage) -> None:
    assert "Calf raises" in _html(client, full_article)
    ArticlePage.objects.get(title="Calf raises").unpublish()

    assert "Calf raises" not in _html(client, full_article)


def test_a_changed_exercise_shows_on_the_next_render(
    client: Client, full_article: ArticlePage, stretch: Exercise
) -> None:
    _html(client, full_article)
    stretch.name = "Wall hamstring stretch"
    stretch.save()

    assert "Wall hamstring stretch" in _html(client, full_article)


def test_a_changed_dosage_shows_on_the_next_render(
    client: Client, full_article: ArticlePage, stretch: Exercise
) -> None:
    assert "Hold 45 s" not in _html(client, full_article)
    body = [("exercise", {"exercise": stretch, "dosage": {"hold_s": 45}})]
    _publish(full_article, body=body)

    assert "Hold 45 s" in _html(client, full_article)


def test_a_changed_library_dosage_shows_where_the_article_uses_it(
    client: Client, make_article: MakeArticle, stretch: Exercise
) -> None:
    article = make_article("Stretch", body=[("exercise", {"exercise": stretch, "dosage": {}})])
    assert "hold 40 s" not in _html(client, article)
    stretch.default_dosage = {**stretch.default_dosage, "hold_s": 40}
    stretch.save()

    assert "hold 40 s" in _html(client, article)


def test_a_new_view_restriction_holds_on_the_next_render(
    client: Client, full_article: ArticlePage
) -> None:
    _html(client, full_article)
    PageViewRestriction.objects.create(page=full_article, restriction_type="login")

    response = client.get(full_article.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_moved_site_routes_on_the_next_render(client: Client, full_article: ArticlePage) -> None:
    _html(client, full_article)
    site = Site.objects.get()
    site.root_page = full_article.get_parent()  # the article index now answers at "/"
    site.save()

    assert client.get(f"/{full_article.slug}/").status_code == 200
    assert client.get(full_article.url).status_code == 404


def test_a_deleted_article_is_gone_on_the_next_render(
    client: Client, full_article: ArticlePage
) -> None:
    url = full_article.url
    _html(client, full_article)
    ArticlePage.objects.get(pk=full_article.pk).delete()

    assert client.get(url).status_code == 404


def test_preview_shows_the_draft_not_the_kept_body(
    client: Client, full_article: ArticlePage
) -> None:
    _html(client, full_article)  # the live body and related articles are now kept
    draft = ArticlePage.objects.get(pk=full_article.pk)
    draft.body = [("heading", "Only in the draft")]

    response = draft.make_preview_request()
    assert response.status_code == 200
    assert "Only in the draft" in response.content.decode()
    assert "Only in the draft" not in _html(client, full_article)


def test_the_comment_section_is_kept_until_a_comment_is_approved(
    client: Client,
    full_article: ArticlePage,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _html(client, full_article)
    with django_assert_max_num_queries(0):  # the comments too come from what was kept
        _html(client, full_article)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(
            page=full_article, name="Sam", email="sam@mail.example", body="Did this daily.",
            status=Comment.Status.APPROVED, created_at=timezone.now(), approved_at=timezone.now(),
        )  # fmt: skip

    assert "Did this daily." in _html(client, full_article)


def test_a_signed_in_reader_posts_with_the_kept_section_and_their_own_token(
    full_article: ArticlePage, patient: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient)
    _html(client, full_article)
    html = _html(client, full_article)

    assert "<!--mend:form-tokens-->" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    stamp = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    post_url = re.search(r'<form class="comment-form" method="post" action="([^"]+)"', html)
    response = client.post(
        post_url.group(1),
        {
            "csrfmiddlewaretoken": token,
            "shown_at": stamp,
            "name": "Pat",
            "email": "pat@mail.example",
            "body": "A question about the stretch.",
            "parent": "",
        },
    )
    assert response.status_code != 403  # the token of the kept section is this reader's
