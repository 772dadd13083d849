from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from mend.community import text
from mend.community.views import FORM_CONTEXT_NAME, section_context
from mend.core import formstamp, pagecache

register = template.Library()


SECTION_TEMPLATE = "community/comment_section.html"


@register.simple_tag(takes_context=True)
def comment_section(context: template.Context, page: Page) -> SafeString:
    """The comments under an article, with the form (bound, if the view passed one).

    With blank forms the section is the same for every reader until an approved
    comment changes, which purges the page cache: it is kept by ``remember``
    with markers where the tokens go, and each render fills in its own.
    """
    request = context["request"]
    form = context.get(FORM_CONTEXT_NAME)
    if form is not None:
        return render_to_string(SECTION_TEMPLATE, section_context(request, page, form=form))
    key = ("comment-section", page.pk, get_language(), timezone.get_current_timezone_name())
    html = pagecache.remember(request, key, lambda: _blank_section(request, page))
    if request.META.get(pagecache.ENVIRON_FLAG):  # headed for the page cache: it fills them
        return mark_safe(html)
    tokens = pagecache.form_tokens_html(get_token(request), formstamp.issue())
    return mark_safe(html.replace(pagecache.MARKER, tokens))


def _blank_section(request: Any, page: Page) -> str:
    values = section_context(request, page)
    values["request"] = SimpleNamespace(META={pagecache.ENVIRON_FLAG: True})  # markers
    return str(render_to_string(SECTION_TEMPLATE, values))


@register.filter
def comment_text(value: str) -> SafeString:
    """A comment's plain text as HTML: everything escaped, http(s) addresses linked."""
    return mark_safe(text.to_html(value))
