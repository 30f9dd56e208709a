"""Every boilerplate rule: the text it must remove, and a near miss it must keep."""

from __future__ import annotations

import pytest

from newscrawl.text.boilerplate import is_credit_line, strip_boilerplate
from newscrawl.text.dedup import dedup_lead_and_paragraphs, strip_attribution
from newscrawl.text.fingerprint import LearnedBoilerplate, LearnedBoilerplatePolicy, paragraph_fingerprint
from newscrawl.text.normalize import normalize_paragraph

STORY = (
    "Rzecznik Departamentu Stanu USA Ned Price powiedział, że Ławrow i Blinken spotkają się "
    "po spotkaniu Rady Arktycznej, regionalnego ugrupowania ośmiu państw."
)
STORY_2 = "Pomysł szczytu został zgłoszony przez Biały Dom w zeszłym miesiącu, ale nadal nie został potwierdzony."


def clean(*paragraphs: str, **kwargs):
    return strip_boilerplate([STORY, *paragraphs, STORY_2], **kwargs)


REMOVED = [
    ("donation_appeal", "Pilnujemy wspólnych spraw Zależymy od Twojego wsparcia Wspieram Kresy.pl"),
    ("donation_appeal", "Wesprzyj nas! Przekaż darowiznę"),
    ("donation_appeal", "Zostań subskrybentem"),
    ("related_links", "Czytaj także: Putin i Biden rozmawiali przez telefon"),
    ("related_links", "Zobacz też » Kreml: stabilność strategiczna najważniejsza"),
    ("related_links", "CZYTAJ WIĘCEJ"),
    ("related_links", "Polecamy: Nowy sondaż partyjny"),
    ("advertising_marker", "REKLAMA"),
    ("advertising_marker", "Artykuł sponsorowany"),
    ("advertising_marker", "Dalsza część artykułu pod materiałem wideo"),
    ("newsletter_social_prompt", "Zapisz się do newslettera"),
    ("newsletter_social_prompt", "Obserwuj nas na Facebooku i X"),
    ("newsletter_social_prompt", "Udostępnij"),
    ("comment_prompt", "Skomentuj"),
    ("comment_prompt", "Komentarze (12)"),
    ("cookie_notice", "Ta strona używa plików cookies. Korzystając ze strony wyrażasz zgodę na ich używanie zgodnie z ustawieniami przeglądarki."),
    ("navigation", "Wersja do druku | Wróć do działu Region"),
    ("navigation", "Strona główna | Region | Kraj | Kultura"),
    ("date_line", "Opublikowano: 25.11.2026, 21:36"),
    ("date_line", "Piątek, 27 listopada 2026"),
    ("copyright_notice", "Copyright © 2002-2026 Gazeta Podhalańska. Wszelkie prawa zastrzeżone."),
    ("media_credit", "Fot. PAP/Leszek Szymański"),
    ("media_credit", "Wideo: TVN24"),
    ("author_line", "Autor: Wiktoria Piotrowska"),
    ("source_line", "Źródło: PAP"),
    ("agency_signature", "ako/ mok/"),
    ("agency_signature", "(PAP)"),
]


@pytest.mark.parametrize("rule,paragraph", REMOVED)
def test_rule_removes_its_boilerplate(rule, paragraph):
    result = clean(paragraph)
    assert result.paragraphs == [STORY, STORY_2]
    assert [r.rule for r in result.removed] == [rule]
    assert result.removed[0].text == paragraph


KEPT = [
    # A sentence of the story that mentions the same words stays.
    "„Zależymy od wsparcia sojuszników, bez niego nie utrzymamy frontu” – powiedział minister obrony.",
    "Rząd zapowiedział, że wspieram-y… nie, że wesprze rolników kwotą 2 mld zł, co ma pomóc w przetrwaniu zimy.",
    "Czytaj także dokumenty źródłowe, radził uczniom profesor, bo podręcznik nie mówi wszystkiego.",
    "Polecamy zabrać parasole, bo według synoptyków w weekend będzie padać w całym kraju.",
    "Zobacz też, jak zmieniały się ceny mieszkań w ostatniej dekadzie – mówi analityk rynku.",
    "Reklama leków bez recepty będzie ograniczona, zapowiedziało ministerstwo zdrowia.",
    "Użytkownicy mogą odrzucić pliki cookies, a UODO zapowiedział kontrole w serwisach, które tego nie umożliwiają.",
    "Fotografia przedstawia premiera podczas wizyty w Kijowie w 2022 roku.",
    "Autor raportu, prof. Jan Nowak, ostrzega: „Sytuacja jest poważna, a czasu mało”.",
    "Źródło problemu leży w przepisach z 2015 roku – twierdzi ekspert.",
    "Komentarze polityków opozycji były jednoznacznie krytyczne wobec tej decyzji rządu.",
    "Zapisz się – apelował burmistrz do mieszkańców, zachęcając do udziału w spisie powszechnym.",
    "Tak/Nie",
    "Facebook",
    "Więcej informacji – zapowiedział rzecznik – przekażemy po posiedzeniu rządu.",
    "Polecamy – mówi szef kuchni – zupę ogórkową z koperkiem.",
    "Kierowcy muszą zwolnić do 50 km/h, a ciężarówki i/lub autobusy mają zakaz wjazdu.",
    "Prezes NBP Adam Glapiński poinformował, że stopy procentowe pozostaną bez zmian do końca roku.",
]


@pytest.mark.parametrize("paragraph", KEPT)
def test_near_miss_is_kept(paragraph):
    result = clean(paragraph)
    assert result.paragraphs == [STORY, paragraph, STORY_2], result.removed
    assert result.removed == []


def test_outlet_phrases_from_the_registry_remove_the_box_but_not_a_quote():
    phrases = ("Pilnujemy wspólnych spraw", "Zależymy od Twojego wsparcia", "Wspieram Kresy.pl")
    result = clean("Pilnujemy wspólnych spraw", "Zależymy od Twojego wsparcia", "Wspieram Kresy.pl",
                   "Mówił: „Pilnujemy wspólnych spraw regionu, bo nikt inny tego za nas nie zrobi”.",
                   outlet_phrases=phrases)
    assert [r.rule for r in result.removed] == ["outlet_phrase"] * 3
    assert "Mówił: „Pilnujemy wspólnych spraw regionu, bo nikt inny tego za nas nie zrobi”." in result.paragraphs


def test_credit_line_at_the_end_moves_to_credits():
    result = strip_boilerplate([STORY, STORY_2, "Kresy.pl/Reuters"], site_names=("kresy.pl",))
    assert result.paragraphs == [STORY, STORY_2]
    assert result.credits == ["Kresy.pl/Reuters"]
    assert [r.rule for r in result.removed] == ["credit_line"]


@pytest.mark.parametrize("line", ["Tak/Nie", "Dziękuję.", "Koniec", "Warszawa/Kraków", "2:1"])
def test_credit_line_near_misses(line):
    assert not is_credit_line(line)
    result = strip_boilerplate([STORY, STORY_2, line])
    assert result.paragraphs[-1] == line


def test_signature_glued_to_the_last_sentence_is_cut_and_credited():
    result = strip_boilerplate([STORY, STORY_2 + " hlo/ owz/", "Źródło: PAP"])
    assert result.paragraphs == [STORY, STORY_2]
    assert result.credits == ["hlo/ owz/", "PAP"]
    result = strip_boilerplate([STORY, STORY_2 + " (PAP)"])
    assert result.paragraphs == [STORY, STORY_2] and result.credits == ["PAP"]


def test_author_line_becomes_authors():
    result = strip_boilerplate([STORY, "Autor: Jan Kowalski i Anna Nowak", STORY_2])
    assert result.authors == ["Jan Kowalski", "Anna Nowak"]
    assert result.paragraphs == [STORY, STORY_2]


def test_related_links_list_under_a_bare_heading():
    result = strip_boilerplate([STORY, STORY_2, "Czytaj więcej:", "» Pierwszy tytuł artykułu", "» Drugi tytuł"])
    assert result.paragraphs == [STORY, STORY_2]
    # Without the heading, a paragraph opening with a guillemet is a quotation and stays.
    quoted = "» To nie jest koniec naszej pracy « – mówił prezes."
    assert strip_boilerplate([STORY, quoted, STORY_2]).paragraphs == [STORY, quoted, STORY_2]


def test_paywall_prompt_is_removed_and_flagged():
    result = strip_boilerplate([STORY, STORY_2, "Pozostało 80% artykułu. Zostań subskrybentem"])
    assert result.paragraphs == [STORY, STORY_2]
    assert result.paywalled
    assert not strip_boilerplate([STORY, "Pozostało jeszcze wiele do zrobienia w sprawie reformy sądów, uważa rzecznik."]).paywalled


def test_title_repeated_as_the_first_paragraph_is_dropped():
    result = strip_boilerplate(["Blinken i Ławrow spotkają się", STORY], title="Blinken i Ławrow spotkają się")
    assert result.paragraphs == [STORY]


def test_learned_boilerplate_removes_a_known_paragraph_only():
    box = "Dołącz do grona naszych czytelników już dziś"
    result = strip_boilerplate([STORY, box, STORY_2], learned=frozenset({paragraph_fingerprint(box)}))
    assert result.paragraphs == [STORY, STORY_2]
    assert [r.rule for r in result.removed] == ["learned_boilerplate"]


def test_learned_boilerplate_needs_many_different_articles():
    learner = LearnedBoilerplate(LearnedBoilerplatePolicy(min_articles=3, max_chars=300))
    box = "Dołącz do grona naszych czytelników już dziś"
    for _ in range(5):  # the same article seen again does not count
        learner.observe("o", "http://o/1", [box, STORY])
    assert learner.known("o") == frozenset()
    learner.observe("o", "http://o/2", [box])
    newly = learner.observe("o", "http://o/3", [box])
    assert newly == {paragraph_fingerprint(box)}
    assert learner.known("other") == frozenset()
    # Long paragraphs are never counted (syndicated story text, not boilerplate).
    long_paragraph = STORY * 3
    for n in range(5):
        learner.observe("o", f"http://o/{n}", [long_paragraph])
    assert paragraph_fingerprint(long_paragraph) not in learner.known("o")


def test_fingerprint_ignores_case_digits_and_spacing():
    assert paragraph_fingerprint("Pogoda: Zakopane -3°C") == paragraph_fingerprint("pogoda:  zakopane 5°C")
    assert paragraph_fingerprint("Pogoda: Zakopane") != paragraph_fingerprint("Pogoda: Kraków")


# --- lead and paragraph dedup -------------------------------------------------------------

LEAD = ("Sekretarz stanu USA Antony Blinken i minister spraw zagranicznych Rosji Siergiej Ławrow mają "
        "w środę wieczorem przeprowadzić rozmowy przed ewentualnym szczytem prezydenckim w czerwcu "
        "– poinformowała agencja prasowa Reuters.")
REPEAT = ("Jak poinformowała agencja prasowa Reuters, sekretarz stanu USA Antony Blinken i minister spraw "
          "zagranicznych Rosji Siergiej Ławrow mają w środę wieczorem przeprowadzić rozmowy przed "
          "ewentualnym szczytem prezydenckim w czerwcu.")


@pytest.mark.parametrize("prefix", [
    "Jak poinformowała agencja prasowa Reuters, ", "Jak podaje PAP, ", "Jak poinformował Urząd Miasta, ",
    "Według Reutersa, ", "",
])
def test_lead_repeated_behind_an_attribution_is_kept_once(prefix):
    body = prefix + "sekretarz stanu USA Antony Blinken i minister spraw zagranicznych Rosji Siergiej Ławrow mają w środę wieczorem przeprowadzić rozmowy przed ewentualnym szczytem prezydenckim w czerwcu."
    result = dedup_lead_and_paragraphs(LEAD, [body, STORY, STORY_2])
    assert result.lead == LEAD
    assert result.paragraphs == [STORY, STORY_2]
    assert [r.rule for r in result.removed] == ["lead_repeat"]


def test_more_complete_body_version_of_the_lead_wins():
    longer = REPEAT[:-1] + ", a rozmowy mają dotyczyć także kontroli zbrojeń i sytuacji na Ukrainie."
    short_lead = "Blinken i Ławrow mają w środę wieczorem przeprowadzić rozmowy przed ewentualnym szczytem prezydenckim w czerwcu."
    result = dedup_lead_and_paragraphs(short_lead, [longer, STORY])
    assert result.lead == longer
    assert result.paragraphs == [STORY]


def test_repeated_paragraph_keeps_the_more_complete_version_in_place():
    longer = STORY + " Rozpoczęcie rozmów zaplanowano na godzinę 21:15."
    result = dedup_lead_and_paragraphs("", [STORY, STORY_2, longer])
    assert result.paragraphs == [longer, STORY_2]


def test_dedup_keeps_short_repeats_and_different_sentences_with_the_same_words():
    # Short lines (answers, live-blog times) legitimately repeat.
    result = dedup_lead_and_paragraphs("", ["12:30", STORY, "12:30", "Tak.", STORY_2, "Tak."])
    assert result.paragraphs == ["12:30", STORY, "12:30", "Tak.", STORY_2, "Tak."]
    # Same words, different sentence: not a duplicate.
    a = "Nie wiem, co się stało w nocy – powiedział świadek policjantom na miejscu zdarzenia."
    b = "Policjanci na miejscu zdarzenia powiedzieli, że nie wiedzą, co stało się w nocy ze świadkiem."
    assert dedup_lead_and_paragraphs("", [a, b]).paragraphs == [a, b]


def test_a_lead_that_is_not_repeated_leaves_the_body_alone():
    result = dedup_lead_and_paragraphs(LEAD, [STORY, STORY_2])
    assert result.paragraphs == [STORY, STORY_2] and result.removed == []


def test_strip_attribution():
    assert strip_attribution("Jak podaje PAP, rząd przyjął projekt.") == "rząd przyjął projekt."
    assert strip_attribution("Rząd przyjął projekt – podała Polska Agencja Prasowa.") == "Rząd przyjął projekt"
    assert strip_attribution("Jak to możliwe, że nikt nie wiedział?") == "Jak to możliwe, że nikt nie wiedział?"


# --- normalisation -----------------------------------------------------------------------

def test_normalisation_keeps_polish_quotes_and_drops_invisible_characters():
    raw = "„Cze\u015b\u0107”\u00a0–\u200b\u00a0po\u00adwie\u00addział&nbsp;minister &amp; wice\u2060minister\tdzi\u015b."
    assert normalize_paragraph(raw) == "„Cześć” – powiedział minister & wiceminister dziś."
    decomposed = "Z\u0307o\u0301\u0142w"  # Ż, ó as combining sequences
    assert normalize_paragraph(decomposed) == "Żółw"
