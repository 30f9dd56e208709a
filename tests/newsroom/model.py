"""The in-memory newsroom: outlets, their articles, and the clean record expected for each."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .prose import Fill, ProseMaker, cap, lower_first, slugify

WARSAW = timezone(timedelta(hours=1), "CET")  # every date in the window is CET (DST ended 2026-10-25)
REFERENCE = datetime(2026, 11, 27, 0, 0, tzinfo=WARSAW)
WINDOW_DAYS = 30
FEED_SIZE = 20


@dataclass(frozen=True)
class OutletInfo:
    key: str
    name: str
    ip: str


OUTLETS: dict[str, OutletInfo] = {
    "nr-kurier": OutletInfo("nr-kurier", "Kurier Nadwiślański", "127.0.0.11"),
    "nr-kresy": OutletInfo("nr-kresy", "Kresowy Portal", "127.0.0.12"),
    "nr-gazeta": OutletInfo("nr-gazeta", "Gazeta Podhalańska", "127.0.0.13"),
    "nr-zastrzezone": OutletInfo("nr-zastrzezone", "Dziennik Zastrzeżony", "127.0.0.14"),
}
ZASTRZEZONE_COUNT = 6


@dataclass(frozen=True)
class ExpectedArticle:
    url: str
    outlet: str
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    published_at: datetime
    modified_at: datetime | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    section: str
    credits: tuple[str, ...]
    charset: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_json(self) -> dict:
        return {
            "url": self.url, "outlet": self.outlet, "title": self.title, "lead": self.lead,
            "paragraphs": list(self.paragraphs), "text": self.text,
            "published_at": self.published_at.isoformat(),
            "modified_at": self.modified_at.isoformat() if self.modified_at else None,
            "authors": list(self.authors), "tags": list(self.tags), "section": self.section,
            "credits": list(self.credits), "charset": self.charset,
        }


@dataclass
class Art:
    """Internal article model (path-based, independent of the serving address)."""
    outlet: str
    idx: int
    aid: int
    slug: str
    section_key: str
    section: str
    path: str
    title: str
    lead: str
    paragraphs: list[str]
    published: datetime
    modified: datetime | None
    authors: list[str]
    tags: list[str]
    credits: list[str]
    charset: str
    ctx: Fill = field(repr=False)
    extra: dict = field(default_factory=dict, repr=False)

    def expected(self, base: str) -> ExpectedArticle:
        return ExpectedArticle(
            url=base + self.path, outlet=self.outlet, title=self.title, lead=self.lead,
            paragraphs=tuple(self.paragraphs), published_at=self.published, modified_at=self.modified,
            authors=tuple(self.authors), tags=tuple(self.tags), section=self.section,
            credits=tuple(self.credits), charset=self.charset)


def _dates(rng: random.Random, n: int) -> list[datetime]:
    """n publication times in the 30 days before REFERENCE, newest first, distinct minutes."""
    start = REFERENCE - timedelta(days=WINDOW_DAYS)
    used: set[int] = set()
    out = []
    while len(out) < n:
        day = rng.randrange(WINDOW_DAYS)
        minute = rng.randrange(6 * 60, 23 * 60 + 50)
        key = day * 1440 + minute
        if key in used and len(used) < WINDOW_DAYS * 1000:
            continue
        used.add(key)
        out.append(start + timedelta(days=day, minutes=minute))
    out.sort(reverse=True)
    return out


KURIER_SECTIONS = {"kraj": ("Kraj", "domestic"), "swiat": ("Świat", "world"), "gospodarka": ("Gospodarka", "economy")}
KURIER_SECTION_CYCLE = ("kraj", "swiat", "kraj", "gospodarka")
KURIER_GENERIC_TAG = {"kraj": "samorząd", "swiat": "dyplomacja", "gospodarka": "gospodarka"}

KRESY_CATS = {"polska": ("Polska", "domestic"), "swiat": ("Świat", "world"), "historia": ("Historia", "history")}
KRESY_CAT_CYCLE = ("swiat", "polska", "swiat", "historia", "polska")
KRESY_AGENCIES = {
    "Reuters": (("Jak poinformowała agencja prasowa Reuters, ", "Jak podaje agencja Reuters, "),
                "– poinformowała agencja prasowa Reuters"),
    "PAP": (("Jak podaje PAP, ", "Jak poinformował Urząd Miasta, ", "Jak przekazała Polska Agencja Prasowa, "),
            "– podała Polska Agencja Prasowa"),
    "TASS": (("Jak podała rosyjska agencja TASS, ", "Jak twierdzi agencja TASS, "), "– podała agencja TASS"),
    "Ukrinform": (("Jak informuje Ukrinform, ", "Jak podał portal Ukrinform, "), "– poinformował portal Ukrinform"),
}
KRESY_AGENCY_BY_CAT = {"polska": ("PAP", "PAP", "Reuters"), "swiat": ("Reuters", "TASS", "Ukrinform", "PAP"),
                       "historia": ("PAP", "Ukrinform")}

GAZETA_SECTIONS = {"region": ("Region", "regional"), "kraj": ("Kraj", "domestic"), "kultura": ("Kultura", "culture")}
GAZETA_SECTION_CYCLE = ("region", "kraj", "region", "kultura")
GAZETA_SOURCES = ("PAP", "PAP", "IAR")


def _initials(rng: random.Random) -> str:
    letters = "abcdefghijklmnoprstwz"
    return " ".join("".join(rng.choice(letters) for _ in range(3)) + "/" for _ in range(rng.choice((1, 2, 2))))


class Newsroom:
    """All outlets of the offline newsroom, generated deterministically from ``seed``."""

    def __init__(self, articles_per_outlet: int = 24, seed: int = 0, crawl_delay: float = 0.25):
        self.articles_per_outlet = articles_per_outlet
        self.seed = seed
        self.crawl_delay = crawl_delay
        self.outlet_keys: list[str] = list(OUTLETS)
        self.infos = OUTLETS
        self._seen: set[str] = set()
        self._arts: dict[str, list[Art]] = {}
        gen = {"nr-kurier": self._gen_kurier, "nr-kresy": self._gen_kresy,
               "nr-gazeta": self._gen_gazeta, "nr-zastrzezone": self._gen_zastrzezone}
        for key in self.outlet_keys:
            rng = random.Random(f"newsroom:{seed}:{key}")
            n = ZASTRZEZONE_COUNT if key == "nr-zastrzezone" else articles_per_outlet
            self._arts[key] = gen[key](rng, ProseMaker(rng), n)
        from .sites import make_sites  # late import: sites need the model classes
        self.sites = make_sites(self)
        self._expected_cache: dict[tuple[str, str], list[ExpectedArticle]] = {}

    # ------------------------------------------------------------ public API
    def default_base_url(self, outlet: str) -> str:
        return f"http://{self.infos[outlet].ip}"

    def arts(self, outlet: str) -> list[Art]:
        return self._arts[outlet]

    def articles(self, outlet: str, base_url: str | None = None) -> list[ExpectedArticle]:
        """Expected records, newest first. URLs use ``base_url`` (default ``http://<outlet ip>``)."""
        base = (base_url or self.default_base_url(outlet)).rstrip("/")
        cached = self._expected_cache.get((outlet, base))
        if cached is None:
            cached = [a.expected(base) for a in self._arts[outlet]]
            self._expected_cache[(outlet, base)] = cached
        return list(cached)

    def all_articles(self, base_urls: dict[str, str] | None = None) -> list[ExpectedArticle]:
        base_urls = base_urls or {}
        return [e for k in self.outlet_keys for e in self.articles(k, base_urls.get(k))]

    def render(self, outlet: str, path_with_query: str, base_url: str | None = None) -> tuple[int, dict[str, str], bytes]:
        """Render one response without a server: (status, headers, body)."""
        base = (base_url or self.default_base_url(outlet)).rstrip("/")
        return self.sites[outlet].respond(path_with_query, base)

    def page_bytes(self, article: ExpectedArticle) -> bytes:
        """The raw article page for an expected record (rendered at the record's own base URL)."""
        parts = urlsplit(article.url)
        status, _headers, body = self.render(article.outlet, parts.path, f"{parts.scheme}://{parts.netloc}")
        if status != 200:
            raise KeyError(article.url)
        return body

    def serve(self, port: int = 0, host_for: dict[str, str] | None = None):
        from .server import RunningNewsroom
        return RunningNewsroom(self, port=port, host_for=host_for)

    # ------------------------------------------------------------ generators
    def _unique_title(self, pm: ProseMaker, ctx: Fill, titles: set[str]) -> str:
        for _ in range(30):
            t = pm.title(ctx)
            if t not in titles:
                break
        titles.add(t)
        return t

    def _gen_kurier(self, rng: random.Random, pm: ProseMaker, n: int) -> list[Art]:
        dates = _dates(rng, n)
        arts, titles = [], set()
        aid = 4_100_000 + n * 10
        for idx in range(n):
            aid -= rng.randint(3, 9)
            sec = KURIER_SECTION_CYCLE[idx % 4]
            label, pool = KURIER_SECTIONS[sec]
            ctx = pm.story(pool)
            title = self._unique_title(pm, ctx, titles)
            slug = slugify(title)
            lead = pm.lead_sentence(ctx) + "."
            if rng.random() < 0.5:
                lead += " " + pm.lead_tail(ctx)
            n_par = rng.randint(5, 9)
            authors = [pm.journalist()] + ([pm.journalist()] if rng.random() < 0.2 else [])
            if len(authors) == 2 and authors[0] == authors[1]:
                authors.pop()
            tags = list(dict.fromkeys([ctx["C"].nom, ctx["T"].tag, KURIER_GENERIC_TAG[sec]]))
            pub = dates[idx]
            mod = pub + timedelta(minutes=rng.randint(12, 400)) if rng.random() < 0.35 else None
            if mod and mod >= REFERENCE:
                mod = None
            photographer = rng.choice(("Anna Nowak", "Piotr Wójcik", "Tomasz Krawczyk", "Ewa Mazur", "Jakub Sikora"))
            photo_credit = (f"Fot. {photographer} / Kurier Nadwiślański" if rng.random() < 0.7
                            else f"Fot. PAP/{photographer}")
            paragraphs = pm.paragraphs(ctx, n_par, self._seen)
            extra = dict(
                caption=pm.caption(ctx),
                photo_credit=photo_credit,
                comments=[pm.comment(ctx) for _ in range(rng.randint(2, 3))],
                czytaj_after=rng.randint(1, max(1, n_par // 2)),
                ad_after=rng.randint(max(2, n_par // 2), n_par - 1),
                link_city_para=rng.randrange(n_par),
                related_seed=rng.random(),
            )
            arts.append(Art("nr-kurier", idx, aid, slug, sec, label, f"/{sec}/{slug},{aid}.html", title,
                            lead, paragraphs, pub, mod, authors, tags, [photo_credit], "utf-8", ctx, extra))
        return arts

    def _gen_kresy(self, rng: random.Random, pm: ProseMaker, n: int) -> list[Art]:
        dates = _dates(rng, n)
        arts, titles, slugs = [], set(), set()
        for idx in range(n):
            cat = KRESY_CAT_CYCLE[idx % len(KRESY_CAT_CYCLE)]
            label, pool = KRESY_CATS[cat]
            ctx = pm.story(pool)
            title = self._unique_title(pm, ctx, titles)
            slug = base_slug = slugify(title)
            k = 2
            while slug in slugs:
                slug = f"{base_slug}-{k}"
                k += 1
            slugs.add(slug)
            agency = rng.choice(KRESY_AGENCY_BY_CAT[cat])
            prefixes, clause = KRESY_AGENCIES[agency]
            if cat != "polska":
                prefixes = tuple(p for p in prefixes if "Urząd Miasta" not in p)
            sentence = pm.lead_sentence(ctx)
            has_clause = rng.random() < 0.5
            lead = f"{sentence} {clause}." if has_clause else f"{sentence}."
            repeated = rng.choice(prefixes) + lower_first(sentence) + "." if idx % 5 != 4 else None
            n_par = rng.randint(6, 10)
            paragraphs = pm.paragraphs(ctx, n_par, self._seen)
            pub = dates[idx]
            mod = pub + timedelta(minutes=rng.randint(20, 900)) if rng.random() < 0.25 else None
            if mod and mod >= REFERENCE:
                mod = None
            extra = dict(
                agency=agency, repeated_lead=repeated, lead_style="strong" if rng.random() < 0.3 else "div",
                has_clause=has_clause, donation_after=max(2, n_par // 2 + rng.randint(-1, 1)),
                czytaj_after=rng.randint(1, 2), related_seed=rng.random(),
            )
            tags = list(dict.fromkeys([ctx["T"].tag, ctx["C"].nom]))
            arts.append(Art("nr-kresy", idx, 90_000 + n - idx, slug, cat, label, f"/wydarzenia/{cat}/{slug}/",
                            title, lead, paragraphs, pub, mod, [pm.journalist()], tags, [f"Kresy.pl/{agency}"],
                            "utf-8", ctx, extra))
        return arts

    def _gen_gazeta(self, rng: random.Random, pm: ProseMaker, n: int) -> list[Art]:
        dates = _dates(rng, n)
        arts, titles = [], set()
        aid = 20_000 + n * 3
        for idx in range(n):
            aid -= rng.randint(1, 3)
            sec = GAZETA_SECTION_CYCLE[idx % 4]
            label, pool = GAZETA_SECTIONS[sec]
            ctx = pm.story(pool)
            title = self._unique_title(pm, ctx, titles)
            slug = slugify(title, 50)
            lead = pm.lead_sentence(ctx) + "." if rng.random() < 0.8 else ""
            n_par = rng.randint(3, 7)
            paragraphs = pm.paragraphs(ctx, n_par, self._seen)
            source = rng.choice(GAZETA_SOURCES)
            if rng.random() < 0.5:
                signature = f"({source})"
                credits = [source]
            else:
                signature = _initials(rng)
                credits = [signature, source]
            extra = dict(source=source, signature=signature,
                         signature_inline=rng.random() < 0.5, related_seed=rng.random())
            charset = "iso-8859-2" if idx % 4 == 3 else "windows-1250"
            arts.append(Art("nr-gazeta", idx, aid, slug, sec, label, f"/artykul/{aid}-{slug}.html", title, lead,
                            paragraphs, dates[idx], None, [pm.journalist()], [], credits, charset, ctx, extra))
        return arts

    def _gen_zastrzezone(self, rng: random.Random, pm: ProseMaker, n: int) -> list[Art]:
        dates = _dates(rng, n)
        arts, titles = [], set()
        for idx in range(n):
            ctx = pm.story("domestic")
            title = self._unique_title(pm, ctx, titles)
            slug = slugify(title)
            aid = 700 + n - idx
            paragraphs = pm.paragraphs(ctx, rng.randint(4, 6), self._seen)
            arts.append(Art("nr-zastrzezone", idx, aid, slug, "aktualnosci", "Aktualności",
                            f"/teksty/{slug}-{aid}.html", title, pm.lead_sentence(ctx) + ".", paragraphs,
                            dates[idx], None, [pm.journalist()], [], [], "utf-8", ctx, {}))
        return arts


TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ref")


def strip_tracking(url: str) -> str:
    """Drop the fragment and tracking parameters (utm_*, fbclid, gclid, ...) from ``url``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


__all__ = ["ExpectedArticle", "Newsroom", "OUTLETS", "OutletInfo", "REFERENCE", "WARSAW", "strip_tracking",
           "cap"]
