"""The Content-Security-Policy header, and templates that need nothing inline to meet it."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from mend.content.models import ArticlePage

MEND = Path(__file__).resolve().parents[2] / "mend"
# Rendered to PDF by WeasyPrint, never served as a page: its <style> is fine.
NOT_PAGES = {"exercises/templates/exercises/handout.html"}
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),
    re.compile(r"\shx-on", re.I),
]


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_pages_carry_the_policy_without_unsafe_inline_or_eval(
    client: Client, article: ArticlePage
) -> None:
    policy = directives(client.get(article.url)["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "https://www.youtube-nocookie.com" in policy["frame-src"]
    assert not any("unsafe" in value or "nonce-" in value for v in policy.values() for value in v)


def test_the_admin_may_run_inline_scripts_but_never_eval(client: Client, db: None) -> None:
    policy = directives(client.get("/admin/login/")["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]  # the preview panel frames the site
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_error_pages_carry_the_policy_too(client: Client, db: None) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_htmx_is_configured_without_eval_script_tags_or_inline_styles(
    client: Client, article: ArticlePage
) -> None:
    html = client.get(article.url).content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"allowEval":false,"allowScriptTags":false,'
        '"includeIndicatorStyles":false}\'>'
    ) in html
    assert html.index('name="htmx-config"') < html.index("htmx.min.js")  # read when htmx loads


def test_no_template_has_inline_script_style_or_handler() -> None:
    found = []
    for path in sorted(MEND.glob("*/templates/**/*.html")) + sorted(
        MEND.glob("templates/**/*.html")
    ):
        name = str(path.relative_to(MEND))
        if name in NOT_PAGES:
            continue
        text = path.read_text()
        found += [f"{name}: {m.group()}" for pattern in INLINE for m in pattern.finditer(text)]
    assert found == []
