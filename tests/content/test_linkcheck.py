from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from mend.content import linkcheck
from mend.content.blocks import BodyBlock


def test_address_without_top_level_domain_is_named() -> None:
    problems = linkcheck.problems_in_text("Write to us at info@riversidept for tips.")
    assert len(problems) == 1
    assert "info@riversidept" in problems[0]


def test_complete_address_passes() -> None:
    assert linkcheck.problems_in_text("Write to hello@riverside-pt.example today.") == []


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ('<p><a href="mailto:info@clinic">mail us</a></p>', "info@clinic"),
        ('<p><a href="https://clinic">our site</a></p>', "https://clinic"),
        ('<p><a href="htp://clinic.example">typo</a></p>', "htp://clinic.example"),
        ("<p>Mail <b>info@clinic</b> now</p>", "info@clinic"),
    ],
)
def test_malformed_links_in_rich_text_are_named(source: str, named: str) -> None:
    problems = linkcheck.problems_in_html(source)
    assert problems and named in " ".join(problems)


def test_good_links_pass() -> None:
    source = (
        '<p><a href="https://www.jospt.org/doi/10.2519/jospt.2018.0302">CPG</a> '
        '<a href="mailto:hello@riverside-pt.example">mail</a> <a href="/articles/">all</a></p>'
    )
    assert linkcheck.problems_in_html(source) == []


def test_body_block_refuses_a_bad_address_inside_steps() -> None:
    block = BodyBlock()
    value = block.to_python(
        [{"type": "steps", "value": {"title": "", "steps": ["Email info@clinic"], "dosage": ""}}]
    )
    with pytest.raises(ValidationError) as raised:
        block.clean(value)
    assert any("info@clinic" in message for message in _messages(raised.value))


def test_editor_saving_a_bad_address_sees_it_named_and_nothing_saved(
    client, article, editor
) -> None:
    client.force_login(editor)
    data = nested_form_data(
        {
            "title": article.title,
            "slug": article.slug,
            "standfirst": article.standfirst,
            "date": "2026-11-01",
            "body": streamfield(
                [("paragraph", rich_text('<p>Mail <a href="mailto:tips@clinic">us</a>.</p>'))]
            ),
            "tags": "achilles",
        }
    )
    response = client.post(f"/admin/pages/{article.pk}/edit/", data)

    assert response.status_code == 200
    assert "tips@clinic" in response.content.decode()
    article.refresh_from_db()
    assert "tips@clinic" not in str(article.get_latest_revision_as_object().body)


def _messages(error: object) -> list[str]:
    """Every message in a (nested) block validation error."""
    found = list(getattr(error, "messages", []))
    children = getattr(error, "block_errors", None) or {}
    if isinstance(children, dict):
        children = list(children.values())
    for child in children:
        found += _messages(child)
    return found
