from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from mend.community import text
from mend.community.views import FORM_CONTEXT_NAME, section_context

register = template.Library()


@register.inclusion_tag("community/comment_section.html", takes_context=True)
def comment_section(context: template.Context, page: Page) -> dict[str, Any]:
    """The comments under an article, with the form (bound, if the view passed one)."""
    return section_context(context["request"], page, form=context.get(FORM_CONTEXT_NAME))


@register.filter
def comment_text(value: str) -> SafeString:
    """A comment's plain text as HTML: everything escaped, http(s) addresses linked."""
    return mark_safe(text.to_html(value))
