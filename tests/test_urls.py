"""Canonical URLs: one URL per article, whatever link led to it."""

from __future__ import annotations

import pytest

from newscrawl.urls import canonicalize_url


@pytest.mark.parametrize("url, canonical", [
    ("https://www.rp.pl/kraj/art1-x?utm_source=fb&utm_medium=social#comments", "https://www.rp.pl/kraj/art1-x"),
    ("https://tvn24.pl/polska/a-ra1?fbclid=abc&gclid=1&page=2", "https://tvn24.pl/polska/a-ra1?page=2"),
    ("HTTPS://Kresy.PL:443/wydarzenia/a/", "https://kresy.pl/wydarzenia/a/"),
    ("http://127.0.0.11:8080/kraj/a,1.html?utm_campaign=x", "http://127.0.0.11:8080/kraj/a,1.html"),
    ("https://x.pl/amp/kraj/a,1.html", "https://x.pl/kraj/a,1.html"),
    ("https://x.pl/kraj/artykul/amp", "https://x.pl/kraj/artykul/"),
    ("https://x.pl/kraj/artykul.amp.html", "https://x.pl/kraj/artykul.html"),
    ("https://x.pl/kraj/a?amp=1&id=5", "https://x.pl/kraj/a?id=5"),
    ("https://x.pl/kraj/a?outputType=amp", "https://x.pl/kraj/a"),
    ("https://x.pl", "https://x.pl/"),
])
def test_tracking_fragments_and_amp_are_stripped(url, canonical):
    assert canonicalize_url(url) == canonical


def test_canonical_form_is_stable():
    url = "https://www.rp.pl/kraj/art1-x?b=2&a=1"
    assert canonicalize_url(canonicalize_url(url)) == canonicalize_url(url) == url


@pytest.mark.parametrize("url, preferred, canonical", [
    ("https://m.tvn24.pl/polska/a-ra1", "tvn24.pl", "https://tvn24.pl/polska/a-ra1"),
    ("https://m.rp.pl/kraj/art1", "www.rp.pl", "https://www.rp.pl/kraj/art1"),
    ("https://amp.example.pl/a", "example.pl", "https://example.pl/a"),
    # Another site's mobile host is not folded into the outlet.
    ("https://m.other.pl/a", "www.rp.pl", "https://m.other.pl/a"),
    ("https://m.tvn24.pl/polska/a-ra1", None, "https://m.tvn24.pl/polska/a-ra1"),
])
def test_mobile_hosts_map_to_the_outlets_main_host(url, preferred, canonical):
    assert canonicalize_url(url, preferred_host=preferred) == canonical
