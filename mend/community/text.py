"""Comments are plain text: every character is escaped, then web addresses become links.

Pure: no Django, so it is fast and property-testable.
"""

from __future__ import annotations

import html
import re

LINK_REL = "nofollow ugc noopener"
# What a reader would call a link; only the http(s) ones are made clickable.
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'/?#]+[^\s<>\"']*", re.IGNORECASE)
# Punctuation that usually ends the sentence rather than the address.
_TRAILING = ".,;:!?)]}*"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def _trim(address: str) -> str:
    while address and address[-1] in _TRAILING:
        if address[-1] == ")" and address.count("(") >= address.count(")"):
            break  # part of the address, as in .../Tendinopathy_(disorder)
        address = address[:-1]
    return address


def _linkify(line: str) -> str:
    """One line of raw text as HTML: escaped text, http(s) addresses as escaped links."""
    out: list[str] = []
    position = 0
    for match in _WEB_ADDRESS.finditer(line):
        address = _trim(match.group())
        if address.endswith("://"):
            continue
        out.append(html.escape(line[position : match.start()]))
        safe = html.escape(address)
        out.append(f'<a href="{safe}" rel="{LINK_REL}">{safe}</a>')
        position = match.start() + len(address)
    out.append(html.escape(line[position:]))
    return "".join(out)


def to_html(text: str) -> str:
    """Paragraphs at blank lines, line breaks kept, nothing of the reader's markup left."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(_linkify(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
