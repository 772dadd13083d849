from __future__ import annotations

from collections.abc import Collection

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThan, LessThanOrEqual

BODY_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 100
WEBSITE_MAX_LENGTH = 200
WEB_SCHEMES = ["http", "https"]


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


class ContactTopic(models.TextChoices):
    QUESTION = "question", "A question"
    SUGGESTION = "suggestion", "A video or topic suggestion"
    OTHER = "other", "Something else"


def waiting_first() -> Case:
    """0 for a comment awaiting moderation, 1 for the rest: the queue's first sort key
    (the moderation queue's index is built on the same expression)."""
    return Case(When(status=CommentStatus.PENDING, then=Value(0)), default=Value(1))


class CommentQuerySet(models.QuerySet["Comment"]):
    def approved(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.APPROVED)

    def pending_first(self) -> CommentQuerySet:
        """The moderation queue: what waits for an editor on top, newest first within."""
        return self.alias(waiting=waiting_first()).order_by("waiting", "-created_at", "-pk")

    def threads(self, page_id: int) -> list[tuple[Comment, list[Comment]]]:
        """Approved top-level comments with their approved replies, oldest first.

        A reply whose parent is not (or no longer) approved is left out with it.
        """
        comments = self.approved().filter(page_id=page_id).order_by("created_at", "pk")
        threads: dict[int, tuple[Comment, list[Comment]]] = {}
        replies: list[Comment] = []
        for comment in comments:
            if comment.parent_id is None:
                threads[comment.pk] = (comment, [])
            else:
                replies.append(comment)
        for reply in replies:
            if reply.parent_id in threads:
                threads[reply.parent_id][1].append(reply)
        return list(threads.values())

    def author_is_trusted(
        self, email: str, *, address_verified: bool, posted_ids: Collection[int]
    ) -> bool:
        """An editor approved a comment this author provably wrote, and none from the
        address was marked spam (mend.community.trust). With the address verified as
        theirs, any approved comment from it counts; otherwise only one of ``posted_ids``."""
        same = self.filter(email__iexact=email)
        if same.filter(status=Comment.Status.SPAM).exists():
            return False
        approved = same.filter(status=Comment.Status.APPROVED)
        if not address_verified:
            approved = approved.filter(pk__in=list(posted_ids))
        return approved.exists()


class Comment(models.Model):
    Status = CommentStatus  # Comment.Status; also at module level so Meta can name it

    # Wagtail's Page, so community never imports content (DESIGN.md).
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.EmailField(help_text="Never shown publicly.")
    website = models.URLField(
        max_length=WEBSITE_MAX_LENGTH, blank=True, validators=[URLValidator(schemes=WEB_SCHEMES)]
    )
    body = models.TextField("comment", max_length=BODY_MAX_LENGTH)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    held_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(
        "address hash", max_length=64, blank=True, help_text="A keyed hash, never the address."
    )
    author_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["page", "status", "created_at"], name="community_comment_listing"),
            models.Index(Lower("email"), name="community_comment_email"),
            # The moderation queue (pending_first) reads its first page from this index
            # instead of sorting every comment.
            models.Index(
                waiting_first(),
                F("created_at").desc(),
                F("id").desc(),
                name="community_comment_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values),
                name="community_comment_status_valid",
                violation_error_message="Unknown comment status.",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommentStatus.APPROVED) | Q(approved_at__isnull=False),
                name="community_comment_approved_has_time",
                violation_error_message="An approved comment needs the time it was approved.",
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length("body"), 0)
                & LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                name="community_comment_body_length",
                violation_error_message="A comment holds 1 to 5,000 characters.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.excerpt}"

    @property
    def excerpt(self) -> str:
        return self.body if len(self.body) <= 80 else self.body[:79] + "…"

    @property
    def website_url(self) -> str:
        """The website, only if it is an http(s) address (checked again on output)."""
        return self.website if self.website.lower().startswith(("http://", "https://")) else ""


class ContactMessage(models.Model):
    Topic = ContactTopic

    name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.EmailField()
    topic = models.CharField(max_length=20, choices=ContactTopic.choices)
    message = models.TextField(max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField()
    handled = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "contact message"
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__in=ContactTopic.values),
                name="community_contact_topic_valid",
                violation_error_message="Unknown topic.",
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length("message"), 0)
                & LessThanOrEqual(Length("message"), BODY_MAX_LENGTH),
                name="community_contact_message_length",
                violation_error_message="A message holds 1 to 5,000 characters.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_topic_display()}"
