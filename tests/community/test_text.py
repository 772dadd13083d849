from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mend.community import spam, text

OUR_TAGS = re.compile(r'</?p>|<br>|<a href="[^"<>]*" rel="nofollow ugc noopener">|</a>')


@given(st.text())
def test_no_markup_from_the_reader_survives(value: str) -> None:
    out = OUR_TAGS.sub("", text.to_html(value))
    assert "<" not in out and ">" not in out


@given(
    st.text(alphabet=st.characters(blacklist_characters="\r\n")).filter(lambda v: "://" not in v)
)
def test_one_line_without_addresses_comes_back_whole_once_unescaped(value: str) -> None:
    expected = f"<p>{value.strip()}</p>" if value.strip() else ""
    assert html.unescape(text.to_html(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        (
            "Read https://example.org/a?b=1&c=2.",
            '<p>Read <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
            "https://example.org/a?b=1&amp;c=2</a>.</p>",
        ),
        (
            "(see https://en.wikipedia.org/wiki/Tendinopathy_(disorder))",
            '<p>(see <a href="https://en.wikipedia.org/wiki/Tendinopathy_(disorder)" '
            'rel="nofollow ugc noopener">https://en.wikipedia.org/wiki/Tendinopathy_(disorder)</a>)</p>',
        ),
        (
            'javascript:alert(1) "https://x.example"',
            "<p>javascript:alert(1) &quot;"
            '<a href="https://x.example" rel="nofollow ugc noopener">https://x.example</a>&quot;</p>',
        ),
        ("www.example.org ftp://files.example", "<p>www.example.org ftp://files.example</p>"),
        ("one\r\ntwo\n\n\nthree", "<p>one<br>two</p><p>three</p>"),
        ("   ", ""),
    ],
)
def test_to_html(value: str, expected: str) -> None:
    assert text.to_html(value) == expected


@given(st.integers(min_value=0, max_value=20))
def test_count_links_counts_each_address(n: int) -> None:
    body = " and ".join(f"https://site{i}.example/page" for i in range(n))
    assert text.count_links(body) == n


@pytest.mark.parametrize(
    ("trusted", "links", "expected"),
    [
        (True, 2, []),
        (False, 0, ["first comment from this address"]),
        (True, 3, ["more than 2 links"]),
        (False, 3, ["first comment from this address", "more than 2 links"]),
    ],
)
def test_hold_reasons(trusted: bool, links: int, expected: list[str]) -> None:
    assert spam.hold_reasons(address_trusted=trusted, links=links, max_links=2) == expected
