"""Deterministic Polish prose: people, places, topics and sentences filled from templates."""

from __future__ import annotations

import random

from . import lexicon as L

PLURAL_HEADS = {"rozmowy", "sankcje", "zmiany", "ceny", "kredyty", "prawa", "przygotowania", "poszukiwania"}


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


class Person:
    __slots__ = ("first", "surname", "name", "role", "role_cap", "la", "jego", "female")

    def __init__(self, first: str, surname: str, female: bool, role: str = ""):
        self.first, self.surname, self.female = first, surname, female
        self.name = f"{first} {surname}"
        self.role = role
        self.role_cap = cap(role)
        self.la = "a" if female else ""  # "powiedział{P.la}"
        self.jego = "jej" if female else "jego"


class Place:
    __slots__ = ("nom", "gen", "loc")

    def __init__(self, line: str):
        self.nom, self.gen, self.loc = line.split("|")


class Inst:
    __slots__ = ("nom", "gen", "acc", "la", "nom_cap")

    def __init__(self, line: str):
        self.nom, self.gen, self.acc, suffix = line.split("|")
        self.la = suffix[1:]  # "poinformował{I.la}" -> poinformował / poinformowała / poinformowało
        self.nom_cap = cap(self.nom)


class Topic:
    __slots__ = ("nom", "gen", "acc", "loc", "ins", "tag", "nom_cap", "moze")

    def __init__(self, line: str):
        self.nom, self.gen, self.acc, self.loc, self.ins, self.tag = line.split("|")
        self.nom_cap = cap(self.nom)
        self.moze = "mogą" if self.nom.split()[0] in PLURAL_HEADS else "może"


def _parse(table: dict[str, str], cls) -> dict[str, list]:
    return {k: [cls(line) for line in v.strip().splitlines()] for k, v in table.items()}


PLACES = _parse(L.PLACES, Place)
INSTS = _parse(L.INSTITUTIONS, Inst)
TOPICS = _parse(L.TOPICS, Topic)


def female_surname(s: str) -> str:
    for suffix in ("ski", "cki", "dzki"):
        if s.endswith(suffix):
            return s[:-1] + "a"
    return s


def _gen_pl_number(rng: random.Random, lo: int, hi: int) -> int:
    """A number that takes the genitive plural in Polish ("5 osób", "12 wniosków", "1200 osób")."""
    while True:
        n = rng.randint(lo, hi)
        if n == 1:
            continue
        if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
            continue
        return n


def _money(rng: random.Random) -> str:
    if rng.random() < 0.7:
        whole = rng.randint(2, 480)
        return f"{whole},{rng.randint(1, 9)} mln zł"
    return f"{rng.randint(1, 9)},{rng.randint(1, 9)} mld zł"


class Fill(dict):
    """A format mapping: story slots are stored, everything else is a fresh random filler."""

    def __init__(self, rng: random.Random, **slots):
        super().__init__(**slots)
        self.rng = rng

    def __missing__(self, key: str):
        r = self.rng
        if key == "n":
            return _gen_pl_number(r, 5, 48)
        if key == "n2":
            return _gen_pl_number(r, 5, 19)
        if key == "lata":
            return _gen_pl_number(r, 5, 30)
        if key == "nbig":
            return _gen_pl_number(r, 120, 9800)
        if key in ("kw", "kw_cap"):
            return _money(r)
        if key == "pr":
            return f"{r.randint(1, 68)},{r.randint(1, 9)} proc."
        if key == "day":
            return r.choice(L.WEEKDAYS_LOC)
        if key == "dzien":
            return f"{r.randint(1, 28)} {r.choice(L.MONTHS_GEN)}"
        if key == "godz":
            return f"{r.randint(8, 19)}:{r.choice(('00', '15', '30', '45'))}"
        if key == "rok":
            return r.randint(2027, 2032)
        if key == "miesiac_gen":
            return r.choice(L.MONTHS_GEN)
        if key == "miesiac_loc":
            return r.choice(L.MONTHS_LOC)
        if key == "eur":
            return f"4,{r.randint(18, 39)}"
        if key == "wiek":
            return r.choice(L.CENTURIES)
        if key == "trzy":
            return r.choice(L.COUNT_WORDS)
        if key == "event_gen":
            return r.choice(L.EVENTS_GEN)
        if key == "agency":
            return r.choice(L.AGENCIES_NEWS)
        if key == "short":
            return r.choice(L.SHORT_QUOTES)
        if key in ("quote", "quote_lc"):
            used = self.setdefault("_quotes", set())
            fresh = [q for q in L.QUOTES if q not in used] or list(L.QUOTES)
            q = r.choice(fresh)
            used.add(q)
            q = q.format_map(self)
            return lower_first(q) if key == "quote_lc" else q
        raise KeyError(key)


class ProseMaker:
    """Makes people and stories; one instance per outlet, driven by one seeded RNG."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    # ---- people
    def person(self, pool: str, foreign_ok: bool = False, podhale: bool = False) -> Person:
        r = self.rng
        if foreign_ok and r.random() < 0.45:
            first, surname, female = r.choice(L.FOREIGN_PEOPLE)
        else:
            female = r.random() < 0.45
            first = r.choice(L.FEMALE_FIRST if female else L.MALE_FIRST)
            surname = r.choice(L.PODHALE_SURNAMES if podhale and r.random() < 0.5 else L.SURNAMES)
            if female:
                surname = female_surname(surname)
        role_m, role_f = r.choice(L.ROLES[pool])
        return Person(first, surname, female, role_f if female else role_m)

    def journalist(self) -> str:
        r = self.rng
        female = r.random() < 0.5
        first = r.choice(L.FEMALE_FIRST if female else L.MALE_FIRST)
        surname = r.choice(L.SURNAMES)
        return f"{first} {female_surname(surname) if female else surname}"

    # ---- a story context
    def story(self, pool: str) -> Fill:
        r = self.rng
        places, insts, topics = PLACES[pool], INSTS[pool], TOPICS[pool]
        c, c2 = r.sample(places, 2)
        i, i2 = r.sample(insts, 2)
        foreign = pool == "world"
        podhale = pool in ("regional", "culture")
        return Fill(r, P=self.person(pool, foreign, podhale), Q=self.person(pool, foreign, podhale),
                    R=self.person(pool, False, podhale), C=c, C2=c2, I=i, I2=i2, T=r.choice(topics),
                    pool=pool)

    def title(self, ctx: Fill) -> str:
        t = self.rng.choice(L.TITLES).format_map(ctx)
        return cap(t)

    def lead_sentence(self, ctx: Fill) -> str:
        """One lead clause without the final period."""
        return cap(self.rng.choice(L.LEADS).format_map(ctx))

    def lead_tail(self, ctx: Fill) -> str:
        return self.rng.choice(L.LEAD_TAILS).format_map(ctx)

    def paragraphs(self, ctx: Fill, count: int, seen: set[str]) -> list[str]:
        r = self.rng
        pool_specific = L.POOL_SENTENCES.get(ctx["pool"], ())
        templates = list(L.GENERIC_SENTENCES) + list(pool_specific) * 2
        unused = templates[:]
        r.shuffle(unused)
        out: list[str] = []
        while len(out) < count:
            for _attempt in range(50):
                n_sent = r.choice((2, 2, 3, 3, 3, 4))
                sents = []
                for _ in range(n_sent):
                    if r.random() < 0.22:
                        tpl = r.choice(L.QUOTE_SENTENCES)
                    else:
                        if not unused:
                            unused = templates[:]
                            r.shuffle(unused)
                        tpl = unused.pop()
                    sent = tpl.format_map(ctx)
                    if sent.endswith(".."):
                        sent = sent[:-1]
                    sents.append(sent)
                para = " ".join(sents)
                if para not in seen and len(set(sents)) == len(sents):
                    break
            seen.add(para)
            out.append(para)
        return out

    def comment(self, ctx: Fill) -> tuple[str, str]:
        r = self.rng
        return r.choice(L.COMMENT_NICKS), r.choice(L.COMMENTS).format_map(ctx)

    def caption(self, ctx: Fill) -> str:
        return cap(self.rng.choice(L.CAPTIONS).format_map(ctx))


_TRANS = str.maketrans({"ą": "a", "ć": "c", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z",
                        "ż": "z", "Ą": "a", "Ć": "c", "Ę": "e", "Ł": "l", "Ń": "n", "Ó": "o", "Ś": "s",
                        "Ź": "z", "Ż": "z", "ā": "a", "ė": "e", "ū": "u", "ņ": "n", "š": "s", "é": "e",
                        "á": "a", "ó": "o"})


def slugify(text: str, max_len: int = 70) -> str:
    out = []
    prev_dash = True
    for ch in text.translate(_TRANS).lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            prev_dash = False
        elif not prev_dash:
            out.append("-")
            prev_dash = True
    slug = "".join(out).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "artykul"
