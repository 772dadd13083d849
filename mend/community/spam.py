"""Why a comment waits for an editor. Pure: plain values in, reasons out.

The other defences (honeypot, minimum time, rate limit) refuse a post
outright; these only hold it for moderation.
"""

from __future__ import annotations

FIRST_FROM_ADDRESS = "first comment from this address"


def too_many_links(max_links: int) -> str:
    return f"more than {max_links} link{'s' if max_links != 1 else ''}"


def hold_reasons(*, address_trusted: bool, links: int, max_links: int) -> list[str]:
    """Empty when the comment may go live at once."""
    reasons = []
    if not address_trusted:
        reasons.append(FIRST_FROM_ADDRESS)
    if links > max_links:
        reasons.append(too_many_links(max_links))
    return reasons
