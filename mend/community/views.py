from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from mend.community import ratelimit, services, trust
from mend.community.forms import TOO_MANY, CommentForm, ContactForm, PublicForm
from mend.community.models import Comment
from mend.core.http import see_other
from mend.core.pagecache import CACHE_HEADER

HELD = "Your comment is awaiting moderation"
PUBLISHED = "Your comment is published"
THANKS = "Thank you for your message. We will reply by email."
# The name under which a bound comment form reaches the article page's template.
FORM_CONTEXT_NAME = "comment_form"


def _get_commentable_page(page_id: int) -> Page:
    page = Page.objects.live().public().filter(pk=page_id).first()
    if page is None or not getattr(page.specific, "accepts_comments", False):
        raise Http404("No article takes comments here.")
    return page


def _over_rate_limit(request: HttpRequest) -> bool:
    return not ratelimit.allow(
        ratelimit.address_hash(request),
        limit=settings.MEND_FORM_RATE_LIMIT,
        window=settings.MEND_FORM_RATE_WINDOW,
    )


def section_context(
    request: HttpRequest, page: Page, *, form: CommentForm | None = None, notice: str = ""
) -> dict[str, Any]:
    """What ``community/comment_section.html`` shows: the threads, the count and the forms.

    A bound ``form`` is shown where it was filled in: under the comment it
    replies to, or as the main form.
    """
    bound_parent = form.data.get("parent", "") if form is not None else ""
    threads = []
    for comment, replies in Comment.objects.threads(page.pk):
        reply_form = form if form is not None and bound_parent == str(comment.pk) else None
        threads.append(
            {
                "comment": comment,
                "replies": replies,
                "form": reply_form or _blank_form(initial={"parent": comment.pk}, key=comment.pk),
            }
        )
    replying = any(thread["form"] is form for thread in threads)
    return {
        "request": request,
        "page": page,
        "threads": threads,
        "count": sum(1 + len(thread["replies"]) for thread in threads),
        "form": form if form is not None and not replying else _blank_form(),
        "post_url": reverse("community:post_comment", args=[page.pk]),
        "notice": notice,
    }


def _blank_form(*, initial: dict[str, Any] | None = None, key: int | None = None) -> CommentForm:
    auto_id = f"reply-{key}-%s" if key else "id_%s"
    return CommentForm(initial=initial, auto_id=auto_id, now=timezone.now())


def _bound_comment_form(request: HttpRequest) -> CommentForm:
    parent = str(request.POST.get("parent", ""))
    auto_id = f"reply-{parent}-%s" if parent.isascii() and parent.isdigit() else "id_%s"
    return CommentForm(request.POST, auto_id=auto_id, now=timezone.now())


def _comment_refused(
    request: HttpRequest, page: Page, form: CommentForm, *, status: int
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        context = section_context(request, page, form=form)
        return render(request, "community/comment_section.html", context, status=status)
    # The whole article again, with the reader's input and the messages in place.
    article = page.specific
    context = article.get_context(request)
    context[FORM_CONTEXT_NAME] = form
    return render(request, article.get_template(request), context, status=status)


def _comment_taken(request: HttpRequest, page: Page, *, live: bool) -> HttpResponse:
    notice = PUBLISHED if live else HELD
    if request.htmx:  # type: ignore[attr-defined]
        context = section_context(request, page, notice=notice)
        return render(request, "community/comment_section.html", context)
    messages.success(request, notice)
    return see_other(f"{page.get_url(request) or '/'}#comments")


def _posted(request: HttpRequest, page: Page, comment: Comment) -> HttpResponse:
    response = _comment_taken(request, page, live=comment.status == Comment.Status.APPROVED)
    trust.remember(request, response, comment.pk)  # once approved, its author's next one goes live
    return response


@require_POST
def post_comment(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _get_commentable_page(page_id)
    form = _bound_comment_form(request)
    if _over_rate_limit(request):
        form.add_error(None, TOO_MANY)
        return _comment_refused(request, page, form, status=429)
    if form.is_bot():
        return _comment_taken(request, page, live=False)  # looks like success, stores nothing
    if not form.is_valid():
        return _comment_refused(request, page, form, status=400)
    data = form.cleaned_data
    try:
        comment = services.post_comment(
            page=page,
            parent_id=data["parent"],
            name=data["name"],
            email=data["email"],
            website=data["website"],
            body=data["body"],
            address_hash=ratelimit.address_hash(request),
            author=request.user if request.user.is_authenticated else None,
            posted_ids=trust.posted_ids(request),
            now=form.now,
        )
    except services.CommunityError as error:
        form.add_error(None, error.message)
        return _comment_refused(request, page, form, status=400)
    return _posted(request, page, comment)


def _contact_page(request: HttpRequest, form: PublicForm, *, status: int = 200) -> HttpResponse:
    return render(request, "community/contact.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _send_contact(request)
    response = _contact_page(request, ContactForm(now=timezone.now()))
    if not request.user.is_authenticated:
        response[CACHE_HEADER] = "store"  # the page cache fills in each reader's tokens
    return response


def _send_contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST, now=timezone.now())
    if _over_rate_limit(request):
        form.add_error(None, TOO_MANY)
        return _contact_page(request, form, status=429)
    if not form.is_bot():
        if not form.is_valid():
            return _contact_page(request, form, status=400)
        services.take_contact_message(
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            topic=form.cleaned_data["topic"],
            message=form.cleaned_data["message"],
            now=form.now,
        )
    messages.success(request, THANKS)
    return see_other(reverse("community:contact"))
