from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from mend.community import services, trust
from mend.community.models import Comment
from mend.content.models import ArticlePage
from mend.core import formstamp
from tests.community.conftest import READER, comment_data, comment_url

HELD = "Your comment is awaiting moderation"
PUBLISHED = "Your comment is published"


def section(response: Any) -> str:
    html = response.content.decode()
    start = html.index('<section id="comments"')
    return html[start : html.index("</section>", start)]


def field_errors(html: str, field_id: str) -> str:
    """The text of the error list Django links to the field (``<id>_error``)."""
    match = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


# Reading


def test_article_shows_no_comments_yet_and_the_form(client: Client, article: ArticlePage) -> None:
    html = section(client.get(article.url))
    assert '<h2 id="comments-heading">0 comments</h2>' in html
    assert f'action="{comment_url(article)}"' in html
    assert f'hx-post="{comment_url(article)}"' in html
    assert 'hx-target="#comments"' in html and 'hx-swap="outerHTML"' in html
    # htmx fires before-swap on the target: site.js swaps the 4xx answers it names.
    opening = html[: html.index(">")]
    assert 'data-swap-statuses="400 429"' in opening and "hx-on" not in opening
    for field_id, label in [("id_name", "Name"), ("id_email", "Email"), ("id_body", "Comment")]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="{formstamp.FIELD_NAME}"' in html
    honeypot = re.search(r'<input[^>]*name="leave_empty"[^>]*>', html)
    assert (
        honeypot
        and 'tabindex="-1"' in honeypot.group()
        and 'autocomplete="off"' in honeypot.group()
    )


@pytest.mark.parametrize(("approved", "heading"), [(1, "1 comment"), (3, "3 comments")])
def test_count_reads_naturally_and_leaves_out_unapproved(
    client: Client,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    approved: int,
    heading: str,
) -> None:
    for _ in range(approved):
        make_comment(article)
    make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)
    assert f'<h2 id="comments-heading">{heading}</h2>' in section(client.get(article.url))


def test_comments_oldest_first_with_replies_under_their_parent(
    client: Client, article: ArticlePage, make_comment: Callable[..., Comment]
) -> None:
    day = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    second = make_comment(article, name="Second", created_at=day + dt.timedelta(hours=2))
    first = make_comment(article, name="First", created_at=day)
    make_comment(article, name="Reply", parent=first, created_at=day + dt.timedelta(hours=3))
    make_comment(
        article, name="Hidden", parent=first, status=Comment.Status.PENDING, created_at=day
    )
    html = section(client.get(article.url))
    assert html.index("First") < html.index("Reply") < html.index("Second")
    assert "Hidden" not in html
    assert '<h2 id="comments-heading">3 comments</h2>' in html
    reply_list = html[
        html.index(f'id="comment-{first.pk}"') : html.index(f'id="comment-{second.pk}"')
    ]
    assert '<ol class="replies">' in reply_list and "Reply" in reply_list


def test_comment_text_is_escaped_and_links_get_nofollow_ugc(
    client: Client, article: ArticlePage, make_comment: Callable[..., Comment]
) -> None:
    make_comment(
        article,
        name="<b>Mallory</b>",
        body="<script>alert('x')</script> See https://example.org/heel?a=1&b=2.",
        website="https://mallory.example",
    )
    html = section(client.get(article.url))
    assert "<script>alert" not in html and "<b>Mallory" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert (
        '<a href="https://example.org/heel?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://example.org/heel?a=1&amp;b=2</a>."
    ) in html
    assert '<a href="https://mallory.example" rel="nofollow ugc noopener">&lt;b&gt;Mallory' in html


def test_email_address_is_never_shown(
    client: Client, article: ArticlePage, make_comment: Callable[..., Comment]
) -> None:
    make_comment(article, email="private.person@mail.example")
    assert b"private.person" not in client.get(article.url).content


# Posting


def test_first_comment_is_held_and_its_author_is_emailed(
    client: Client, article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    response = post_comment(article)
    assert response.status_code == 303
    assert response["Location"] == f"{article.url}#comments"
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "first comment from this address"
    assert comment.page_id == article.pk and comment.approved_at is None
    assert len(comment.ip_hash) == 64 and "127.0.0.1" not in comment.ip_hash
    page = client.get(article.url)
    assert HELD in page.content.decode()
    assert "heel drops" not in section(page)
    [email] = mail.outbox
    assert email.to == ["editor@clinic.example"]
    assert "Achilles pain when running" in email.subject
    assert "The eccentric heel drops helped me after six weeks." in email.body
    assert "http://127.0.0.1:8000/admin/comments/?status=pending" in email.body


def test_typing_the_address_of_an_approved_commenter_is_held(
    article: ArticlePage, make_comment: Callable[..., Comment], post_comment: Callable[..., Any]
) -> None:
    make_comment(article, email=READER)  # someone else's approved comment: the address is known
    post_comment(article, comment_data(email=READER))
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "first comment from this address"


def test_the_browser_whose_comment_was_approved_posts_live_next_time(
    client: Client, article: ArticlePage, editor: Any, post_comment: Callable[..., Any]
) -> None:
    post_comment(article, comment_data(email="Reader@Mail.Example"))
    first = Comment.objects.get()
    assert first.status == Comment.Status.PENDING
    services.moderate(first, to=Comment.Status.APPROVED, by=editor, now=timezone.now())

    response = post_comment(article, comment_data(email=READER.upper(), body="Week eight now."))

    assert response.status_code == 303
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.APPROVED and comment.held_reason == ""
    assert comment.approved_at is not None
    page = client.get(article.url)
    assert PUBLISHED in page.content.decode()
    assert "Week eight now." in section(page)
    assert len(mail.outbox) == 1  # only the first was held and told so


def test_the_commenter_cookie_is_signed_and_kept_from_scripts(
    client: Client, article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    post_comment(article)
    cookie = client.cookies[trust.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert str(Comment.objects.get().pk) in cookie.value and ":" in cookie.value  # value:sig


def test_a_forged_commenter_cookie_is_ignored(
    client: Client,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    post_comment: Callable[..., Any],
) -> None:
    approved = make_comment(article, email=READER)
    client.cookies[trust.COOKIE] = f"{approved.pk}:forged-signature"
    post_comment(article)
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_a_cookie_for_another_address_does_not_carry_trust(
    client: Client,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    post_comment: Callable[..., Any],
) -> None:
    mine = make_comment(article, email="robin@mail.example")
    make_comment(article, email=READER)
    client.cookies[trust.COOKIE] = trust.signed([mine.pk])
    post_comment(article, comment_data(email=READER))
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_a_verified_account_with_an_approved_comment_posts_live(
    client: Client,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    post_comment: Callable[..., Any],
    make_user: Callable[..., Any],
    verified: Callable[..., Any],
) -> None:
    reader = verified(make_user(READER))
    make_comment(article, email=READER)
    client.force_login(reader)
    post_comment(article, comment_data(email=READER.upper()))
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_an_account_whose_address_is_not_verified_is_held(
    client: Client,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    post_comment: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    reader = make_user(READER)
    EmailAddress.objects.create(user=reader, email=READER, verified=False, primary=True)
    make_comment(article, email=READER)
    client.force_login(reader)
    post_comment(article)
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_a_verified_account_typing_another_address_is_held(
    client: Client,
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    post_comment: Callable[..., Any],
    patient: Any,
    verified: Callable[..., Any],
) -> None:
    make_comment(article, email=READER)
    client.force_login(verified(patient))
    post_comment(article, comment_data(email=READER))
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_more_than_two_links_are_held_even_from_a_trusted_author(
    article: ArticlePage, trusted_browser: Comment, post_comment: Callable[..., Any]
) -> None:
    body = "See https://a.example, http://b.example and www.c.example"
    assert post_comment(article, comment_data(body=body)).status_code == 303
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "more than 2 links"


def test_two_links_from_a_trusted_author_go_live(
    article: ArticlePage, trusted_browser: Comment, post_comment: Callable[..., Any]
) -> None:
    post_comment(article, comment_data(body="https://a.example and https://b.example"))
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_an_address_with_a_comment_marked_spam_is_held_again(
    article: ArticlePage,
    trusted_browser: Comment,
    make_comment: Callable[..., Comment],
    post_comment: Callable[..., Any],
) -> None:
    make_comment(article, email=READER, status=Comment.Status.SPAM)
    post_comment(article)
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


def test_a_reply_hangs_under_its_comment(
    article: ArticlePage, make_comment: Callable[..., Comment], post_comment: Callable[..., Any]
) -> None:
    parent = make_comment(article)
    post_comment(article, comment_data(parent=str(parent.pk)))
    assert Comment.objects.latest("pk").parent == parent


def test_a_reply_to_a_reply_attaches_to_the_top_level_comment(
    article: ArticlePage, make_comment: Callable[..., Comment], post_comment: Callable[..., Any]
) -> None:
    top = make_comment(article)
    reply = make_comment(article, parent=top)
    post_comment(article, comment_data(parent=str(reply.pk)))
    assert Comment.objects.latest("pk").parent == top


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED])
def test_a_reply_to_a_hidden_comment_is_refused(
    article: ArticlePage,
    make_comment: Callable[..., Comment],
    post_comment: Callable[..., Any],
    status: Comment.Status,
) -> None:
    hidden = make_comment(article, status=status)
    response = post_comment(article, comment_data(parent=str(hidden.pk)))
    assert response.status_code == 400
    assert "That comment can no longer be replied to." in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_reply_form_with_errors_opens_under_its_comment(
    article: ArticlePage, make_comment: Callable[..., Comment], post_comment: Callable[..., Any]
) -> None:
    parent = make_comment(article)
    response = post_comment(article, comment_data(parent=str(parent.pk), name=""))
    html = section(response)
    assert response.status_code == 400
    assert '<details class="reply" open>' in html
    assert "Required field missing" in field_errors(html, f"reply-{parent.pk}-name")


def test_get_is_not_allowed(client: Client, article: ArticlePage) -> None:
    assert client.get(comment_url(article)).status_code == 405


def test_unknown_page_is_404(client: Client, db: None) -> None:
    assert client.post("/comments/999999/", comment_data()).status_code == 404


def test_draft_article_is_404(client: Client, make_article: Callable[..., ArticlePage]) -> None:
    draft = make_article("Knee pain", live=False)
    assert client.post(comment_url(draft), comment_data()).status_code == 404
    assert not Comment.objects.exists()


def test_page_that_takes_no_comments_is_404(client: Client, article: ArticlePage) -> None:
    index = article.get_parent()
    assert client.post(comment_url(index), comment_data()).status_code == 404


# Bad input


def test_missing_fields_say_so_at_each_field_and_keep_the_rest(
    client: Client, article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    response = post_comment(
        article, comment_data(name="  ", body="", website="https://sam.example")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Required field missing" in field_errors(html, "id_name")
    assert "Required field missing" in field_errors(html, "id_body")
    assert field_errors(html, "id_email") == ""
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group()
    assert 'aria-invalid="true"' in name_input and 'aria-describedby="id_name_error"' in name_input
    assert f'value="{READER}"' in html and 'value="https://sam.example"' in html
    assert '<a href="#id_name">Name: Required field missing</a>' in html  # the summary
    assert "<h1>Achilles pain when running</h1>" in html  # the whole article, again
    assert not Comment.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Email address invalid"),
        ("email", "a@b@example.org", "Email address invalid"),
        ("website", "javascript:alert(1)", "Website address invalid"),
        ("website", "ftp://files.example.org", "Website address invalid"),
        ("website", "http://", "Website address invalid"),
        ("body", "x" * 5001, "Comment is too long (5,000 characters at most)"),
        ("name", "n" * 101, "Name is too long (100 characters at most)"),
    ],
)
def test_invalid_values_get_their_message_at_the_field(
    article: ArticlePage, post_comment: Callable[..., Any], field: str, value: str, message: str
) -> None:
    response = post_comment(article, comment_data(**{field: value}))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in field_errors(html, f"id_{field}")
    assert value in html  # what the reader typed is kept, the bad value too
    assert field == "body" or "heel drops" in html
    assert not Comment.objects.exists()


def test_a_website_without_scheme_is_taken_as_https(
    article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    post_comment(article, comment_data(website="sam.example"))
    assert Comment.objects.get().website == "https://sam.example"


# Spam defence


def test_honeypot_looks_like_success_and_stores_nothing(
    client: Client, article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    response = post_comment(article, comment_data(leave_empty="http://cheap.example"))
    assert response.status_code == 303
    assert HELD in client.get(article.url).content.decode()
    assert not Comment.objects.exists()
    assert mail.outbox == []


def test_a_post_sooner_than_the_minimum_time_is_refused(
    client: Client, article: ArticlePage, django_capture_on_commit_callbacks: Any
) -> None:
    shown = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)  # 09:00 in the site's zone (UTC)
    with time_machine.travel(shown, tick=False):
        token = formstamp.issue()
    with time_machine.travel(shown + dt.timedelta(seconds=1), tick=False):
        response = client.post(comment_url(article), comment_data(shown_at=token))
    assert response.status_code == 400
    assert "Please wait a few seconds and send again." in response.content.decode()
    assert not Comment.objects.exists()
    with (
        time_machine.travel(shown + dt.timedelta(seconds=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(comment_url(article), comment_data(shown_at=token))
    assert response.status_code == 303
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("token", ["", "1795000000", "MTc5NTY1:forged:signature"])
def test_a_missing_or_forged_stamp_asks_to_reload(
    article: ArticlePage, post_comment: Callable[..., Any], token: str
) -> None:
    response = post_comment(article, comment_data(shown_at=token))
    assert response.status_code == 400
    assert "Please reload the page and try again" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_stamp_older_than_two_days_asks_to_reload(
    article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):  # midnight UTC
        old = formstamp.issue()
    with time_machine.travel(dt.datetime(2026, 1, 3, 0, 1, tzinfo=dt.UTC), tick=False):
        response = post_comment(article, comment_data(shown_at=old))
    assert response.status_code == 400
    assert "Please reload the page and try again" in response.content.decode()


def test_the_sixth_post_from_one_address_within_the_window_gets_429(
    article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    for n in range(5):
        response = post_comment(article, comment_data(body=f"Post {n}"), REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 303
    response = post_comment(article, comment_data(body="Post 6"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "Too many messages from your address." in response.content.decode()
    assert Comment.objects.count() == 5
    other = post_comment(article, comment_data(body="Elsewhere"), REMOTE_ADDR="203.0.113.10")
    assert other.status_code == 303


def test_the_limit_lifts_when_the_window_ends(
    article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)  # 09:00 in the site's zone (UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(6):
            post_comment(article)
    # The cache's expiry reads time.time(), which time_machine moves as well.
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        response = post_comment(article)
    assert response.status_code == 303


# htmx


def test_htmx_post_returns_only_the_section(
    article: ArticlePage, trusted_browser: Comment, post_comment: Callable[..., Any]
) -> None:
    response = post_comment(article, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="comments"') and "<html" not in html
    assert f'<p class="message" role="status" tabindex="-1" autofocus>{PUBLISHED}</p>' in html
    assert '<h2 id="comments-heading">2 comments</h2>' in html


def test_htmx_post_with_errors_returns_the_section_with_messages(
    article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    response = post_comment(article, comment_data(email="nope"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400
    assert html.startswith('<section id="comments"') and "<html" not in html
    assert "Email address invalid" in field_errors(html, "id_email")
    assert 'value="Sam Okafor"' in html


def test_a_comment_sent_twice_is_stored_and_announced_once(
    article: ArticlePage, post_comment: Callable[..., Any]
) -> None:
    data = comment_data()
    assert post_comment(article, data).status_code == 303
    assert post_comment(article, data).status_code == 303
    assert Comment.objects.count() == 1
    assert len(mail.outbox) == 1
