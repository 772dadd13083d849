from __future__ import annotations

from django import forms, template
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from mend.core import formstamp, pagecache
from mend.core.forms import error_summary as summarise_errors

register = template.Library()


@register.simple_tag(takes_context=True)
def form_tokens(context: template.Context) -> SafeString:
    """The CSRF token and the form's signed "shown at" moment.

    On a page headed for the anonymous page cache this is a marker that the
    cache fills in for each reader; everywhere else it is the tokens themselves.
    """
    request = context["request"]
    if request.META.get(pagecache.ENVIRON_FLAG):
        return mark_safe(pagecache.MARKER)
    return mark_safe(pagecache.form_tokens_html(get_token(request), formstamp.issue()))


@register.simple_tag
def error_summary(form: forms.BaseForm) -> list[tuple[str, str]]:
    return summarise_errors(form)
