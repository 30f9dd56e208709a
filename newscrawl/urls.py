"""Canonical URLs: one URL per article, whatever link led to it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track where a click came from.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid"
    r"|_ga|_gl|ref|ref_src|src|share|cmpid|ocid|at_medium|at_campaign|at_source)$",
    re.IGNORECASE,
)


def canonicalize_url(url: str) -> str:
    """Strip tracking parameters and the fragment; lowercase scheme and host."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))
