"""Syndication: outlets that republish one agency story with small edits (for dedup and stories).

Three more fictional outlets, served like the main newsroom but by a newsroom of their own,
so the main outlets' pages and counts stay as they are:

| outlet | host | the agency story as it runs there |
|---|---|---|
| nr-wiesci "Wieści Mazowieckie" | 127.0.0.21 | as sent: agency headline, standfirst, "Źródło: PAP" line (published first) |
| nr-echo "Echo Podlasia" | 127.0.0.22 | another headline, two paragraphs in another order, a paragraph cut, "(PAP)" signature |
| nr-glos "Głos Pomorza" | 127.0.0.23 | another headline, the lead promoted into the body behind "Jak podaje PAP, ", a paragraph added |

nr-echo also runs an **unrelated story on the same topic** (same city, institution and
topic, its own text), and every outlet has two stories of its own.

    room = SyndicationNewsroom()
    with room.serve() as live:
        live.write_registry(tmp / "outlets.toml")      # NEWSCRAWL_OUTLETS_FILE
        live.articles("nr-echo"); room.story_of(url)   # "agency", "same-topic" or "own"

The edits are plain functions (``reorder_paragraphs``, ``drop_sentence``, ``add_sentence``,
``attribution_prefix``, ``promote_lead``, …) that ``bench/dedup.py`` uses to generate its
labelled rewrites. Standard library only; never imports newscrawl.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime

from .model import REFERENCE, ExpectedArticle, OutletInfo
from .prose import Fill, ProseMaker, lower_first, slugify
from .registry import dump_registry
from .server import RunningNewsroom
from .sites import Response, Site, e, html_response, pl_datetime, rss, text_response, urlset

SYNDICATION_OUTLETS: dict[str, OutletInfo] = {
    "nr-wiesci": OutletInfo("nr-wiesci", "Wieści Mazowieckie", "127.0.0.21"),
    "nr-echo": OutletInfo("nr-echo", "Echo Podlasia", "127.0.0.22"),
    "nr-glos": OutletInfo("nr-glos", "Głos Pomorza", "127.0.0.23"),
}
ATTRIBUTION_PREFIXES = ("Jak podaje PAP, ", "Jak poinformowała Polska Agencja Prasowa, ",
                        "Jak przekazała agencja PAP, ", "Według informacji PAP ")
_SENTENCE = re.compile(r"(?<=[.!?”])\s+(?=[A-ZĄĆĘŁŃÓŚŹŻ„])")


# ---------------------------------------------------------------- edits (pure)
def split_sentences(paragraph: str) -> list[str]:
    return _SENTENCE.split(paragraph)


def reorder_paragraphs(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Two neighbouring paragraphs swapped (not the first: outlets keep the opening)."""
    out = list(paragraphs)
    if len(out) >= 3:
        i = rng.randrange(1, len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    return out


def drop_paragraph(paragraphs: list[str], rng: random.Random) -> list[str]:
    """The shortest paragraph after the first one cut."""
    if len(paragraphs) < 3:
        return list(paragraphs)
    victim = min(range(1, len(paragraphs)), key=lambda i: (len(paragraphs[i]), rng.random()))
    return [p for i, p in enumerate(paragraphs) if i != victim]


def drop_sentence(paragraphs: list[str], rng: random.Random) -> list[str]:
    """One sentence of a paragraph with several sentences removed."""
    choices = [i for i, p in enumerate(paragraphs) if len(split_sentences(p)) > 1]
    if not choices:
        return list(paragraphs)
    i = rng.choice(choices)
    sentences = split_sentences(paragraphs[i])
    del sentences[rng.randrange(len(sentences))]
    return paragraphs[:i] + [" ".join(sentences)] + paragraphs[i + 1 :]


def add_sentence(paragraphs: list[str], sentence: str, rng: random.Random) -> list[str]:
    """``sentence`` appended to one paragraph."""
    i = rng.randrange(len(paragraphs))
    return paragraphs[:i] + [f"{paragraphs[i]} {sentence}"] + paragraphs[i + 1 :]


def attribution_prefix(paragraphs: list[str], prefix: str) -> list[str]:
    """The first paragraph behind an attribution ("Jak podaje PAP, …")."""
    return [prefix + lower_first(paragraphs[0])] + list(paragraphs[1:])


def promote_lead(lead: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    """No standfirst: the lead becomes the first paragraph of the body."""
    return "", [lead] + list(paragraphs)


# ---------------------------------------------------------------- the newsroom
@dataclass
class SyndicatedArt:
    outlet: str
    aid: int
    title: str
    lead: str
    paragraphs: list[str]
    published: datetime
    authors: list[str]
    attribution: str          # a line after the body: "Źródło: PAP", "(PAP)" or ""
    story: str                # "agency", "same-topic" or "own"
    tags: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/wiadomosci/{slugify(self.title)}-{self.aid}.html"

    def expected(self, base: str) -> ExpectedArticle:
        credits = ("PAP",) if self.attribution else ()
        return ExpectedArticle(url=base + self.path, outlet=self.outlet, title=self.title, lead=self.lead,
                               paragraphs=tuple(self.paragraphs), published_at=self.published, modified_at=None,
                               authors=tuple(self.authors), tags=(), section="", credits=credits, charset="utf-8")


class SyndicationNewsroom:
    """The three syndicating outlets (same interface as ``Newsroom`` for serving them)."""

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.outlet_keys: list[str] = list(SYNDICATION_OUTLETS)
        self.infos = SYNDICATION_OUTLETS
        self.crawl_delay = 0.0
        self._arts = self._generate(random.Random(f"syndication:{seed}"))
        self.sites = {key: SyndicationSite(self, key) for key in self.outlet_keys}

    def arts(self, outlet: str) -> list[SyndicatedArt]:
        return self._arts[outlet]

    def default_base_url(self, outlet: str) -> str:
        return f"http://{self.infos[outlet].ip}"

    def articles(self, outlet: str, base_url: str | None = None) -> list[ExpectedArticle]:
        base = (base_url or self.default_base_url(outlet)).rstrip("/")
        return [a.expected(base) for a in self._arts[outlet]]

    def all_articles(self, base_urls: dict[str, str] | None = None) -> list[ExpectedArticle]:
        base_urls = base_urls or {}
        return [a for key in self.outlet_keys for a in self.articles(key, base_urls.get(key))]

    def story_of(self, url: str) -> str:
        """"agency", "same-topic" or "own" for an article URL (any base)."""
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1]
        return next(a.story for arts in self._arts.values() for a in arts if a.path == path)

    def render(self, outlet: str, path_with_query: str, base_url: str | None = None) -> Response:
        return self.sites[outlet].respond(path_with_query, (base_url or self.default_base_url(outlet)).rstrip("/"))

    def registry_entries(self, bases: dict[str, str]) -> dict[str, dict]:
        entries = {}
        for key in self.outlet_keys:
            b = bases[key].rstrip("/")
            host = b.split("://", 1)[1].split(":")[0]
            entries[key] = dict(
                name=self.infos[key].name, domains=[host], home=f"{b}/", feeds=[f"{b}/rss.xml"],
                sitemaps=[f"{b}/sitemap.xml"], robots_sitemaps=False, sections=[],
                article_patterns=[r"^https?://[^/]+/wiadomosci/[a-z0-9-]+-\d+\.html$"], deny_patterns=[],
                boilerplate=[], language="pl", verified="newsroom", notes="offline newsroom fixture (syndication)")
        return entries

    def serve(self, port: int = 0) -> RunningSyndication:
        return RunningSyndication(self, port=port)

    # ------------------------------------------------------------ generation
    def _generate(self, rng: random.Random) -> dict[str, list[SyndicatedArt]]:
        pm = ProseMaker(rng)
        seen: set[str] = set()
        ctx = pm.story("domestic")
        headlines: dict[str, str] = {}  # three headlines that start differently
        while len(headlines) < 3:
            title = pm.title(ctx)
            headlines.setdefault(title.split()[0], title)
        agency_title, echo_title, glos_title = headlines.values()
        lead = pm.lead_sentence(ctx) + "."
        paragraphs = pm.paragraphs(ctx, 10, seen)
        added = pm.paragraphs(ctx, 1, seen)[0]
        sent = REFERENCE - timedelta(days=3, hours=14, minutes=20)
        agency = [pm.journalist()]

        echo_body = drop_paragraph(reorder_paragraphs(paragraphs, rng), rng)
        glos_lead, glos_body = promote_lead(lead, paragraphs)
        glos_body = attribution_prefix(glos_body, ATTRIBUTION_PREFIXES[0]) + [added]

        same_topic = pm.story("domestic")
        for slot in ("C", "I", "T"):
            same_topic[slot] = ctx[slot]
        arts: dict[str, list[SyndicatedArt]] = {key: [] for key in self.outlet_keys}
        arts["nr-wiesci"].append(SyndicatedArt("nr-wiesci", 5101, agency_title, lead, paragraphs, sent, agency,
                                               "Źródło: PAP", "agency"))
        arts["nr-echo"].append(SyndicatedArt("nr-echo", 7301, echo_title, lead, echo_body,
                                             sent + timedelta(minutes=40), agency, "(PAP)", "agency"))
        arts["nr-glos"].append(SyndicatedArt("nr-glos", 9401, glos_title, glos_lead, glos_body,
                                             sent + timedelta(hours=2), [pm.journalist()], "", "agency"))
        arts["nr-echo"].append(self._own(pm, same_topic, seen, 7302, "nr-echo", sent + timedelta(hours=5), "same-topic"))
        for n, key in enumerate(self.outlet_keys):
            for k in range(2):
                pool = ("domestic", "world", "economy")[(n + k) % 3]
                published = REFERENCE - timedelta(days=1 + 4 * n + 9 * k, hours=rng.randint(1, 12))
                arts[key].append(self._own(pm, pm.story(pool), seen, 5200 + 1000 * n + k, key, published, "own"))
        for key in arts:
            arts[key].sort(key=lambda a: a.published, reverse=True)
        return arts

    @staticmethod
    def _own(pm: ProseMaker, ctx: Fill, seen: set[str], aid: int, outlet: str, published: datetime,
             story: str) -> SyndicatedArt:
        return SyndicatedArt(outlet, aid, pm.title(ctx), pm.lead_sentence(ctx) + ".", pm.paragraphs(ctx, 7, seen),
                             published, [pm.journalist()], "", story)


class SyndicationSite(Site):
    """One plain news site: home, robots.txt, RSS, sitemap, article pages."""

    def __init__(self, room: SyndicationNewsroom, key: str):
        self.key = key
        super().__init__(room)  # type: ignore[arg-type]
        self.by_path = {a.path: a for a in self.arts}

    def route(self, path: str, query: dict, base: str) -> Response | None:
        name = self.info.name
        if path == "/":
            items = "".join(f'<li><a href="{a.path}">{e(a.title)}</a></li>' for a in self.arts)
            return self.page(name, "", f"<h1>Najnowsze</h1><ul>{items}</ul>")
        if path == "/robots.txt":
            return text_response(f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n", "text/plain; charset=utf-8")
        if path == "/rss.xml":
            items = [f"<item><title>{e(a.title)}</title><link>{base}{a.path}</link><guid>{base}{a.path}</guid>"
                     f"<pubDate>{format_datetime(a.published)}</pubDate></item>" for a in self.arts]
            return text_response(rss(name, f"{base}/", name, items, f"{base}/rss.xml"),
                                 "application/rss+xml; charset=utf-8")
        if path == "/sitemap.xml":
            return text_response(urlset([(base + a.path, a.published.isoformat()) for a in self.arts]),
                                 "application/xml")
        art = self.by_path.get(path)
        return self.article(art, base) if art else None

    def page(self, title: str, head: str, main: str) -> Response:
        name = self.info.name
        return html_response(f"""<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<title>{e(title)}</title>
{head}</head>
<body>
<header><a href="/">{e(name)}</a></header>
<main>
{main}
</main>
<footer><p>© 2026 {e(name)}. Wszelkie prawa zastrzeżone.</p></footer>
</body>
</html>
""")

    def article(self, a: SyndicatedArt, base: str) -> Response:
        url = base + a.path
        description = f'<meta name="description" content="{e(a.lead)}">\n' if a.lead else ""
        head = (f'<link rel="canonical" href="{url}">\n{description}<meta name="author" content="{e(a.authors[0])}">\n'
                f'<meta property="og:type" content="article">\n<meta property="og:title" content="{e(a.title)}">\n'
                f'<meta property="article:published_time" content="{a.published.isoformat()}">\n')
        lead = f'<p class="lead">{e(a.lead)}</p>\n' if a.lead else ""
        body = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs + ([a.attribution] if a.attribution else []))
        main = (f'<article>\n<h1>{e(a.title)}</h1>\n<p class="meta">{e(a.authors[0])}, <time datetime="'
                f'{a.published.isoformat()}">{pl_datetime(a.published)}</time></p>\n{lead}'
                f'<div class="body">\n{body}\n</div>\n</article>')
        return self.page(f"{a.title} – {self.info.name}", head, main)


class RunningSyndication(RunningNewsroom):
    """The syndicating outlets served on loopback; the registry lists them."""

    def registry_toml(self) -> str:
        header = "# Outlet registry for the live syndication newsroom (generated by tests/newsroom; do not edit).\n\n"
        return header + dump_registry(self.room.registry_entries(self.base_urls))  # type: ignore[attr-defined]
