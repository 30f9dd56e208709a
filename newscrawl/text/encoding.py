"""Decode an HTML page to text with the charset the page really uses."""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for ``body``.

    The charset is taken, in order, from the HTTP ``Content-Type`` header, a byte-order
    mark, the page's ``<meta charset>``/``http-equiv`` tag, and finally guessed — so a
    windows-1250 page that only says so in a ``<meta>`` tag decodes to correct Polish.
    """
    encoding, text = html_to_unicode(content_type, body)
    return text, encoding
