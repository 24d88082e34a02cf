"""What the web tests read from a page of `hoso serve`."""

from __future__ import annotations


def hidden(html: str, name: str) -> str:
    """The value of the page's hidden field `name` (a CSRF token, an id)."""
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]
