"""The catalogue, the sales page and preview lessons: public, from the page cache; the
rest of a course never leaks through Wagtail's serve."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from mend.accounts.models import User
from mend.content.models import HomePage
from mend.core.pagecache import CACHE_HEADER, MARKER, PageCacheApp
from mend.courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.wsgi import wsgi_get

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_catalogue_lists_live_courses_with_their_price(
    client: Client, course: CoursePage, make_course: Callable[..., CoursePage]
) -> None:
    make_course("free-one", title="Neck care", price=Decimal("0"))
    draft = make_course("draft-one", title="Not yet")
    draft.unpublish()

    response = client.get("/courses/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Low back pain at home" in html and "$49.00" in html
    assert "Neck care" in html and "Free" in html
    assert "Not yet" not in html
    assert response[CACHE_HEADER] == "store"


def test_sales_page_shows_outline_price_included_and_buy_form(
    client: Client, course: CoursePage
) -> None:
    response = client.get(course.url)
    html = response.content.decode()

    assert response.status_code == 200
    assert response[CACHE_HEADER] == "store"
    assert "$49.00" in html and "Two exercise routines" in html
    assert "A certificate of completion" in html
    for title in ("Welcome", "Moving again", "On the date", "After that"):
        assert title in html
    assert f'action="{reverse("payments:start")}"' in html
    assert 'name="kind" value="course"' in html and f'name="ref" value="{course.pk}"' in html
    # Only the preview lesson is a link.
    assert 'href="/courses/low-back/understanding-back-pain/welcome/"' in html
    assert "moving-again/" not in html


def test_sales_page_form_carries_the_marker_the_page_cache_fills(
    client: Client, course: CoursePage
) -> None:
    html = client.get(course.url, **{"mend.page_cache": True}).content.decode()

    form = html[html.index('<form method="post"') : html.index("</form>")]
    assert MARKER in form and "csrfmiddlewaretoken" not in form


def test_free_course_offers_enrol_free(
    client: Client, make_course: Callable[..., CoursePage]
) -> None:
    free = make_course("free-one", price=Decimal("0"))
    html = client.get(free.url).content.decode()
    assert "Enrol free" in html and f'action="{reverse("courses:join", args=["free-one"])}"' in html


def test_signed_in_learner_sees_continue_instead_of_buy(
    client: Client, patient: User, course: CoursePage, enrolment
) -> None:
    client.force_login(patient)
    response = client.get(course.url)
    html = response.content.decode()
    assert "You are enrolled" in html and "Buy the course" not in html
    assert CACHE_HEADER not in response


def test_preview_lesson_plays_for_anonymous_readers(
    client: Client, lessons: dict[str, LessonPage]
) -> None:
    response = client.get(lessons["welcome"].url)
    assert response.status_code == 200
    assert "The text of Welcome" in response.content.decode()


def test_paid_lesson_is_not_served_by_wagtail(
    client: Client, lessons: dict[str, LessonPage]
) -> None:
    lesson = lessons["moving-again"]

    response = client.get(lesson.url)

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:lesson", args=["low-back", "moving-again"])
    followed = client.get(response["Location"])
    assert followed.status_code == 302 and "/accounts/login/" in followed["Location"]
    assert b"The text of Moving again" not in response.content + followed.content


def test_module_page_sends_readers_to_the_course(client: Client, course: CoursePage) -> None:
    module = course.modules()[0]
    response = client.get(module.url)
    assert response.status_code == 302 and response["Location"] == course.url


def test_editors_preview_a_paid_lesson(
    client: Client, editor: User, lessons: dict[str, LessonPage]
) -> None:
    client.force_login(editor)
    lesson = lessons["moving-again"]

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))

    assert response.status_code == 200
    assert "The text of Moving again" in response.content.decode()


def test_catalogue_sits_under_home_and_takes_only_courses(home: HomePage) -> None:
    assert CourseIndexPage in HomePage.allowed_subpage_models()
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]


def test_cover_image_needs_its_alternative_text(course: CoursePage) -> None:
    course.cover_image = Image.objects.create(title="Cover", file=get_test_image_file())
    course.cover_alt = ""

    with pytest.raises(ValidationError) as raised:
        course.full_clean()

    assert "cover_alt" in raised.value.message_dict


def test_the_page_cache_serves_the_sales_page_to_anonymous_readers(course: CoursePage) -> None:
    calls = []

    def django_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        calls.append(environ["PATH_INFO"])
        return get_wsgi_application()(environ, start_response)

    app = PageCacheApp(django_app)
    first, second = wsgi_get(app, course.url), wsgi_get(app, course.url)

    assert first.status == second.status == "200 OK"
    assert calls == [course.url]
    assert b"$49.00" in second.body
    tokens = [TOKEN.search(r.body) for r in (first, second)]
    assert all(tokens) and tokens[0][1] != tokens[1][1]  # type: ignore[index]


def test_a_new_price_published_retires_the_cached_sales_page(course: CoursePage) -> None:
    app = PageCacheApp(get_wsgi_application())
    assert b"$49.00" in wsgi_get(app, course.url).body

    course.price = Decimal("39.00")
    course.save_revision().publish()

    body = wsgi_get(app, course.url).body
    assert b"$39.00" in body and b"$49.00" not in body
