"""Boilerplate rules: each removes what it is for and keeps real article sentences."""

from __future__ import annotations

import pytest

from newswatch.article import Article
from newswatch.clean import RULES, Action, Rule, clean_article, clean_paragraphs, clean_text

LEDE = "Washington - Am Mittwoch kündigte der Präsident ein Investitionsprogramm an."
SECOND = "Die Opposition kritisierte die Pläne als unfinanzierbar und kündigte Widerstand an."
ALL_RULES = [(language, rule) for language, rules in RULES.items() for rule in rules]


def _rule_id(item: tuple[str, Rule]) -> str:
    return f"{item[0]}:{item[1].name}"


@pytest.mark.parametrize("language_rule", ALL_RULES, ids=[_rule_id(r) for r in ALL_RULES])
def test_rule_removes_its_examples(language_rule: tuple[str, Rule]) -> None:
    language, rule = language_rule
    assert rule.examples, f"rule {rule.name} has no example"
    for example in rule.examples:
        cleaned = clean_paragraphs([LEDE, SECOND, SECOND, example], language)
        if rule.action in (Action.STRIP, Action.REMOVE):
            assert cleaned[:3] == [LEDE, SECOND, SECOND]
            assert len(cleaned[3]) < len(example)
        else:
            assert cleaned == [LEDE, SECOND, SECOND], example


@pytest.mark.parametrize("language_rule", ALL_RULES, ids=[_rule_id(r) for r in ALL_RULES])
def test_rule_keeps_real_sentences(language_rule: tuple[str, Rule]) -> None:
    language, rule = language_rule
    assert rule.keeps, f"rule {rule.name} has no sentence it must keep"
    for sentence in rule.keeps:
        assert clean_paragraphs([sentence], language) == [sentence]


@pytest.mark.parametrize("language_rule", ALL_RULES, ids=[_rule_id(r) for r in ALL_RULES])
def test_rule_matches_lowered_text_as_its_case_insensitive_pattern_does(
    language_rule: tuple[str, Rule],
) -> None:
    """The fast path (pattern without IGNORECASE on ``str.lower()``) decides like the
    pattern itself, in any capitalisation."""
    _, rule = language_rule
    assert rule.folded is not None, f"rule {rule.name} has an upper-case literal"
    for text in (*rule.examples, *rule.keeps):
        for variant in (text, text.upper(), text.title()):
            expected = rule.compiled.search(variant) is not None
            assert rule.matches(variant, variant.lower()) is expected, variant


def test_rule_with_an_upper_case_literal_keeps_the_case_insensitive_path() -> None:
    rule = Rule("kicker", r"^Exklusiv\b", examples=("EXKLUSIV: Interview",))
    assert rule.folded is None
    assert rule.matches("EXKLUSIV: Interview", "exklusiv: interview")
    assert not rule.matches("Inklusive Interview", "inklusive interview")


def test_ad_blocker_wall_before_the_article_is_removed() -> None:
    text = "\n\n".join([
        "Bitte deaktivieren Sie Ihren Ad-Blocker",
        "Für die Finanzierung unseres journalistischen Angebots sind wir auf die Anzeigen "
        "unserer Werbepartner angewiesen.",
        "Lesen Sie wie gewohnt mit aktiviertem Ad-Blocker auf",
        "Jetzt für nur 0,99€ im ersten Monat testen",
        "Unbegrenzter Zugang zu allen Berichten und Exklusiv-Artikeln",
        "Jederzeit kündbar",
        "Sie haben das Produkt bereits gekauft und sehen dieses Banner trotzdem? Bitte "
        "aktualisieren Sie die Seite oder loggen sich aus und wieder ein.",
        LEDE,
        SECOND,
    ])
    assert clean_text(text, "de") == f"{LEDE}\n\n{SECOND}"


def test_english_paywall_teaser_is_removed() -> None:
    text = f"{LEDE}\n\nSubscribe to continue reading\n\nAlready a subscriber? Log in"
    assert clean_text(text, "en") == LEDE


def test_consent_box_is_removed() -> None:
    consent = ("Wir verwenden Cookies und ähnliche Technologien. Mit Ihrer Zustimmung "
               "verarbeiten wir Ihre Daten.")
    assert clean_text(f"{consent}\n\n{LEDE}", "de") == LEDE


def test_image_credit_paragraphs_are_removed() -> None:
    text = f"{LEDE}\n\nRubriklistenbild: © IMAGO/Leigh Vogel\n\nFoto: dpa\n\n© picture alliance"
    assert clean_text(text, "de") == LEDE


def test_trailing_credit_is_stripped_but_the_sentence_stays() -> None:
    text = "Die Ministerin besuchte am Montag die Baustelle. Foto: dpa/Kay Nietfeld"
    assert clean_text(text, "de") == "Die Ministerin besuchte am Montag die Baustelle."


def test_sentence_that_merely_mentions_a_photo_is_kept() -> None:
    text = ("Das Foto zeigt den Kanzler beim Besuch in Kiew. Bilder wie dieses gingen um die "
            "Welt, Foto-Agenturen verkauften sie tausendfach.")
    assert clean_text(text, "de") == text


def test_comment_counter_after_the_body_is_removed() -> None:
    assert clean_text(f"{LEDE}\n\nKommentare5548", "de") == LEDE


def test_read_also_and_newsletter_boxes_are_removed() -> None:
    text = "\n\n".join([
        LEDE,
        "Lesen Sie auch: Was die Zölle für deutsche Autobauer bedeuten",
        SECOND,
        "Abonnieren Sie unseren Politik-Newsletter",
    ])
    assert clean_text(text, "de") == f"{LEDE}\n\n{SECOND}"


def test_share_buttons_are_removed() -> None:
    assert clean_text(f"Teilen | Drucken | E-Mail\n\n{LEDE}", "de") == LEDE


def test_related_articles_block_at_the_end_is_cut() -> None:
    text = "\n\n".join([LEDE, SECOND, "Das könnte Sie auch interessieren",
                        "Trump droht Grönland", "Musk kauft Zeitung"])
    assert clean_text(text, "de") == f"{LEDE}\n\n{SECOND}"


def test_clean_article_cleans_the_teaser_too() -> None:
    article = Article(url="https://example.de/a", title="Titel",
                      teaser="Foto: dpa", body=LEDE)
    cleaned = clean_article(article)
    assert cleaned.teaser == ""
    assert cleaned.body == LEDE


def test_trailing_credit_is_stripped_when_lower_casing_changes_the_text_length() -> None:
    # "İ".lower() is two characters: the position of the credit is then read on the original
    paragraph = "Der Gipfel in İstanbul endete ohne Einigung. Foto: dpa/Kay Nietfeld"
    assert len(paragraph.lower()) != len(paragraph)
    assert clean_paragraphs([LEDE, paragraph], "de") == [
        LEDE, "Der Gipfel in İstanbul endete ohne Einigung."
    ]
