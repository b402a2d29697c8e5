"""MinHash signatures: syndicated copies look alike, different stories do not."""

from __future__ import annotations

from newswatch.stories.signature import (
    BANDS,
    NUM_PERM,
    band_keys,
    body_signature,
    estimated_similarity,
)

AGENCY = (
    "Die Bundesregierung will den Bau von Rechenzentren für künstliche Intelligenz mit zehn "
    "Milliarden Euro fördern. Das kündigte der Wirtschaftsminister am Dienstag in Berlin an. "
    "Deutschland müsse bei der KI-Infrastruktur aufholen, sagte er. Die ersten Standorte sollen "
    "in Hessen und Brandenburg entstehen, wo genug Strom aus erneuerbaren Quellen verfügbar sei. "
    "Branchenverbände begrüßten die Pläne, die Opposition nannte sie zu spät und zu klein. "
    "Bis 2030 sollen die Rechenzentren eine Leistung von einem Gigawatt erreichen."
)
# The same dpa story as another site prints it: own intro line, one sentence cut, credit line.
SYNDICATED = (
    "Berlin (dpa) - "
    + AGENCY.replace(
        " Branchenverbände begrüßten die Pläne, die Opposition nannte sie zu spät und zu klein.", ""
    )
    + " © dpa-infocom, dpa:250121-99-123456/2"
)
OTHER_STORY = (
    "Der Hamburger SV hat am Samstag gegen den 1. FC Köln verloren. Vor 57.000 Zuschauern im "
    "Volksparkstadion fiel das einzige Tor in der 88. Minute. Der Trainer sagte nach dem Spiel, "
    "seine Mannschaft habe zu wenig aus ihren Chancen gemacht. Am Mittwoch folgt das Pokalspiel."
)


def signature_of(text: str) -> tuple[int, ...]:
    signature = body_signature(text)
    assert signature is not None
    return signature


def test_signature_has_one_value_per_permutation_and_is_reproducible() -> None:
    signature = body_signature(AGENCY)
    assert signature is not None
    assert len(signature) == NUM_PERM
    assert body_signature(AGENCY) == signature


def test_case_and_punctuation_do_not_change_the_signature() -> None:
    assert body_signature(AGENCY.upper().replace(",", "")) == body_signature(AGENCY)


def test_text_without_words_has_no_signature() -> None:
    assert body_signature("") is None
    assert body_signature(" – … ") is None


def test_syndicated_copy_is_estimated_similar() -> None:
    similarity = estimated_similarity(signature_of(AGENCY), signature_of(SYNDICATED))
    assert similarity >= 0.6


def test_different_story_is_estimated_dissimilar() -> None:
    similarity = estimated_similarity(signature_of(AGENCY), signature_of(OTHER_STORY))
    assert similarity <= 0.1


def test_similar_bodies_share_a_band_key_and_different_ones_do_not() -> None:
    agency, syndicated, other = (
        band_keys(signature_of(text)) for text in (AGENCY, SYNDICATED, OTHER_STORY)
    )
    assert len(agency) == BANDS
    assert set(agency) & set(syndicated)
    assert not set(agency) & set(other)
