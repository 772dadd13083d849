"""Workflows: post a comment, moderate it, take a message for the practice.

Email goes out through tasks, queued only once the transaction commits.
Anything that changes what anonymous readers see retires the page cache
(``mend.core.pagecache``): saving or deleting an approved comment does it
through the signals in ``mend.community.signals``; a moderation step here,
which updates rows without signals, does it itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Page

from mend.accounts.models import User
from mend.community import spam, tasks, text
from mend.community.models import Comment, ContactMessage
from mend.core import pagecache

NOT_REPLYABLE = "That comment can no longer be replied to."
# The same text from the same address within this time is one submission sent twice.
REPEAT_WINDOW = dt.timedelta(minutes=10)
MODERATION_LOG_ACTIONS = {
    Comment.Status.APPROVED: "community.comment.approve",
    Comment.Status.REJECTED: "community.comment.reject",
    Comment.Status.SPAM: "community.comment.spam",
}


class CommunityError(Exception):
    """A request the reader can fix; ``message`` is shown to them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _reply_target(page: Page, parent_id: int | None) -> Comment | None:
    """The top-level approved comment a reply hangs under (replies are one level deep)."""
    if parent_id is None:
        return None
    parent = (
        Comment.objects.approved().filter(pk=parent_id, page=page).select_related("parent").first()
    )
    if parent is None:
        raise CommunityError(NOT_REPLYABLE)
    top = parent.parent or parent  # a reply to a reply joins the thread it is in
    if top.status != Comment.Status.APPROVED:
        raise CommunityError(NOT_REPLYABLE)
    return top


def _same_comment_just_sent(
    page: Page, parent: Comment | None, email: str, body: str, *, now: dt.datetime
) -> Comment | None:
    """A double click or a resent form: the comment stored a moment ago, if any."""
    return Comment.objects.filter(
        page=page,
        parent=parent,
        email__iexact=email,
        body=body,
        created_at__gte=now - REPEAT_WINDOW,
    ).first()


def _is_verified_address(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def post_comment(
    *,
    page: Page,
    parent_id: int | None,
    name: str,
    email: str,
    website: str,
    body: str,
    address_hash: str,
    author: User | None,
    posted_ids: Collection[int],
    now: dt.datetime,
) -> Comment:
    """Store a comment: live at once from a trusted author, otherwise held for an editor.

    ``author`` is the signed-in account posting, if any; ``posted_ids`` the comments
    this browser posted before (``mend.community.trust``). Sent twice (a double click,
    a reload), it is stored once: the first is returned.
    """
    parent = _reply_target(page, parent_id)
    verified = author is not None and _is_verified_address(author, email)
    reasons = spam.hold_reasons(
        address_trusted=Comment.objects.author_is_trusted(
            email, address_verified=verified, posted_ids=posted_ids
        ),
        links=text.count_links(body),
        max_links=settings.MEND_COMMENT_MAX_LINKS,
    )
    live = not reasons
    with transaction.atomic():
        if repeat := _same_comment_just_sent(page, parent, email, body, now=now):
            return repeat
        comment = Comment.objects.create(
            page=page,
            parent=parent,
            name=name,
            email=email,
            website=website,
            body=body,
            status=Comment.Status.APPROVED if live else Comment.Status.PENDING,
            held_reason="; ".join(reasons),
            created_at=now,
            approved_at=now if live else None,
            ip_hash=address_hash,
        )
        if not live:
            transaction.on_commit(
                lambda: tasks.notify_author_of_held_comment.enqueue(comment_id=comment.pk)
            )
    return comment


def moderate(comment: Comment, *, to: Comment.Status, by: User, now: dt.datetime) -> bool:
    """Move a comment to approved, rejected or spam; False if someone else moved it first."""
    if to == comment.status or to not in MODERATION_LOG_ACTIONS:
        return False
    was = comment.status
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, status=was).update(
            status=to, approved_at=now if to == Comment.Status.APPROVED else None
        )
        if not changed:
            return False
        comment.status = to
        comment.approved_at = now if to == Comment.Status.APPROVED else None
        log(instance=comment, action=MODERATION_LOG_ACTIONS[to], user=by)
        if Comment.Status.APPROVED in (was, to):
            transaction.on_commit(pagecache.purge_all)
    return True


def take_contact_message(
    *, name: str, email: str, topic: str, message: str, now: dt.datetime
) -> ContactMessage:
    """Store a message for the practice and email it to the practice's address."""
    with transaction.atomic():
        repeat = ContactMessage.objects.filter(
            email__iexact=email, message=message, created_at__gte=now - REPEAT_WINDOW
        ).first()
        if repeat is not None:  # sent twice: stored and emailed once
            return repeat
        stored = ContactMessage.objects.create(
            name=name, email=email, topic=topic, message=message, created_at=now
        )
        transaction.on_commit(lambda: tasks.send_contact_message.enqueue(message_id=stored.pk))
    return stored
