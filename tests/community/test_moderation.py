from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from mend.accounts.models import User
from mend.community import tasks
from mend.community.models import Comment, ContactMessage
from mend.content.models import ArticlePage
from mend.core import roles
from mend.core.pagecache import PageCacheApp
from tests.community.conftest import comment_data
from tests.wsgi import wsgi_get

ADMIN = "/admin/comments/"


def action_url(name: str, comment: Comment) -> str:
    return f"{ADMIN}{name}/{comment.pk}/"


def refused(response: Any) -> bool:
    """Wagtail answers PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def through_page_cache(path: str) -> str:
    """GET a page as an anonymous reader through the WSGI page cache, as in production."""
    response = wsgi_get(PageCacheApp(WSGIHandler()), path)
    assert response.status.startswith("200")
    return response.text


@pytest.fixture
def pending(article: ArticlePage, make_comment: Callable[..., Comment]) -> Comment:
    return make_comment(
        article,
        name="Sam Okafor",
        body="Waiting for an editor.",
        status=Comment.Status.PENDING,
        held_reason="first comment from this address",
    )


def test_editors_get_their_permissions_from_the_migration(db: None) -> None:
    editor = Group.objects.get(name=roles.EDITOR)
    codenames = set(editor.permissions.values_list("codename", flat=True))
    assert {"change_comment", "view_comment", "delete_comment", "view_contactmessage"} <= codenames
    assert "add_comment" not in codenames and "change_contactmessage" not in codenames


def test_the_listing_puts_pending_comments_first_and_filters_by_status(
    client: Client,
    editor: User,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    pending: Comment,
) -> None:
    make_comment(article, name="Already approved", body="Approved words.")
    client.force_login(editor)
    html = client.get(ADMIN).content.decode()
    assert html.index("Waiting for an editor.") < html.index("Approved words.")
    only_pending = client.get(ADMIN, {"status": "pending"}).content.decode()
    assert "Waiting for an editor." in only_pending and "Approved words." not in only_pending
    assert action_url("approve", pending) in only_pending
    assert 'data-action="w-action#post"' in only_pending


def test_the_menu_offers_comments(client: Client, editor: User, db: None) -> None:
    client.force_login(editor)
    assert b'"Comments"' in client.get("/admin/").content


def test_an_editor_approves_and_the_comment_shows_on_the_article(
    client: Client,
    editor: User,
    article: ArticlePage,
    pending: Comment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url("approve", pending), {"next": f"{ADMIN}?status=pending"})
    assert response.status_code == 303
    assert response["Location"] == f"{ADMIN}?status=pending"
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED and pending.approved_at is not None
    client.logout()
    assert "Waiting for an editor." in client.get(article.url).content.decode()
    entry = ModelLogEntry.objects.get(action="community.comment.approve")
    assert entry.user == editor and entry.object_id == str(pending.pk)


def test_approving_retires_the_cached_article(
    client: Client,
    editor: User,
    article: ArticlePage,
    pending: Comment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert "0 comments" in through_page_cache(article.url)
    # A change that skips the moderation workflow leaves the stored page as it was …
    Comment.objects.filter(pk=pending.pk).update(body="Changed behind the cache's back.")
    assert "0 comments" in through_page_cache(article.url)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url("approve", pending))
    # … approving through it purges, and every reader sees the comment.
    html = through_page_cache(article.url)
    assert "1 comment" in html and "Changed behind the cache" in html


@pytest.mark.parametrize(("action", "status"), [("reject", "rejected"), ("spam", "spam")])
def test_rejecting_or_marking_spam_takes_an_approved_comment_down(
    client: Client,
    editor: User,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    django_capture_on_commit_callbacks: Any,
    action: str,
    status: str,
) -> None:
    comment = make_comment(article, body="Soon gone.")
    assert "Soon gone." in through_page_cache(article.url)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(action_url(action, comment)).status_code == 303
    comment.refresh_from_db()
    assert comment.status == status and comment.approved_at is None
    assert "Soon gone." not in through_page_cache(article.url)


def test_deleting_an_approved_comment_retires_the_cached_article(
    client: Client,
    editor: User,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    django_capture_on_commit_callbacks: Any,
) -> None:
    comment = make_comment(article, body="Soon deleted.")
    assert "Soon deleted." in through_page_cache(article.url)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ADMIN}delete/{comment.pk}/")
    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert "Soon deleted." not in through_page_cache(article.url)


def test_approving_twice_changes_and_logs_once(
    client: Client, editor: User, pending: Comment
) -> None:
    client.force_login(editor)
    client.post(action_url("approve", pending))
    response = client.post(action_url("approve", pending), follow=True)
    assert "was already approved" in response.content.decode()
    assert ModelLogEntry.objects.filter(action="community.comment.approve").count() == 1


def test_a_patient_cannot_approve(client: Client, patient: User, pending: Comment) -> None:
    client.force_login(patient)
    response = client.post(action_url("approve", pending))
    assert response.status_code in {302, 403}
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_staff_without_the_permission_is_turned_away(
    client: Client, make_user: Callable[..., User], pending: Comment
) -> None:
    clinician = make_user("clinician@clinic.example", role=roles.CLINICIAN)
    editor_group = Group.objects.get(name=roles.EDITOR)
    clinician.user_permissions.add(editor_group.permissions.get(codename="access_admin"))
    client.force_login(clinician)
    assert refused(client.post(action_url("approve", pending)))
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_anonymous_is_sent_to_log_in(client: Client, pending: Comment) -> None:
    response = client.post(action_url("approve", pending))
    assert response.status_code == 302 and "/login/" in response["Location"]
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_moderation_takes_post_only(client: Client, editor: User, pending: Comment) -> None:
    client.force_login(editor)
    assert client.get(action_url("approve", pending)).status_code == 405


def test_an_unsafe_next_address_is_ignored(client: Client, editor: User, pending: Comment) -> None:
    client.force_login(editor)
    response = client.post(action_url("spam", pending), {"next": "https://evil.example/"})
    assert response["Location"] == ADMIN


def test_nobody_adds_comments_in_the_admin(client: Client, editor: User, db: None) -> None:
    client.force_login(editor)
    assert refused(client.get(f"{ADMIN}new/"))


def test_editors_read_contact_messages_but_do_not_edit_them(
    client: Client, editor: User, db: None
) -> None:
    message = ContactMessage.objects.create(
        name="Sam",
        email="sam@mail.example",
        topic="question",
        message="Is running OK?",
        created_at=timezone.now(),
    )
    client.force_login(editor)
    assert b"Sam" in client.get("/admin/contact-messages/").content
    inspect = client.get(f"/admin/contact-messages/inspect/{message.pk}/")
    assert inspect.status_code == 200 and b"Is running OK?" in inspect.content
    assert refused(client.get(f"/admin/contact-messages/edit/{message.pk}/"))


# The author's email


def test_the_author_is_emailed_once_however_often_the_task_runs(
    article: ArticlePage, pending: Comment
) -> None:
    assert tasks.notify_author_of_held_comment.call(comment_id=pending.pk) is True
    assert tasks.notify_author_of_held_comment.call(comment_id=pending.pk) is False
    assert len(mail.outbox) == 1
    pending.refresh_from_db()
    assert pending.author_notified_at is not None


def test_an_article_without_author_sends_no_email(
    make_article: Callable[..., ArticlePage], post_comment: Callable[..., Any]
) -> None:
    orphan = make_article("Hip pain", author=None)
    assert post_comment(orphan, comment_data()).status_code == 303
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert mail.outbox == []
