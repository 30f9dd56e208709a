"""Boilerplate phrase lists (data, not code): each rule in ``boilerplate.py`` reads one.

A phrase list is only ever used to remove a paragraph that consists (almost) entirely of
such phrases, or that *starts* with a marker followed by a separator — never a paragraph
that merely mentions a word like "wsparcie" or "czytaj" in a sentence.
Phrases are matched case-insensitively, on whole words.
"""

from __future__ import annotations

# Donation and subscription appeals ("Pilnujemy wspólnych spraw Zależymy od Twojego
# wsparcia Wspieram Kresy.pl").
DONATION_PHRASES: tuple[str, ...] = (
    "pilnujemy wspólnych spraw",
    "zależymy od twojego wsparcia",
    "zależymy od waszego wsparcia",
    "wspieram",
    "wesprzyj nas",
    "wesprzyj",
    "wspieraj",
    "wspomóż nas",
    "przekaż darowiznę",
    "wpłać darowiznę",
    "wpłać",
    "postaw nam kawę",
    "postaw kawę",
    "zostań patronem",
    "zostań patronką",
    "zostań darczyńcą",
    "wspieraj niezależne dziennikarstwo",
    "potrzebujemy twojego wsparcia",
    "twoje wsparcie ma znaczenie",
    "dziękujemy za wsparcie",
    "zostań subskrybentem",
    "wykup subskrypcję",
    "kup subskrypcję",
    "kup dostęp",
    "zaprenumeruj",
    "zamów prenumeratę",
    "wykup prenumeratę",
    "subskrybuj",
    "zapraszamy też do subskrypcji",
    "zapraszamy do subskrypcji",
    "patronite",
    "zrzutka",
)

# Newsletter and social-media prompts.
PROMPT_PHRASES: tuple[str, ...] = (
    "zapisz się do newslettera",
    "zapisz się na newsletter",
    "zapisz się",
    "newsletter",
    "podaj adres e-mail",
    "podaj swój adres e-mail",
    "twój adres e-mail",
    "obserwuj nas",
    "obserwuj nas na",
    "śledź nas",
    "śledź nas na",
    "polub nas",
    "polub nas na",
    "dołącz do nas",
    "dołącz do nas na",
    "udostępnij",
    "podziel się",
    "kopiuj link",
    "skopiuj link",
    "wyślij",
    "drukuj",
)

# Glue words allowed between phrases of a prompt ("Obserwuj nas na Facebooku i X"); they
# never make a paragraph boilerplate on their own.
FILLER_WORDS: tuple[str, ...] = (
    "i", "oraz", "na", "w", "we", "z", "do", "nas", "lub", "albo", "x", "e-mail", "email",
    "tutaj", "tu", "już", "dziś", "teraz",
    # Network names are glue too: "Facebook" alone (a list item of a story) stays.
    "facebooku", "facebook", "twitterze", "twitter", "instagramie", "instagram", "youtube",
    "telegramie", "telegram", "google", "news", "tiktoku", "tiktok", "linkedin", "whatsapp",
)

# Comment prompts ("Skomentuj", "Komentarze (12)").
COMMENT_PHRASES: tuple[str, ...] = (
    "skomentuj",
    "dodaj komentarz",
    "napisz komentarz",
    "pokaż komentarze",
    "zobacz komentarze",
    "komentarze",
    "komentarz",
    "zaloguj się",
    "aby dodać komentarz",
    "aby skomentować",
    "aby komentować",
    "bądź pierwszy",
    "skomentuj jako pierwszy",
    "regulamin",
    "regulamin komentarzy",
)

# A paragraph that *starts* with one of these markers followed by a separator (":", "»",
# "→", "–", ">>") or that is nothing but the marker is a related-links line.
RELATED_LINK_MARKERS: tuple[str, ...] = (
    "czytaj także",
    "czytaj też",
    "czytaj również",
    "czytaj więcej",
    "czytaj dalej",
    "czytaj",
    "przeczytaj także",
    "przeczytaj też",
    "przeczytaj również",
    "zobacz też",
    "zobacz także",
    "zobacz również",
    "zobacz",
    "sprawdź też",
    "sprawdź także",
    "sprawdź",
    "polecamy",
    "polecamy także",
    "polecamy również",
    "więcej na ten temat",
    "więcej informacji",
    "dowiedz się więcej",
    "powiązane",
    "powiązane artykuły",
    "najnowsze",
    "najczęściej czytane",
    "podobne artykuły",
    "warto przeczytać",
    "tylko u nas",
)

# Advertising markers: the whole paragraph is the marker.
AD_MARKERS: tuple[str, ...] = (
    "reklama",
    "advertisement",
    "ad",
    "artykuł sponsorowany",
    "materiał sponsorowany",
    "materiał partnera",
    "materiał promocyjny",
    "treść sponsorowana",
    "tekst sponsorowany",
    "artykuł partnerski",
    "materiał reklamowy",
    # other languages of the web (pages of any outlet carry them)
    "anzeige", "werbung", "publicidad", "publicité", "pubblicità", "sponsored", "sponsored content",
    "dalsza część artykułu pod materiałem wideo",
    "dalsza część artykułu pod reklamą",
    "dalszy ciąg artykułu poniżej",
    "dalsza część tekstu poniżej",
    "artykuł jest kontynuowany poniżej",
    "tekst dalej pod reklamą",
    "licencja na publikację",
    "materiał chroniony prawem autorskim",
)

# Cookie / RODO notice: starts with one of these and mentions cookies or RODO.
COOKIE_OPENERS: tuple[str, ...] = (
    "ta strona", "ten serwis", "nasz serwis", "serwis", "strona", "korzystamy", "używamy",
    "wykorzystujemy", "stosujemy", "my i nasi partnerzy", "nasi partnerzy", "w celu",
    "dbamy o twoją prywatność", "szanujemy twoją prywatność", "twoja prywatność",
    "klikając", "kontynuując", "akceptuję", "zgadzam się", "rodo",
)

# Media credits: a short paragraph starting with one of these (→ ``credits``).
MEDIA_CREDIT_MARKERS: tuple[str, ...] = (
    "fot.", "fot:", "foto:", "zdjęcie:", "zdjęcia:", "źródło zdjęcia:", "wideo:", "video:",
    "film:", "ilustracja:", "grafika:", "infografika:", "autor zdjęcia:", "autor zdjęć:",
    "photo:",
    # other languages of the web
    "photos:", "fotos:", "credit:", "credits:", "photo credit:", "image credit:", "(credit:", "(photo:",
    "(foto:", "bild:", "bilder:", "titelbild:", "beitragsbild:", "bildquelle:", "image:", "imagen:",
    "crédit photo :", "crédit photo:", "crédits photos :", "crédits photos:", "crédits :",
)

# News agencies and frequent source names, for signatures and credit lines.
AGENCIES: tuple[str, ...] = (
    "pap", "pap biznes", "pap mediaroom", "iar", "reuters", "afp", "ap", "dpa", "ansa", "efe",
    "tass", "ria", "ria novosti", "interfax", "ukrinform", "unian", "bbc", "cnn", "belta",
    "isbnews", "bloomberg", "xinhua", "kyodo", "rmf fm", "tvn24", "polsat news", "tvp info",
    "informacja własna", "inf. własna", "materiały prasowe", "agencja gazeta", "east news",
    "forum", "shutterstock", "getty images", "wikimedia commons", "twitter", "x", "facebook",
    "youtube", "telegram", "wp", "onet", "interia", "dziennik.pl", "rp.pl", "nexta",
)

# Lines that name the author(s): "Autor: Jan Kowalski" (→ ``authors``).
AUTHOR_LINE_LABELS: tuple[str, ...] = ("autor", "autorka", "autorzy", "tekst", "napisał", "napisała")
# Lines that name an editor or source: "Opracowanie: …", "Źródło: PAP" (→ ``credits``).
SOURCE_LINE_LABELS: tuple[str, ...] = (
    "źródło", "źródła", "źródło informacji", "opracowanie", "oprac.", "oprac", "redakcja",
    "współpraca", "na podst.", "na podstawie", "za", "tłumaczenie", "tłum.",
    "quelle", "quellen", "source", "sources", "fuente", "fuentes", "fonte",
)

# Paywall prompts at the end of a teaser: remove, and flag the record ``paywalled``.
PAYWALL_PHRASES: tuple[str, ...] = (
    "pozostało",
    "% artykułu",
    "artykułu do przeczytania",
    "dalsza część artykułu dostępna",
    "dalsza część artykułu jest dostępna",
    "pełna treść artykułu dostępna",
    "ten artykuł jest dostępny tylko",
    "artykuł dostępny tylko",
    "dostępny dla subskrybentów",
    "dostępne dla subskrybentów",
    "dla prenumeratorów",
    "tylko dla subskrybentów",
    "tylko dla prenumeratorów",
    "treść premium",
    "artykuł premium",
    "zaloguj się lub wykup",
    "wykup dostęp",
    "kup dostęp",
    "zostań subskrybentem",
    "masz już subskrypcję",
    "masz już konto",
    "zaloguj się",
)

# Attribution prefixes behind which a body paragraph repeats the lead:
# "Jak poinformowała agencja prasowa Reuters, …", "Jak podaje PAP, …",
# "Według Reutersa, …", "Jak poinformował Urząd Miasta, …".
ATTRIBUTION_VERBS: tuple[str, ...] = (
    "poinformował", "poinformowała", "poinformowało", "poinformowali", "poinformowały",
    "podaje", "podają", "podał", "podała", "podało", "podali",
    "informuje", "informują", "informował", "informowała",
    "przekazał", "przekazała", "przekazało", "przekazali",
    "donosi", "donoszą", "doniósł", "doniosła",
    "pisze", "piszą", "napisał", "napisała", "napisało",
    "relacjonuje", "relacjonował", "relacjonowała",
    "ogłosił", "ogłosiła", "ogłosiło", "ogłosili",
    "poinformowano", "przekazano", "podano", "wynika",
    "twierdzi", "twierdzą", "zapowiedział", "zapowiedziała",
    "oświadczył", "oświadczyła", "komunikuje", "zaznacza", "zaznaczył", "zaznaczyła",
    "reports", "reported", "said", "says", "according",
)

# Navigation and tool lines ("Wersja do druku | Wróć do działu Region").
NAVIGATION_PHRASES: tuple[str, ...] = (
    "strona główna", "wersja do druku", "drukuj", "wróć do działu", "wróć do", "powrót do",
    "powrót", "wróć", "następny artykuł", "poprzedni artykuł", "następny", "poprzedni",
    "przejdź do", "pomiń", "menu", "szukaj", "zaloguj", "wyloguj", "rejestracja",
    "mapa serwisu", "kontakt", "o nas", "redakcja", "reklama", "regulamin",
    "polityka prywatności", "archiwum", "rss", "powiększ tekst", "zmniejsz tekst",
    "rozmiar tekstu", "aa", "a", "udostępnij", "zgłoś błąd", "skomentuj", "słuchaj",
    "posłuchaj artykułu", "czas czytania", "min", "minut", "minuty",
)

# Labels of date lines ("Opublikowano: 25.11.2026, 21:36", "Piątek, 27 listopada 2026").
DATE_LINE_WORDS: tuple[str, ...] = (
    "opublikowano", "opublikowany", "publikacja", "data publikacji", "aktualizacja",
    "zaktualizowano", "aktualizacja", "data", "dodano", "godz", "r", "dnia", "dzisiaj", "dziś",
    "wczoraj", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela",
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
    "września", "października", "listopada", "grudnia", "am", "pm", "cet", "cest", "utc",
    "published", "updated",
    "aktualisiert", "veröffentlicht", "on", "last", "modified", "created", "at", "date", "datum",
)

# Copyright notices.
COPYRIGHT_MARKERS: tuple[str, ...] = ("copyright", "©", "(c)", "wszelkie prawa zastrzeżone", "all rights reserved")
