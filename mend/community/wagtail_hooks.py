"""The back office for comments and contact messages.

Editors moderate comments (approve, reject, mark spam) from the "Comments"
listing, the queue on top; they read contact messages. Nobody adds either
in the admin: they come from readers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mend.community import services
from mend.community.models import Comment, ContactMessage
from mend.core.http import see_other


class ReaderSubmittedPolicy(ModelPermissionPolicy):
    """Django's model permissions, except that nobody adds these rows in the admin."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action != "add" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Any) -> Any:
        return super().users_with_any_permission([a for a in actions if a != "add"])


# Registered before the viewsets below look a policy up (Wagtail requires this order).
comment_policy = ReaderSubmittedPolicy(Comment)
register_permission_policy(Comment, comment_policy)
register_permission_policy(ContactMessage, ReaderSubmittedPolicy(ContactMessage))

COMMENTS = "community_comments"  # the comment viewset's name and URL namespace
# (target status, button label, past tense for the message, URL name)
MODERATION = (
    (Comment.Status.APPROVED, "Approve", "approved", "approve"),
    (Comment.Status.REJECTED, "Reject", "rejected", "reject"),
    (Comment.Status.SPAM, "Mark as spam", "marked as spam", "spam"),
)


class CommentIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().select_related("page").pending_first()

    def get_list_more_buttons(self, instance: Comment) -> list[Any]:
        buttons = list(super().get_list_more_buttons(instance))
        if not self.user_has_permission("change"):
            return buttons
        for status, label, _, url_name in MODERATION:
            if instance.status == status:
                continue
            url = reverse(f"{COMMENTS}:{url_name}", args=[instance.pk])
            # Wagtail's action controller posts a form with the CSRF token and "next".
            attrs = {
                "data-controller": "w-action",
                "data-action": "w-action#post",
                "data-w-action-url-value": url,
            }
            # Approving is what the queue is for: one click, outside the "more" menu.
            kind = ListingButton if status == Comment.Status.APPROVED else Button
            buttons.append(kind(label, attrs=attrs, icon_name="comment", priority=5))
        return buttons


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return see_other(target)
    return see_other(f"{COMMENTS}:index")


def moderate_view(to: Comment.Status, done: str) -> Any:
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        if not comment_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=pk)
        if services.moderate(comment, to=to, by=request.user, now=timezone.now()):
            messages.success(request, f"Comment by {comment.name} {done}.")
        else:
            messages.warning(request, f"Comment by {comment.name} was already {done}.")
        return _back(request)

    return view


class CommentViewSet(ModelViewSet):
    model = Comment
    name = COMMENTS
    url_prefix = "comments"
    icon = "comment"
    menu_label = "Comments"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = CommentIndexView
    list_display = ["excerpt", "name", "page", "status", "held_reason", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "body"]
    form_fields = ["name", "website", "body"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            *(
                path(f"{url_name}/<int:pk>/", moderate_view(status, done), name=url_name)
                for status, _, done, url_name in MODERATION
            ),
        ]


class ContactMessageViewSet(ModelViewSet):
    model = ContactMessage
    name = "community_contact"
    url_prefix = "contact-messages"
    icon = "mail"
    menu_label = "Contact messages"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "email", "topic", "created_at", "handled"]
    list_filter = ["topic", "handled"]
    search_fields = ["name", "email", "message"]
    form_fields = ["handled"]  # what people wrote stays as they wrote it
    inspect_view_enabled = True
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_viewsets() -> list[ModelViewSet]:
    return [CommentViewSet(), ContactMessageViewSet()]


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions: Any) -> None:
    for status, label, done, _ in MODERATION:
        actions.register_action(services.MODERATION_LOG_ACTIONS[status], label, f"Comment {done}")
