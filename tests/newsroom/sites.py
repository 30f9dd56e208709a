"""Page renderers: one class per outlet, each answering ``respond(path_with_query, base)``.

Every page is rendered on request from the in-memory model, with absolute URLs built
from ``base`` (``http://127.0.0.11:43123``). Nothing here knows about sockets.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from datetime import timezone
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

from .lexicon import MONTHS_GEN
from .prose import slugify

if TYPE_CHECKING:  # pragma: no cover
    from .model import Art, Newsroom

Response = tuple[int, dict[str, str], bytes]

GIF_1X1 = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
           b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
WEEKDAYS_NOM = ("Poniedziałek", "Wtorek", "Środa", "Czwartek", "Piątek", "Sobota", "Niedziela")


def e(s: str) -> str:
    return escape(s, quote=True)


def pl_date(d) -> str:
    return f"{d.day} {MONTHS_GEN[d.month - 1]} {d.year}"


def pl_datetime(d) -> str:
    return f"{pl_date(d)}, {d:%H:%M}"


def comments_word(n: int) -> str:
    if n == 1:
        return "komentarz"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "komentarze"
    return "komentarzy"


def html_response(body: str, charset: str = "utf-8", status: int = 200, content_type: str | None = None,
                  extra: dict | None = None) -> Response:
    headers = {"Content-Type": content_type or f"text/html; charset={charset}"}
    if extra:
        headers.update(extra)
    return status, headers, body.encode(charset, errors="xmlcharrefreplace")


def text_response(body: str, ctype: str) -> Response:
    return 200, {"Content-Type": ctype}, body.encode("utf-8")


def redirect(location: str, status: int = 301) -> Response:
    return status, {"Content-Type": "text/html; charset=utf-8", "Location": location}, (
        f'<html><body>Moved: <a href="{e(location)}">{e(location)}</a></body></html>'.encode())


def paginate(items: list, page: int, per_page: int) -> tuple[list, int] | None:
    pages = max(1, math.ceil(len(items) / per_page))
    if page < 1 or page > pages:
        return None
    return items[(page - 1) * per_page: page * per_page], pages


def urlset(entries: list[tuple[str, str | None]], extra_ns: str = "", stylesheet: str = "") -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    if stylesheet:
        out.append(f'<?xml-stylesheet type="text/xsl" href="{e(stylesheet)}" ?>')
    out.append(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{extra_ns}>')
    for loc, lastmod in entries:
        lm = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        out.append(f"<url><loc>{e(loc)}</loc>{lm}</url>")
    out.append("</urlset>\n")
    return "\n".join(out)


def sitemapindex(entries: list[tuple[str, str | None]], stylesheet: str = "") -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    if stylesheet:
        out.append(f'<?xml-stylesheet type="text/xsl" href="{e(stylesheet)}" ?>')
    out.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for loc, lastmod in entries:
        lm = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        out.append(f"<sitemap><loc>{e(loc)}</loc>{lm}</sitemap>")
    out.append("</sitemapindex>\n")
    return "\n".join(out)


def rss(title: str, link: str, description: str, items: list[str], self_url: str, extra_ns: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"{extra_ns}>\n'
            f"<channel>\n<title>{e(title)}</title>\n<link>{e(link)}</link>\n<description>{e(description)}</description>\n"
            f'<language>pl</language>\n<atom:link href="{e(self_url)}" rel="self" type="application/rss+xml"/>\n'
            + "\n".join(items) + "\n</channel>\n</rss>\n")


def lastmod(a: "Art") -> str:
    return (a.modified or a.published).isoformat()


class Site:
    key = ""
    charset = "utf-8"
    sitemap_page: int

    def __init__(self, room: "Newsroom"):
        self.room = room
        self.info = room.infos[self.key]
        self.arts: list[Art] = room.arts(self.key)
        self.by_id = {a.aid: a for a in self.arts}
        n = len(self.arts)
        self.sitemap_page = 20 if n <= 100 else 1000
        self.tag_index: dict[str, tuple[str, list[Art]]] = {}
        self.author_index: dict[str, tuple[str, list[Art]]] = {}
        for a in self.arts:
            for t in a.tags:
                self.tag_index.setdefault(slugify(t), (t, []))[1].append(a)
            for au in a.authors:
                self.author_index.setdefault(slugify(au), (au, []))[1].append(a)

    def article_by_id(self, aid: int, path: str, base: str) -> "Response | None":
        """The article page, a redirect to its canonical path (wrong slug), or None (404)."""
        a = self.by_id.get(aid)
        if a is None:
            return None
        if a.path != path:
            return redirect(base + a.path)
        return self.article(a, base)

    def related(self, a: "Art", count: int) -> list["Art"]:
        n = len(self.arts)
        if n < 2:
            return []
        start = int(a.extra.get("related_seed", 0.5) * n)
        out = []
        for k in range(n):
            b = self.arts[(start + k * 7 + 1) % n]
            if b is not a and b not in out:
                out.append(b)
            if len(out) == count:
                break
        return out

    def respond(self, path_with_query: str, base: str) -> Response:
        parts = urlsplit(path_with_query)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        path = parts.path or "/"
        try:
            resp = self.route(path, query, base)
        except _NotFound:
            resp = None
        if resp is None:
            resp = self.not_found()
        return resp

    def not_found(self) -> Response:
        body = (f'<!DOCTYPE html><html lang="pl"><head><meta charset="{self.charset}"><title>Nie znaleziono strony'
                f' - {e(self.info.name)}</title></head><body><h1>404 – nie znaleziono strony</h1>'
                f'<p>Strona, której szukasz, nie istnieje lub została przeniesiona.</p><p><a href="/">Wróć na stronę'
                f' główną</a></p></body></html>')
        return html_response(body, self.charset, status=404)

    def route(self, path: str, query: dict, base: str) -> Response | None:  # pragma: no cover
        raise NotImplementedError

    def static_page(self, title: str) -> Response:
        body = (f'<!DOCTYPE html><html lang="pl"><head><meta charset="{self.charset}"><title>{e(title)} - '
                f'{e(self.info.name)}</title></head><body><h1>{e(title)}</h1><p>Redakcja {e(self.info.name)} '
                f'zaprasza do kontaktu. Strona ma charakter informacyjny.</p><p><a href="/">Strona główna</a></p>'
                f'</body></html>')
        return html_response(body, self.charset)


class _NotFound(Exception):
    pass


def _page_arg(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not value.isdigit():
        raise _NotFound
    return int(value)


# ====================================================================== nr-kurier
class KurierSite(Site):
    key = "nr-kurier"
    SECTIONS = ("kraj", "swiat", "gospodarka")
    PER_PAGE = 8
    ART_RE = re.compile(r"^/(kraj|swiat|gospodarka)/([a-z0-9-]+),(\d+)\.html$")
    STATIC = {"/kontakt/": "Kontakt", "/polityka-prywatnosci/": "Polityka prywatności", "/regulamin/": "Regulamin"}
    SECTION_LABEL = {"kraj": "Kraj", "swiat": "Świat", "gospodarka": "Gospodarka"}

    def route(self, path, query, base):
        if path == "/":
            return self.home(base)
        if path == "/robots.txt":
            return text_response(
                "User-agent: *\nDisallow: /szukaj\nDisallow: /newsletter/\nAllow: /\n\n"
                f"Sitemap: {base}/sitemap.xml\nSitemap: {base}/news-sitemap.xml\n", "text/plain; charset=utf-8")
        if path == "/rss.xml":
            return self.feed(base)
        if path == "/sitemap.xml":
            return self.sitemap_index(base)
        if path == "/news-sitemap.xml":
            return self.news_sitemap(base)
        if path.startswith("/sitemaps/"):
            return self.child_sitemap(path, base)
        m = self.ART_RE.match(path)
        if m:
            return self.article(m, base, query)
        if path.startswith("/amp/"):
            m = self.ART_RE.match(path[4:])
            if m:
                a = self.by_id.get(int(m.group(3)))
                if a:
                    return self.amp(a, base)
            return None
        if path.rstrip("/") in ("/kraj", "/swiat", "/gospodarka"):
            if not path.endswith("/"):
                return redirect(path + "/")
            return self.section(path.strip("/"), _page_arg(query.get("strona")), base)
        m = re.match(r"^/(tag|autor)/([a-z0-9-]+)/$", path)
        if m:
            index = self.tag_index if m.group(1) == "tag" else self.author_index
            if m.group(2) not in index:
                return None
            name, arts = index[m.group(2)]
            label = f"Tag: {name}" if m.group(1) == "tag" else f"Autor: {name}"
            return self.listing_page(label, arts[:30], base, "lista")
        if re.match(r"^/img/\d+\.jpg$", path):
            return 200, {"Content-Type": "image/gif"}, GIF_1X1
        if path in self.STATIC:
            return self.static_page(self.STATIC[path])
        return None

    # --- shared chrome
    def head_common(self, base: str) -> str:
        return (f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f'<link rel="stylesheet" href="/static/kurier.css">\n'
                f'<link rel="alternate" type="application/rss+xml" title="Kurier Nadwiślański – najnowsze" '
                f'href="{base}/rss.xml">\n')

    def chrome_top(self) -> str:
        nav = "".join(f'<li><a href="/{s}/">{self.SECTION_LABEL[s]}</a></li>' for s in self.SECTIONS)
        return (
            '<div id="cookie-banner" class="cookie-consent" role="dialog" aria-label="Zgoda na cookies">\n'
            '<p>Korzystamy z plików cookies i podobnych technologii, aby zapewnić prawidłowe działanie serwisu, '
            'dopasować treści i reklamy oraz analizować ruch. Administratorem Twoich danych osobowych (RODO) jest '
            'Kurier Nadwiślański sp. z o.o. Szczegóły znajdziesz w <a href="/polityka-prywatnosci/">Polityce '
            'prywatności</a>.</p>\n<button type="button" class="accept">Akceptuję</button> '
            '<button type="button" class="settings">Ustawienia</button>\n</div>\n'
            '<header class="site-header">\n<a class="logo" href="/">Kurier Nadwiślański</a>\n'
            f'<nav class="main-nav"><ul><li><a href="/">Najnowsze</a></li>{nav}</ul></nav>\n'
            '<form class="search" action="/szukaj" method="get"><input type="search" name="q" '
            'placeholder="Szukaj w serwisie"></form>\n</header>\n')

    def chrome_bottom(self) -> str:
        return ('<footer class="site-footer">\n<p>© 2026 Kurier Nadwiślański. Wszelkie prawa zastrzeżone.</p>\n'
                '<ul><li><a href="/kontakt/">Kontakt</a></li><li><a href="/polityka-prywatnosci/">Polityka '
                'prywatności</a></li><li><a href="/regulamin/">Regulamin</a></li></ul>\n</footer>\n')

    def teaser(self, a: "Art", src: str, i: int) -> str:
        link = f"{a.path}?utm_source={src}&amp;utm_medium=list"
        extra = ""
        if i % 3 == 1:
            n = len(a.extra["comments"])
            extra = f' <a class="comments-link" href="{a.path}#komentarze">{n} {comments_word(n)}</a>'
        return (f'<article class="teaser"><h2><a href="{link}">{e(a.title)}</a></h2>'
                f'<time datetime="{a.published.isoformat()}">{pl_datetime(a.published)}</time>'
                f'<p>{e(a.lead)}</p>{extra} <a class="amp-link" href="/amp{a.path}">Wersja AMP</a></article>')

    def listing_page(self, heading: str, arts: list["Art"], base: str, src: str, pager: str = "",
                     canonical: str = "") -> Response:
        items = "\n".join(self.teaser(a, src, i) for i, a in enumerate(arts))
        canon = f'<link rel="canonical" href="{canonical}">\n' if canonical else ""
        body = (f'<!DOCTYPE html>\n<html lang="pl">\n<head>\n<meta charset="utf-8">\n<title>{e(heading)} | '
                f'Kurier Nadwiślański</title>\n{canon}{self.head_common(base)}</head>\n<body class="listing">\n'
                f'{self.chrome_top()}<main>\n<h1>{e(heading)}</h1>\n<div class="teasers">\n{items}\n</div>\n{pager}'
                f'</main>\n{self.chrome_bottom()}</body>\n</html>\n')
        return html_response(body)

    def home(self, base):
        return self.listing_page("Najnowsze wiadomości", self.arts[:20], base, "home", canonical=f"{base}/")

    def section(self, sec: str, page: int, base: str):
        arts = [a for a in self.arts if a.section_key == sec]
        res = paginate(arts, page, self.PER_PAGE)
        if res is None:
            return None
        items, pages = res
        links = []
        if page > 1:
            prev = f"/{sec}/" if page == 2 else f"/{sec}/?strona={page - 1}"
            links.append(f'<a rel="prev" href="{prev}">« Poprzednia</a>')
        for p in range(1, pages + 1):
            href = f"/{sec}/" if p == 1 else f"/{sec}/?strona={p}"
            links.append(f"<span>{p}</span>" if p == page else f'<a href="{href}">{p}</a>')
        if page < pages:
            links.append(f'<a rel="next" href="/{sec}/?strona={page + 1}">Następna »</a>')
        pager = f'<nav class="pagination">{" ".join(links)}</nav>\n'
        return self.listing_page(self.SECTION_LABEL[sec], items, base, "home", pager)

    def article(self, m, base, query):
        a = self.by_id.get(int(m.group(3)))
        if a is None:
            return None
        if a.path != m.group(0):
            return redirect(base + a.path)
        url = base + a.path
        img = f"{base}/img/{a.aid}.jpg"
        ld = {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": a.title, "description": a.lead, "image": [img],
            "datePublished": a.published.isoformat(),
            **({"dateModified": a.modified.isoformat()} if a.modified else {}),
            "author": [{"@type": "Person", "name": au, "url": f"{base}/autor/{slugify(au)}/"} for au in a.authors],
            "publisher": {"@type": "Organization", "name": "Kurier Nadwiślański",
                          "logo": {"@type": "ImageObject", "url": f"{base}/img/0.jpg"}},
            "articleSection": a.section, "keywords": list(a.tags), "inLanguage": "pl-PL",
        }
        ldj = json.dumps(ld, ensure_ascii=False, indent=1).replace("</", "<\\/")
        x = a.extra
        related = self.related(a, 4)
        inline = related[0] if related else None
        paras = []
        city = a.ctx["C"].nom
        for i, p in enumerate(a.paragraphs):
            html_p = e(p)
            if i == x["link_city_para"] and city in p:
                html_p = html_p.replace(e(city), f'<a href="/tag/{slugify(city)}/">{e(city)}</a>', 1)
            paras.append(f"<p>{html_p}</p>")
            if i + 1 == x["czytaj_after"] and inline:
                paras.append(f'<p class="related-inline"><strong>Czytaj także:</strong> '
                             f'<a href="{inline.path}">{e(inline.title)}</a></p>')
            if i + 1 == x["ad_after"]:
                paras.append('<div class="ad-slot ad-inarticle"><span class="ad-label">REKLAMA</span>'
                             '<div class="ad-placeholder" data-ad-unit="kn_inarticle_1"></div></div>')
        byline = ", ".join(f'<a href="/autor/{slugify(au)}/" rel="author">{e(au)}</a>' for au in a.authors)
        upd = (f' <span class="updated">Aktualizacja: <time datetime="{a.modified.isoformat()}">'
               f'{pl_datetime(a.modified)}</time></span>') if a.modified else ""
        ncom = len(x["comments"])
        tags = "".join(f'<li><a href="/tag/{slugify(t)}/" rel="tag">{e(t)}</a></li>' for t in a.tags)
        share_url = quote(url, safe="")
        rel_box = "".join(f'<li><a href="{b.path}?utm_source=related&amp;utm_medium=box">{e(b.title)}</a></li>'
                          for b in related[1:])
        comments = "".join(
            f'<li class="comment"><p class="comment-author">{e(nick)}</p><p class="comment-date">'
            f'{pl_datetime(a.published)}</p><p class="comment-text">{e(text)}</p></li>'
            for nick, text in x["comments"])
        meta_mod = (f'<meta property="article:modified_time" content="{a.modified.isoformat()}">\n'
                    if a.modified else "")
        body = f"""<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<title>{e(a.title)} | Kurier Nadwiślański</title>
<meta name="description" content="{e(a.lead)}">
<link rel="canonical" href="{url}">
<link rel="amphtml" href="{base}/amp{a.path}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Kurier Nadwiślański">
<meta property="og:locale" content="pl_PL">
<meta property="og:title" content="{e(a.title)}">
<meta property="og:description" content="{e(a.lead)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{img}">
<meta property="article:published_time" content="{a.published.isoformat()}">
{meta_mod}<meta property="article:section" content="{e(a.section)}">
{self.head_common(base)}<script type="application/ld+json">
{ldj}
</script>
</head>
<body class="article-page">
{self.chrome_top()}<main>
<nav class="breadcrumbs" aria-label="Jesteś tutaj"><a href="/">Strona główna</a> › <a href="/{a.section_key}/">{e(a.section)}</a> › <span>{e(a.title)}</span></nav>
<article class="article" id="artykul-{a.aid}">
<h1 class="article-title">{e(a.title)}</h1>
<div class="article-meta"><span class="byline">Autor: {byline}</span> <time class="published" datetime="{a.published.isoformat()}">{pl_datetime(a.published)}</time>{upd} <a class="comments-count" href="#komentarze">{ncom} {comments_word(ncom)}</a></div>
<p class="lead">{e(a.lead)}</p>
<figure class="main-photo"><img src="/img/{a.aid}.jpg" alt="{e(x["caption"])}" width="1200" height="675"><figcaption>{e(x["caption"])}. <span class="photo-credit">{e(x["photo_credit"])}</span></figcaption></figure>
<div class="article-body">
{chr(10).join(paras)}
</div>
<div class="tags"><span>Tagi:</span><ul>{tags}</ul></div>
<div class="share"><span>Udostępnij:</span> <a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u={share_url}">Facebook</a> <a class="share-x" href="https://x.com/intent/post?url={share_url}">X</a> <button type="button" class="copy-link">Kopiuj link</button></div>
</article>
<aside class="related-box"><h2>Zobacz też</h2><ul>{rel_box}</ul></aside>
<section class="newsletter"><h2>Newsletter</h2><p>Zapisz się do newslettera Kuriera Nadwiślańskiego i otrzymuj najważniejsze informacje dnia prosto na swoją skrzynkę.</p><form action="/newsletter/" method="post"><input type="email" name="email" placeholder="Twój adres e-mail"><button type="submit">Zapisz się</button></form></section>
<section id="komentarze" class="comments"><h2>Komentarze ({ncom})</h2><ol>{comments}</ol><p class="comments-note">Komentarze są moderowane. Dodając komentarz, akceptujesz regulamin serwisu.</p></section>
</main>
{self.chrome_bottom()}</body>
</html>
"""
        return html_response(body)

    def amp(self, a: "Art", base: str) -> Response:
        paras = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        body = f"""<!doctype html>
<html ⚡ lang="pl">
<head>
<meta charset="utf-8">
<title>{e(a.title)} | Kurier Nadwiślański</title>
<link rel="canonical" href="{base}{a.path}">
<meta name="viewport" content="width=device-width">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-boilerplate>body{{visibility:hidden}}</style>
</head>
<body>
<header><a href="/">Kurier Nadwiślański</a></header>
<article>
<h1>{e(a.title)}</h1>
<time datetime="{a.published.isoformat()}">{pl_datetime(a.published)}</time>
<p class="lead">{e(a.lead)}</p>
<amp-img src="/img/{a.aid}.jpg" width="1200" height="675" layout="responsive" alt="{e(a.extra["caption"])}"></amp-img>
{paras}
</article>
<footer>© 2026 Kurier Nadwiślański. Wszelkie prawa zastrzeżone.</footer>
</body>
</html>
"""
        return html_response(body)

    def feed(self, base):
        items = []
        for a in self.arts[:20]:
            link = f"{base}{a.path}?utm_source=rss&amp;utm_medium=feed"
            cats = "".join(f"<category>{e(t)}</category>" for t in [a.section] + list(a.tags))
            creators = "".join(f"<dc:creator>{e(au)}</dc:creator>" for au in a.authors)
            items.append(f"<item><title>{e(a.title)}</title><link>{link}</link>"
                         f'<guid isPermaLink="false">kurier-{a.aid}</guid>'
                         f"<pubDate>{format_datetime(a.published)}</pubDate>{creators}{cats}"
                         f"<description>{e(a.lead)}</description></item>")
        return text_response(rss("Kurier Nadwiślański – najnowsze", f"{base}/",
                                 "Najnowsze wiadomości Kuriera Nadwiślańskiego", items, f"{base}/rss.xml"),
                             "application/rss+xml; charset=utf-8")

    @staticmethod
    def month(article) -> str:
        # Not strftime("%Y"): it gives "1", not "0001", for a fault test's year-1 date.
        return f"{article.published.year:04d}-{article.published.month:02d}"

    def months(self) -> list[str]:
        return sorted({self.month(a) for a in self.arts}, reverse=True)

    def sitemap_index(self, base):
        entries = []
        for mon in self.months():
            arts = [a for a in self.arts if self.month(a) == mon]
            entries.append((f"{base}/sitemaps/articles-{mon}.xml", max(lastmod(a) for a in arts)))
        entries.append((f"{base}/sitemaps/pages.xml", None))
        return text_response(sitemapindex(entries), "application/xml; charset=utf-8")

    def child_sitemap(self, path, base):
        if path == "/sitemaps/pages.xml":
            locs = [f"{base}/"] + [f"{base}/{s}/" for s in self.SECTIONS]
            locs += [f"{base}/tag/{t}/" for t in sorted(self.tag_index)]
            locs += [f"{base}/autor/{au}/" for au in sorted(self.author_index)]
            return text_response(urlset([(loc, None) for loc in locs]), "application/xml; charset=utf-8")
        m = re.match(r"^/sitemaps/articles-(\d{4}-\d{2})\.xml$", path)
        if not m:
            return None
        arts = [a for a in self.arts if self.month(a) == m.group(1)]
        if not arts:
            return None
        return text_response(urlset([(base + a.path, lastmod(a)) for a in arts]), "application/xml; charset=utf-8")

    def news_sitemap(self, base):
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">']
        for a in self.arts:
            out.append(f"<url><loc>{e(base + a.path)}</loc><news:news><news:publication>"
                       "<news:name>Kurier Nadwiślański</news:name><news:language>pl</news:language>"
                       f"</news:publication><news:publication_date>{a.published.isoformat()}"
                       f"</news:publication_date><news:title>{e(a.title)}</news:title></news:news></url>")
        out.append("</urlset>\n")
        return text_response("\n".join(out), "application/xml; charset=utf-8")


# ====================================================================== nr-kresy
DONATION_BOX = ('<div class="wsparcie-box">\n<h3 class="wsparcie-title">Pilnujemy wspólnych spraw</h3>\n'
                '<p class="wsparcie-text">Zależymy od Twojego wsparcia</p>\n'
                '<a class="button wsparcie-button" href="/wsparcie/">Wspieram Kresy.pl</a>\n</div>')
# The same appeal as one inline paragraph of the post body, as in the seed: extractors
# keep this form (they drop the boxed one by its markup).
DONATION_INLINE = ('<p><strong>Pilnujemy wspólnych spraw</strong> Zależymy od Twojego wsparcia '
                   '<a href="/wsparcie/">Wspieram Kresy.pl</a></p>')


class KresySite(Site):
    key = "nr-kresy"
    CATS = {"polska": "Polska", "swiat": "Świat", "historia": "Historia"}
    PER_PAGE = 10
    ART_RE = re.compile(r"^/wydarzenia/(polska|swiat|historia)/([a-z0-9-]+)(/?)$")
    STATIC = {"/o-nas/": "O nas", "/kontakt/": "Kontakt", "/wsparcie/": "Wspieraj nas",
              "/polityka-prywatnosci/": "Polityka prywatności"}

    def __init__(self, room):
        super().__init__(room)
        self.by_slug = {(a.section_key, a.slug): a for a in self.arts}

    def route(self, path, query, base):
        if path == "/":
            if "p" in query:  # WordPress shortlink ?p=<post id>
                a = self.by_id.get(int(query["p"])) if query["p"].isdigit() else None
                return redirect(base + a.path) if a else None
            return self.listing("Kresowy Portal – wiadomości", self.arts[:10], base, "", 1, 1)
        if path == "/robots.txt":
            return text_response("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                                 f"Sitemap: {base}/wp-sitemap.xml\n", "text/plain; charset=utf-8")
        if path == "/feed/":
            return self.feed(base)
        if path == "/feed":
            return redirect(base + "/feed/")
        if path == "/wp-sitemap.xml":
            return self.sitemap_index(base)
        if path.startswith("/wp-sitemap-"):
            return self.child_sitemap(path, base)
        m = self.ART_RE.match(path)
        if m:
            a = self.by_slug.get((m.group(1), m.group(2)))
            if a is None:
                return None
            if not m.group(3):
                return redirect(base + a.path)
            return self.article(a, base)
        m = re.match(r"^/kategoria/([a-z]+)/(?:page/(\d+)/)?$", path)
        if m and m.group(1) in self.CATS:
            cat, page = m.group(1), int(m.group(2) or 1)
            if m.group(2) == "1":
                return redirect(f"{base}/kategoria/{cat}/")
            arts = [a for a in self.arts if a.section_key == cat]
            res = paginate(arts, page, self.PER_PAGE)
            if res is None:
                return None
            return self.listing(f"Kategoria: {self.CATS[cat]}", res[0], base, f"/kategoria/{cat}/", page, res[1])
        m = re.match(r"^/(tag|autor)/([a-z0-9-]+)/$", path)
        if m:
            index = self.tag_index if m.group(1) == "tag" else self.author_index
            if m.group(2) not in index:
                return None
            name, arts = index[m.group(2)]
            return self.listing(f"{'Tag' if m.group(1) == 'tag' else 'Autor'}: {name}", arts[:10], base, "", 1, 1)
        if path in self.STATIC:
            return self.static_page(self.STATIC[path])
        return None

    def sidebar(self) -> str:
        popular = [self.arts[i] for i in sorted({(k * 5 + 2) % len(self.arts) for k in range(5)})]
        pop = "".join(f'<li><a href="{a.path}">{e(a.title)}</a></li>' for a in popular)
        cats = "".join(f'<li class="cat-item"><a href="/kategoria/{c}/">{lbl}</a></li>' for c, lbl in self.CATS.items())
        return ('<aside id="secondary" class="widget-area">\n'
                '<section class="widget widget_search"><form role="search" method="get" action="/">'
                '<input type="search" name="s" placeholder="Szukaj …"></form></section>\n'
                f'<section class="widget widget_popular_posts"><h2 class="widget-title">Popularne wpisy</h2><ul>{pop}</ul></section>\n'
                f'<section class="widget widget_categories"><h2 class="widget-title">Kategorie</h2><ul>{cats}</ul></section>\n'
                '</aside>\n')

    def page(self, title: str, head_extra: str, body_class: str, main: str, base: str) -> Response:
        menu = "".join(f'<li class="menu-item"><a href="/kategoria/{c}/">{lbl}</a></li>' for c, lbl in self.CATS.items())
        body = f"""<!DOCTYPE html>
<html lang="pl-PL">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
{head_extra}<link rel="alternate" type="application/rss+xml" title="Kresowy Portal &raquo; Kanał z wpisami" href="{base}/feed/">
<link rel="https://api.w.org/" href="{base}/wp-json/">
<link rel="stylesheet" id="theme-style-css" href="/wp-content/themes/kresowy/style.css?ver=6.4.2" media="all">
<meta name="generator" content="WordPress 6.4.2">
</head>
<body class="{body_class}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Przejdź do treści</a>
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/" rel="home">Kresowy Portal</a></p><p class="site-description">Wiadomości z Polski, Kresów i ze świata</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}<li class="menu-item"><a href="/o-nas/">O nas</a></li></ul></nav></header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
{self.sidebar()}</div>
<footer id="colophon" class="site-footer"><div class="site-info">© 2026 Kresowy Portal · Wszelkie prawa zastrzeżone · <a href="/polityka-prywatnosci/">Polityka prywatności</a> · <a href="/kontakt/">Kontakt</a></div></footer>
</div>
</body>
</html>
"""
        return html_response(body)

    def listing(self, heading, arts, base, cat_base, page, pages):
        posts = "\n".join(
            f'<article id="post-{a.aid}" class="post-{a.aid} post type-post status-publish hentry category-{a.section_key}">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{a.path}" rel="bookmark">{e(a.title)}</a></h2>'
            f'<div class="entry-meta"><time class="entry-date published" datetime="{a.published.isoformat()}">'
            f'{pl_date(a.published)}</time></div></header><div class="entry-summary"><p>{e(a.lead)} […]</p></div>'
            f'<a class="more-link" href="{a.path}">Czytaj dalej</a></article>' for a in arts)
        nav = ""
        if cat_base:
            links = []
            if page < pages:
                links.append(f'<div class="nav-previous"><a href="{cat_base}page/{page + 1}/">Starsze wpisy</a></div>')
            if page > 1:
                newer = cat_base if page == 2 else f"{cat_base}page/{page - 1}/"
                links.append(f'<div class="nav-next"><a href="{newer}">Nowsze wpisy</a></div>')
            nav = f'<nav class="navigation posts-navigation"><div class="nav-links">{"".join(links)}</div></nav>'
        main = f'<header class="page-header"><h1 class="page-title">{e(heading)}</h1></header>\n{posts}\n{nav}'
        return self.page(f"{heading} - Kresowy Portal", "", "archive", main, base)

    def article(self, a: "Art", base: str) -> Response:
        x = a.extra
        url = base + a.path
        related = (self.related(a, 1) or [None])[0]
        content = []
        if x["lead_style"] == "strong":
            content.append(f"<p><strong>{e(a.lead)}</strong></p>")
        if x["repeated_lead"]:
            content.append(f"<p>{e(x['repeated_lead'])}</p>")
        for i, p in enumerate(a.paragraphs):
            content.append(f"<p>{e(p)}</p>")
            if i + 1 == x["czytaj_after"] and related:
                content.append(f'<p><strong>Czytaj także:</strong> <a href="{base}{related.path}">{e(related.title)}</a></p>')
            if i + 1 == x["donation_after"]:
                content.append(DONATION_BOX if a.aid % 2 else DONATION_INLINE)
        content.append(f"<p>{e(a.credits[0])}</p>")
        lead_div = f'<div class="entry-lead"><p>{e(a.lead)}</p></div>\n' if x["lead_style"] == "div" else ""
        pub_utc = a.published.astimezone(timezone.utc).isoformat()
        mod_meta = (f'<meta property="article:modified_time" content="{a.modified.astimezone(timezone.utc).isoformat()}">\n'
                    if a.modified else "")
        upd = (f'<time class="updated" datetime="{a.modified.isoformat()}">{pl_date(a.modified)}</time>'
               if a.modified else "")
        tags = ", ".join(f'<a href="/tag/{slugify(t)}/" rel="tag">{e(t)}</a>' for t in a.tags)
        idx = a.idx
        prev_a = self.arts[idx + 1] if idx + 1 < len(self.arts) else None
        next_a = self.arts[idx - 1] if idx > 0 else None
        postnav = ""
        if prev_a:
            postnav += f'<div class="nav-previous"><a href="{prev_a.path}" rel="prev">← {e(prev_a.title)}</a></div>'
        if next_a:
            postnav += f'<div class="nav-next"><a href="{next_a.path}" rel="next">{e(next_a.title)} →</a></div>'
        head = (f'<meta name="description" content="{e(a.lead)}">\n<meta name="author" content="{e(a.authors[0])}">\n'
                f'<link rel="canonical" href="{url}">\n<link rel="shortlink" href="{base}/?p={a.aid}">\n'
                '<meta property="og:locale" content="pl_PL">\n<meta property="og:type" content="article">\n'
                f'<meta property="og:title" content="{e(a.title)}">\n<meta property="og:description" content="{e(a.lead)}">\n'
                f'<meta property="og:url" content="{url}">\n<meta property="og:site_name" content="Kresowy Portal">\n'
                f'<meta property="article:published_time" content="{pub_utc}">\n{mod_meta}'
                f'<meta property="article:section" content="{e(a.section)}">\n')
        main = f"""<article id="post-{a.aid}" class="post-{a.aid} post type-post status-publish format-standard hentry category-{a.section_key}">
<header class="entry-header">
<span class="cat-links"><a href="/kategoria/{a.section_key}/" rel="category tag">{e(a.section)}</a></span>
<h1 class="entry-title">{e(a.title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{a.published.isoformat()}">{pl_date(a.published)}</time>{upd}</span> <span class="byline">Autor: <span class="author vcard"><a class="url fn n" href="/autor/{slugify(a.authors[0])}/">{e(a.authors[0])}</a></span></span></div>
</header>
{lead_div}<div class="entry-content">
{chr(10).join(content)}
</div>
<footer class="entry-footer"><span class="tags-links">Tagi: {tags}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Wpisy"><div class="nav-links">{postnav}</div></nav>
<div id="comments" class="comments-area">
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Dodaj komentarz</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Twój adres e-mail nie zostanie opublikowany. Wymagane pola są oznaczone *</p>
<p class="comment-form-comment"><label for="comment">Komentarz *</label><textarea id="comment" name="comment" cols="45" rows="8"></textarea></p>
<p class="comment-form-author"><label for="author">Nazwa *</label><input id="author" name="author" type="text"></p>
<p class="comment-form-email"><label for="email">E-mail *</label><input id="email" name="email" type="email"></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Opublikuj komentarz"><input type="hidden" name="comment_post_ID" value="{a.aid}"></p>
</form></div>
</div>"""
        return self.page(f"{a.title} - Kresowy Portal", head,
                         f"post-template-default single single-post postid-{a.aid} single-format-standard", main, base)

    def feed(self, base):
        items = []
        for a in self.arts[:20]:
            url = base + a.path
            items.append(
                f"<item><title>{e(a.title)}</title><link>{url}</link><comments>{url}#respond</comments>"
                f"<dc:creator><![CDATA[{a.authors[0]}]]></dc:creator>"
                f"<pubDate>{format_datetime(a.published.astimezone(timezone.utc))}</pubDate>"
                f"<category><![CDATA[{a.section}]]></category>"
                + "".join(f"<category><![CDATA[{t}]]></category>" for t in a.tags)
                + f'<guid isPermaLink="false">{base}/?p={a.aid}</guid>'
                f"<description><![CDATA[<p>{e(a.lead)} [&#8230;]</p>\n<p>Artykuł <a href=\"{url}\">{e(a.title)}</a> "
                f"pochodzi z serwisu <a href=\"{base}\">Kresowy Portal</a>.</p>]]></description></item>")
        extra_ns = ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        return text_response(rss("Kresowy Portal", base, "Wiadomości z Polski, Kresów i ze świata", items,
                                 f"{base}/feed/", extra_ns), "application/rss+xml; charset=UTF-8")

    def sitemap_index(self, base):
        n_pages = max(1, math.ceil(len(self.arts) / self.sitemap_page))
        entries = [(f"{base}/wp-sitemap-posts-post-{i}.xml", None) for i in range(1, n_pages + 1)]
        entries += [(f"{base}/wp-sitemap-posts-page-1.xml", None), (f"{base}/wp-sitemap-taxonomies-category-1.xml", None),
                    (f"{base}/wp-sitemap-users-1.xml", None)]
        return text_response(sitemapindex(entries, f"{base}/wp-sitemap-index.xsl"), "application/xml; charset=UTF-8")

    def child_sitemap(self, path, base):
        xsl = f"{base}/wp-sitemap.xsl"
        m = re.match(r"^/wp-sitemap-posts-post-(\d+)\.xml$", path)
        if m:
            page = int(m.group(1))
            res = paginate(self.arts, page, self.sitemap_page)
            if res is None:
                return None
            entries = [(base + a.path, lastmod(a)) for a in res[0]]
        elif path == "/wp-sitemap-posts-page-1.xml":
            entries = [(base + p, None) for p in self.STATIC]
        elif path == "/wp-sitemap-taxonomies-category-1.xml":
            entries = [(f"{base}/kategoria/{c}/", None) for c in self.CATS]
        elif path == "/wp-sitemap-users-1.xml":
            entries = [(f"{base}/autor/{s}/", None) for s in sorted(self.author_index)]
        else:
            return None
        return text_response(urlset(entries, stylesheet=xsl), "application/xml; charset=UTF-8")


# ====================================================================== nr-gazeta
class GazetaSite(Site):
    key = "nr-gazeta"
    charset = "windows-1250"
    SECTIONS = {"region": "Region", "kraj": "Kraj", "kultura": "Kultura"}
    PER_PAGE = 10
    ART_RE = re.compile(r"^/artykul/(\d+)-([a-z0-9-]+)\.html$")

    def route(self, path, query, base):
        if path == "/":
            return self.listing("Najnowsze wiadomości", self.arts[:15], base, "", 1, 1)
        if path == "/robots.txt":
            return text_response(f"User-agent: *\nCrawl-delay: {self.room.crawl_delay:g}\nDisallow: /drukuj/\n"
                                 f"Disallow: /szukaj.php\n\nSitemap: {base}/sitemap_index.xml\n", "text/plain")
        if path == "/atom.xml":
            return self.atom(base)
        if path == "/sitemap_index.xml":
            n = max(1, math.ceil(len(self.arts) / self.sitemap_page))
            entries = []
            for i in range(1, n + 1):
                chunk = self.arts[(i - 1) * self.sitemap_page: i * self.sitemap_page]
                entries.append((f"{base}/sitemaps/articles-{i}.xml.gz", max(lastmod(a) for a in chunk)))
            entries.append((f"{base}/sitemaps/dzialy.xml", None))
            return text_response(sitemapindex(entries), "text/xml")
        m = re.match(r"^/sitemaps/articles-(\d+)\.xml\.gz$", path)
        if m:
            res = paginate(self.arts, int(m.group(1)), self.sitemap_page)
            if res is None:
                return None
            xml = urlset([(base + a.path, lastmod(a)) for a in res[0]])
            ctype = "application/x-gzip" if int(m.group(1)) % 2 else "application/gzip"
            return 200, {"Content-Type": ctype}, gzip.compress(xml.encode("utf-8"), mtime=0)
        if path == "/sitemaps/dzialy.xml":
            return text_response(urlset([(f"{base}/{s}/", None) for s in self.SECTIONS]), "text/xml")
        m = self.ART_RE.match(path)
        if m:
            return self.article_by_id(int(m.group(1)), path, base)
        m = re.match(r"^/drukuj/(\d+)\.html$", path)
        if m:
            a = self.by_id.get(int(m.group(1)))
            return self.print_page(a) if a else None
        if path.strip("/") in self.SECTIONS:
            if not path.endswith("/"):
                return redirect(path + "/")
            sec = path.strip("/")
            page = _page_arg(query.get("p"))
            res = paginate([a for a in self.arts if a.section_key == sec], page, self.PER_PAGE)
            if res is None:
                return None
            return self.listing(self.SECTIONS[sec], res[0], base, f"/{sec}/", page, res[1])
        if re.match(r"^/img/[a-z0-9_]+\.gif$", path):
            return 200, {"Content-Type": "image/gif"}, GIF_1X1
        return None

    def html(self, title: str, head_extra: str, content: str, right: str, charset: str) -> Response:
        menu = " | ".join(f'<a href="/{s}/">{lbl}</a>' for s, lbl in self.SECTIONS.items())
        ref = self.room_reference()
        body = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{e(title)}</title>
{head_extra}<link rel="stylesheet" type="text/css" href="/css/style.css">
<link rel="alternate" type="application/atom+xml" title="Gazeta Podhalańska" href="/atom.xml">
</head>
<body bgcolor="#ffffff" leftmargin="0" topmargin="0">
<table width="980" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td colspan="2" class="naglowek"><a href="/"><img src="/img/logo.gif" alt="Gazeta Podhalańska" border="0"></a> <span class="data-dnia">{WEEKDAYS_NOM[ref.weekday()]}, {pl_date(ref)}</span></td></tr>
<tr><td colspan="2" class="menu"><a href="/">Strona główna</a> | {menu}</td></tr>
<tr>
<td width="660" valign="top" class="tresc">
{content}
</td>
<td width="300" valign="top" class="prawa">
{right}
<div class="reklama"><font size="1" color="#999999">REKLAMA</font><br><img src="/img/banner.gif" width="300" height="250" alt=""></div>
<div class="pogoda"><b>Pogoda:</b> Zakopane -3°C, Nowy Targ -1°C, Kasprowy Wierch -11°C</div>
</td>
</tr>
<tr><td colspan="2" class="stopka" align="center"><font size="1">Copyright &copy; 2002-2026 Gazeta Podhalańska. Wszelkie prawa zastrzeżone. Redakcja: ul. Kościuszki 12, 34-400 Nowy Targ.</font></td></tr>
</table>
</body>
</html>
"""
        return html_response(body, charset, content_type="text/html")

    def room_reference(self):
        from .model import REFERENCE
        return REFERENCE

    def right_column(self) -> str:
        top = [self.arts[i] for i in sorted({(k * 3 + 1) % len(self.arts) for k in range(5)})]
        items = "".join(f'<li><a href="{a.path}">{e(a.title)}</a></li>' for a in top)
        return f'<div class="box"><b>Najczęściej czytane</b><ul>{items}</ul></div>'

    def listing(self, heading, arts, base, sec_base, page, pages):
        rows = []
        for a in arts:
            teaser = a.lead or (" ".join(a.paragraphs[0].split()[:20]) + "…")
            rows.append(f'<tr><td class="wpis"><a class="tytul" href="{a.path}"><b>{e(a.title)}</b></a><br>'
                        f'<span class="data">{a.published:%d.%m.%Y}</span> {e(teaser)} '
                        f'<a href="{a.path}">Czytaj więcej &raquo;</a></td></tr>')
        pager = ""
        if sec_base and pages > 1:
            links = [f"<b>{p}</b>" if p == page else f'<a href="{sec_base}?p={p}">{p}</a>' for p in range(1, pages + 1)]
            if page < pages:
                links.append(f'<a href="{sec_base}?p={page + 1}">następna &raquo;</a>')
            pager = f'<p class="stronicowanie">Strony: {" ".join(links)}</p>'
        content = f'<h2 class="dzial">{e(heading)}</h2>\n<table width="100%" cellpadding="4">{"".join(rows)}</table>\n{pager}'
        return self.html(f"{heading} - Gazeta Podhalańska", "", content, self.right_column(), self.charset)

    def article(self, a: "Art", base: str) -> Response:
        x = a.extra
        paras = [f"<p>{e(p)}</p>" for p in a.paragraphs]
        sig = x["signature"]
        if x["signature_inline"]:
            paras[-1] = f"<p>{e(a.paragraphs[-1])} {e(sig)}</p>"
        else:
            paras.append(f"<p>{e(sig)}</p>")
        lead = f'<p class="zajawka"><b>{e(a.lead)}</b></p>\n' if a.lead else ""
        more = "".join(f'&raquo; <a href="{b.path}">{e(b.title)}</a><br>\n' for b in self.related(a, 3))
        head = (f'<meta name="date" content="{a.published:%Y-%m-%dT%H:%M:%S}">\n'
                f'<meta name="keywords" content="{e(a.section)}, Podhale, wiadomości">\n'
                f'<meta name="description" content="{e(a.lead or a.title)}">\n')
        content = f"""<div class="sciezka"><a href="/">Gazeta Podhalańska</a> &raquo; <a href="/{a.section_key}/">{e(a.section)}</a></div>
<h1 class="tytul">{e(a.title)}</h1>
<div class="data">Opublikowano: {a.published:%d.%m.%Y, %H:%M}</div>
{lead}<div id="tresc_artykulu">
{chr(10).join(paras)}
</div>
<p class="autor">Autor: <b>{e(a.authors[0])}</b></p>
<p class="zrodlo">Źródło: {e(x["source"])}</p>
<div class="czytaj-wiecej"><b>Czytaj więcej:</b><br>
{more}</div>
<p class="narzedzia"><a href="/drukuj/{a.aid}.html">Wersja do druku</a> | <a href="/{a.section_key}/">Wróć do działu {e(a.section)}</a></p>"""
        return self.html(f"{a.title} - Gazeta Podhalańska", head, content, self.right_column(), a.charset)

    def print_page(self, a: "Art") -> Response:
        paras = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        lead = f"<p><b>{e(a.lead)}</b></p>" if a.lead else ""
        body = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={a.charset}">'
                f'<meta name="robots" content="noindex"><title>{e(a.title)}</title></head>'
                f'<body onload="window.print()"><h1>{e(a.title)}</h1>{lead}\n{paras}\n'
                f'<p>Autor: {e(a.authors[0])}</p></body></html>')
        return html_response(body, a.charset, content_type="text/html")

    def atom(self, base):
        entries = []
        for a in self.arts[:20]:
            summary = f"<summary>{e(a.lead)}</summary>" if a.lead else ""
            entries.append(f'<entry><title>{e(a.title)}</title><link rel="alternate" type="text/html" href="{base}{a.path}"/>'
                           f"<id>tag:gazeta-podhalanska.pl,2026:artykul-{a.aid}</id><published>{a.published.isoformat()}"
                           f"</published><updated>{lastmod(a)}</updated><author><name>{e(a.authors[0])}</name></author>"
                           f'<category term="{e(a.section)}"/>{summary}</entry>')
        xml = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pl">\n'
               f'<title>Gazeta Podhalańska</title>\n<link rel="alternate" href="{base}/"/>\n'
               f'<link rel="self" href="{base}/atom.xml"/>\n<id>tag:gazeta-podhalanska.pl,2026:feed</id>\n'
               f"<updated>{lastmod(self.arts[0]) if self.arts else '2026-11-27T00:00:00+01:00'}</updated>\n"
               + "\n".join(entries) + "\n</feed>\n")
        return text_response(xml, "application/atom+xml")


# ====================================================================== nr-zastrzezone
class ZastrzezoneSite(Site):
    key = "nr-zastrzezone"
    ART_RE = re.compile(r"^/teksty/([a-z0-9-]+)-(\d+)\.html$")

    def respond(self, path_with_query, base):
        status, headers, body = super().respond(path_with_query, base)
        headers["tdm-reservation"] = "1"
        headers["tdm-policy"] = f"{base}/tdm-policy.json"
        return status, headers, body

    def route(self, path, query, base):
        if path == "/":
            items = "".join(f'<li><a href="{a.path}">{e(a.title)}</a> <time datetime="{a.published.isoformat()}">'
                            f'{pl_date(a.published)}</time></li>' for a in self.arts)
            return self.page("Dziennik Zastrzeżony", "", f"<h1>Najnowsze teksty</h1><ul>{items}</ul>", base)
        if path == "/robots.txt":
            return text_response(
                "# TDM reservation (DSM art. 4)\n"
                "# Eksploracja tekstów i danych z tego serwisu jest zastrzeżona (art. 4 ust. 3 dyrektywy (UE) 2019/790).\n"
                "User-agent: GPTBot\nDisallow: /\n\nUser-agent: CCBot\nDisallow: /\n\n"
                "User-agent: Google-Extended\nDisallow: /\n\nUser-agent: *\nAllow: /\n\n"
                f"Sitemap: {base}/sitemap.xml\n", "text/plain; charset=utf-8")
        if path == "/.well-known/tdmrep.json":
            return text_response(json.dumps([{"location": "/", "tdm-reservation": 1,
                                              "tdm-policy": f"{base}/tdm-policy.json"}], indent=2) + "\n",
                                 "application/json")
        if path == "/tdm-policy.json":
            policy = {"@context": ["http://www.w3.org/ns/odrl.jsonld", {"tdm": "http://www.w3.org/ns/tdmrep#"}],
                      "@type": "Offer", "profile": "http://www.w3.org/ns/tdmrep",
                      "uid": f"{base}/tdm-policy.json",
                      "assigner": {"uid": f"{base}/", "vcard:fn": "Dziennik Zastrzeżony",
                                   "vcard:hasEmail": "licencje@dziennik-zastrzezony.example"},
                      "permission": [{"target": f"{base}/", "action": "tdm:mine",
                                      "duty": [{"action": "obtainConsent"}]}]}
            return text_response(json.dumps(policy, ensure_ascii=False, indent=2) + "\n", "application/json")
        if path == "/rss.xml":
            items = [f"<item><title>{e(a.title)}</title><link>{base}{a.path}</link><guid>{base}{a.path}</guid>"
                     f"<pubDate>{format_datetime(a.published)}</pubDate><description>{e(a.lead)}</description></item>"
                     for a in self.arts[:20]]
            return text_response(rss("Dziennik Zastrzeżony", f"{base}/", "Teksty Dziennika Zastrzeżonego", items,
                                     f"{base}/rss.xml"), "application/rss+xml; charset=utf-8")
        if path == "/sitemap.xml":
            return text_response(urlset([(base + a.path, lastmod(a)) for a in self.arts]), "application/xml")
        m = self.ART_RE.match(path)
        if m:
            return self.article_by_id(int(m.group(2)), path, base)
        return None

    def page(self, title, head_extra, main, base) -> Response:
        body = f"""<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<title>{e(title)}</title>
<meta name="tdm-reservation" content="1">
<meta name="tdm-policy" content="{base}/tdm-policy.json">
{head_extra}</head>
<body>
<header><a href="/">Dziennik Zastrzeżony</a></header>
<main>
{main}
</main>
<footer><p>© 2026 Dziennik Zastrzeżony. Eksploracja tekstów i danych zastrzeżona (art. 4 ust. 3 dyrektywy DSM). Wszelkie prawa zastrzeżone.</p></footer>
</body>
</html>
"""
        return html_response(body)

    def article(self, a, base):
        url = base + a.path
        head = (f'<link rel="canonical" href="{url}">\n<meta name="description" content="{e(a.lead)}">\n'
                f'<meta name="author" content="{e(a.authors[0])}">\n<meta property="og:type" content="article">\n'
                f'<meta property="og:title" content="{e(a.title)}">\n<meta property="og:url" content="{url}">\n'
                f'<meta property="article:published_time" content="{a.published.isoformat()}">\n')
        paras = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        main = (f'<article>\n<h1>{e(a.title)}</h1>\n<p class="meta">{e(a.authors[0])}, <time datetime="'
                f'{a.published.isoformat()}">{pl_datetime(a.published)}</time></p>\n<p class="lead">{e(a.lead)}</p>\n'
                f'<div class="body">\n{paras}\n</div>\n</article>')
        return self.page(f"{a.title} – Dziennik Zastrzeżony", head, main, base)


def make_sites(room: "Newsroom") -> dict[str, Site]:
    return {cls.key: cls(room) for cls in (KurierSite, KresySite, GazetaSite, ZastrzezoneSite)}
