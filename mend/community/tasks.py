"""Email for the community app, sent by the task worker.

Each task first claims its row (a compare-and-set on the "sent at" column),
so a message is sent at most once however often the task is queued or run.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from mend.community.models import Comment, ContactMessage


def _moderation_url() -> str:
    index = reverse("community_comments:index")
    return f"{settings.WAGTAILADMIN_BASE_URL}{index}?status={Comment.Status.PENDING}"


@task()
def notify_author_of_held_comment(comment_id: int) -> bool:
    """Tell the article's author a comment waits for moderation. True if an email went out."""
    comment = Comment.objects.select_related("page").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return False
    article = comment.page.specific
    author = getattr(article, "author", None)
    if author is None or not author.email:
        return False
    claimed = Comment.objects.filter(pk=comment.pk, author_notified_at__isnull=True).update(
        author_notified_at=timezone.now()
    )
    if not claimed:
        return False
    context = {"comment": comment, "article": article, "moderation_url": _moderation_url()}
    email = EmailMessage(
        subject=f"A comment on “{article.title}” is awaiting moderation",
        body=render_to_string("community/email/held_comment.txt", context),
        to=[author.email],
    )
    try:
        email.send()
    except Exception:
        # Not sent: release the claim so a retry may send it, then report the failure.
        Comment.objects.filter(pk=comment.pk).update(author_notified_at=None)
        raise
    return True


@task()
def send_contact_message(message_id: int) -> bool:
    """Email a contact message to the practice's address. True if an email went out."""
    claimed = ContactMessage.objects.filter(pk=message_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    message = ContactMessage.objects.get(pk=message_id)
    email = EmailMessage(
        subject=f"{message.get_topic_display()} from {message.name}",
        body=render_to_string("community/email/contact_message.txt", {"message": message}),
        to=[settings.MEND_PRACTICE_EMAIL],
        reply_to=[message.email],
    )
    try:
        email.send()
    except Exception:
        ContactMessage.objects.filter(pk=message_id).update(emailed_at=None)
        raise
    return True
