"""Boilerplate rules as data: one list per language (plus rules for every language).

A rule looks at one paragraph of extracted text and either

- ``DROP``s the whole paragraph when its pattern matches and the paragraph is short enough to be
  boilerplate rather than prose (``max_chars``), or
- ``STRIP``s the matched text from the end of the paragraph (a trailing image credit; the
  pattern should end with ``$``), or
- ``CUT``s this paragraph and everything after it, when the pattern marks the start of the
  page's furniture ("Das könnte Sie auch interessieren") and it sits in the last part of the
  text, or
- ``REMOVE``s every match wherever it is in the paragraph (a bracketed "(Lesen Sie auch: …)"
  link inside a sentence); the pattern must delimit the span on both sides.

Every rule carries ``examples`` it must remove and ``keeps``: real article sentences it must leave
alone; tests run both. To extend: add a ``Rule`` to the list of its language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from newswatch.clean.prefilter import required_literals, starts_anchored


class Action(Enum):
    DROP = "drop"
    STRIP = "strip"
    CUT = "cut"
    REMOVE = "remove"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str
    action: Action = Action.DROP
    max_chars: int = 320
    examples: tuple[str, ...] = ()
    keeps: tuple[str, ...] = ()
    flags: int = re.IGNORECASE
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    #: The pattern for lower-cased text (``str.lower()``), compiled without IGNORECASE: Python's
    #: regex engine only skips ahead to where a literal can start when it matches
    #: case-sensitively, so this is 2-3 times faster. None when the rule is case-sensitive or
    #: its pattern has an upper-case literal (a lower-cased text could never match it).
    folded: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    #: Strings one of which every match of ``folded`` contains (see
    #: :mod:`newswatch.clean.prefilter`): a paragraph without any is not searched. None when
    #: there is no ``folded`` pattern, no such set, or the pattern is anchored at the start
    #: (the search then tries one position only, cheaper than the test).
    required: frozenset[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.pattern, self.flags))
        folded = None
        required = None
        if self.flags & re.IGNORECASE and not _has_upper_case_literal(self.pattern):
            flags = self.flags & ~re.IGNORECASE
            folded = re.compile(self.pattern, flags)
            if not starts_anchored(self.pattern, flags):
                required = required_literals(self.pattern, flags)
        object.__setattr__(self, "folded", folded)
        object.__setattr__(self, "required", required)

    def may_occur_in(self, lowered: str) -> bool:
        """False when ``lowered`` (a lower-cased text) lacks every string the pattern needs,
        so that it cannot match; True otherwise (a search must tell)."""
        required = self.required
        if required is None:
            return True
        for text in required:  # noqa: SIM110 (a loop: any() with a generator costs more)
            if text in lowered:
                return True
        return False

    def matches(self, paragraph: str, lowered: str) -> bool:
        """Whether the pattern occurs in ``paragraph``; ``lowered`` is ``paragraph.lower()``."""
        if self.folded is not None:
            return self.may_occur_in(lowered) and self.folded.search(lowered) is not None
        return self.compiled.search(paragraph) is not None


def _has_upper_case_literal(pattern: str) -> bool:
    """Whether ``pattern`` has an upper-case letter that is not an escape (``\\S``, ``\\W``);
    group names and ``\\N{…}`` count too, which only costs the faster path."""
    return any(char != char.lower() and (index == 0 or pattern[index - 1] != "\\")
               for index, char in enumerate(pattern))


_CREDIT_WORDS = (
    r"(?:fotos?|bild(?:er)?|titelbild|rubriklistenbild|symbolbild|symbolfoto|grafik|quelle"
    r"|photos?|images?|credits?|pictures?|bildquelle|fotocredit|copyright"
    r"|crédits?\s+photos?|créditos?)"
)

COMMON_RULES: list[Rule] = [
    Rule(
        "bracketed-read-also",
        r"\s*[(\[]\s*(?:lesen\s+sie\s+(?:auch|mehr|hier)|mehr\s+(?:dazu|zum\s+thema)"
        r"|auch\s+interessant|lesetipp|read\s+(?:more|also)|also\s+read)\b[^()\[\]]{0,200}[)\]]",
        action=Action.REMOVE,
        examples=("Die Verhandlungen dauern an (Lesen Sie auch: Bahnstreik legt Verkehr lahm).",
                  "Talks continue on Monday [Read more: How the Fed decides on rates] and on "
                  "Tuesday."),
        keeps=("Die Ministerin (sie hatte lange gezögert) lobte am Ende den Kompromiss.",
               "The study (see also the appendix) covers 1,204 households in three states."),
    ),
    Rule(
        "copyright-credit-paragraph",
        r"^(?:\(?\s*(?:©|\(c\)|copyright)\s*\)?\s*:?\s*)[^.!?]{0,80}$",
        examples=("© picture alliance / dpa", "© IMAGO/Leigh Vogel", "(c) Reuters"),
        keeps=("Copyright law was changed in 2019, the court said, and nobody noticed.",),
    ),
    Rule(
        "credit-label-paragraph",
        rf"^{_CREDIT_WORDS}\s*(?:\(\w+\))?\s*:\s*[^.!?]{{0,90}}$",
        max_chars=140,
        examples=("Rubriklistenbild: © IMAGO/Leigh Vogel", "Foto: dpa", "Photo: Getty Images",
                  "Crédits photos : Bestimage",
                  "Bild: picture alliance/dpa | Kay Nietfeld"),
        keeps=("Foto und Film spielen in der Ausstellung eine große Rolle.",),
    ),
    Rule(
        "trailing-credit",
        rf"(?<=[.!?“”\"'»«)])\s*(?:{_CREDIT_WORDS}\s*:\s*|©\s*)[^.!?©]{{1,90}}$",
        action=Action.STRIP,
        examples=("Die Kanzlerin spricht im Bundestag. Foto: dpa/Kay Nietfeld",
                  "The president spoke on Monday. © AFP"),
        keeps=("Sie zeigte uns ein Foto: ihre Mutter als junge Frau in Danzig.",),
    ),
    Rule(
        "share-buttons",
        r"^(?:(?:artikel\s+)?(?:teilen|share|tweet|drucken|print|e-?mail|whatsapp|facebook"
        r"|twitter|x|linkedin|pinterest|telegram|xing|reddit|flipboard|messenger|threads"
        r"|bluesky|mastodon|kopieren|link\s+kopieren|copy\s+link|merken|speichern|save"
        r"|(?:auf|on|via|per)\s+\w+(?:\s+(?:teilen|share))?|share\s+(?:on|via)\s+\w+"
        r"|kommentieren|feedback|vorlesen|listen)\s*[|·•,/]?\s*)+$",
        max_chars=200,
        examples=("Teilen", "Share on Facebook Share on Twitter", "Drucken | Teilen | E-Mail",
                  "Artikel teilen"),
        keeps=("Teilen ist für viele Familien in der Krise zur Notwendigkeit geworden.",),
    ),
    Rule(
        "navigation-labels",
        r"^(?:weiter(?:lesen)?|zurück(?:\s+zur\s+übersicht)?|nach\s+oben|bild(?:er)?\s+anzeigen"
        r"|mehr\s+(?:anzeigen|lesen|laden)|alle\s+anzeigen|(?:vorschau\s+auf\s+den\s+)?"
        r"(?:nächsten|vorherigen)\s+artikel|(?:nächster|vorheriger)\s+(?:artikel|beitrag)"
        r"|(?:next|previous|prev)\s+(?:article|post|story|page)|continue\s+reading|show\s+more"
        r"|load\s+more|back\s+to\s+top|view\s+(?:gallery|all))\s*[»›>.…]*$",
        max_chars=60,
        examples=("Weiter", "Bild anzeigen", "Vorschau auf den nächsten Artikel",
                  "Next article »", "Back to top", "Zurück zur Übersicht"),
        keeps=("Weiter geht es am Montag mit den Verhandlungen in Brüssel.",
               "Next article in the series will look at the costs of the new data centres."),
    ),
    Rule(
        "advertising-label",
        r"^\*?\s*(?:anzeige|werbung|advertisement|sponsored|publicidad|publicité)\b\s*[.:,|–-]"
        r"|enthält\s+(?:affiliate-?\s?links|werbung)|contains\s+affiliate\s+links",
        max_chars=200,
        examples=("Anzeige, enthält Affiliate Links",
                  "*Werbung. Dieser Beitrag enthält Werbung für eine Modemarke.",
                  "ANZEIGE - Heute mal ausgehen oder bestellen?"),
        keeps=("Werbung ist für viele Vereine die wichtigste Geldquelle, sagt ein Kassenwart.",),
    ),
    Rule(
        "read-also-other-languages",
        r"^(?:lea\s+también|le\s+puede\s+interesar|te\s+puede\s+interesar|vea\s+también"
        r"|lee\s+también|(?:à\s+)?lire\s+aussi|leggi\s+anche|leia\s+também|veja\s+também)"
        r"(?:\s*[:»>|–]|\s*$)",
        max_chars=260,
        examples=("Lea también: Impiden ingreso a reportero", "LE PUEDE INTERESAR",
                  "Lire aussi : Les enquêtes du mois"),
        keeps=("Lea también escribió sobre el caso, dijo el fiscal a la prensa local.",),
    ),
    Rule(
        "comment-counter",
        r"^(?:\d+\s*|keine\s+|no\s+)?(?:kommentare?|comments?|leserkommentare|reaktionen"
        r"|responses?|replies)"
        r"\s*:?\s*\(?\d*\)?(?:\s*weitere)?$",
        max_chars=40,
        examples=("Kommentare5548", "Kommentare", "5 Kommentare", "Comments (12)",
                  "Keine Kommentare"),
        keeps=("Kommentare in sozialen Netzwerken zeigen, wie gespalten das Land ist.",),
    ),
    Rule(
        "engagement-counter",
        r"^\d[\d.,\u202f\u00a0]*\s*(?:aufrufe|views|mal\s+gelesen|mal\s+geteilt|shares?"
        r"|likes?|gefällt\s+mir|reads|klicks?|clicks?)$",
        max_chars=40,
        examples=("12.345 Aufrufe", "1,204 views", "87 Mal geteilt", "15 Likes",
                  "3.402 Mal gelesen"),
        keeps=("12.345 Aufrufe hatte das Video schon nach einer Stunde, sagte die Sprecherin.",),
    ),
]

GERMAN_RULES: list[Rule] = [
    Rule(
        "adblock-wall",
        r"ad-?\s?blocker|werbeblocker|werbeblockierung|werbefrei\s+mit\s+aktiviertem",
        examples=(
            "Bitte deaktivieren Sie Ihren Ad-Blocker",
            "Klicken Sie oben rechts in Ihren Browser auf den Button Ihres Ad-Blockers und "
            "deaktivieren Sie die Werbeblockierung für . Danach können Sie gratis weiterlesen.",
            "Lesen Sie wie gewohnt mit aktiviertem Ad-Blocker auf",
        ),
        keeps=(
            "Studien zufolge nutzt inzwischen jeder dritte Internetnutzer in Deutschland einen "
            "Ad-Blocker, was Verlagen Millionen an Werbeeinnahmen kostet, wie der Branchenverband "
            "BDZV am Montag in Berlin mitteilte. Die Verlage wollen nun gemeinsam reagieren, um "
            "ihre Angebote zu finanzieren, und setzen dabei auf Abomodelle und neue Formate, die "
            "nach eigenen Angaben auf Leser mit und ohne Sperre zugeschnitten sind.",
        ),
        max_chars=220,
    ),
    Rule(
        "ad-financing-appeal",
        r"(?:finanzierung|finanzieren)\s+unsere[rs]?\s+(?:journalistischen\s+)?angebot"
        r"|auf\s+die\s+(?:anzeigen|werbung|einnahmen)\s+unserer\s+werbepartner",
        examples=("Für die Finanzierung unseres journalistischen Angebots sind wir auf die "
                  "Anzeigen unserer Werbepartner angewiesen.",),
        keeps=("Die Finanzierung des Projekts ist nach Angaben der Stadt gesichert.",),
    ),
    Rule(
        "subscription-offer",
        r"^(?:jetzt\s+)?(?:für\s+(?:nur\s+)?\d+[,.]\d{2}\s?€|\d+[,.]\d{2}\s?€\s+im\s+ersten)"
        r"|im\s+ersten\s+monat\s+(?:testen|lesen|für)|jederzeit\s+kündbar"
        r"|unbegrenzte[rn]?\s+zugang\s+zu\s+allen|jetzt\s+(?:abo|abonnement)\s+abschließen"
        r"|(?:jetzt|gratis|kostenlos)\s+(?:\d+\s+\w+\s+)?(?:testen|weiterlesen)$"
        r"|exklusiv\s+für\s+abonnent|nur\s+für\s+abonnent|um\s+diesen\s+artikel\s+(?:zu\s+lesen|"
        r"weiterzulesen)|mit\s+\w*\s?plus\s+weiterlesen|bereits\s+abonnent|sie\s+haben\s+bereits"
        r"\s+ein\s+(?:abo|abonnement|konto)",
        max_chars=260,
        examples=("Jetzt für nur 0,99€ im ersten Monat testen",
                  "Unbegrenzter Zugang zu allen Berichten und Exklusiv-Artikeln",
                  "Jederzeit kündbar", "Dieser Artikel ist exklusiv für Abonnenten.",
                  "Sie haben bereits ein Abo? Hier anmelden"),
        keeps=("Der Monat begann für die Händler mit Umsätzen von 0,99 Prozent über Vorjahr.",),
    ),
    Rule(
        "already-purchased",
        r"sie\s+haben\s+(?:das\s+produkt|ihr\s+abo\w*)\s+bereits\s+gekauft|bitte\s+aktualisieren\s+sie\s+die\s+"
        r"seite\s+oder\s+loggen",
        examples=("Sie haben das Produkt bereits gekauft und sehen dieses Banner trotzdem? Bitte "
                  "aktualisieren Sie die Seite oder loggen sich aus und wieder ein.",),
        keeps=("Viele Kunden hatten das Produkt bereits gekauft, als der Rückruf kam.",),
        max_chars=200,
    ),
    Rule(
        "consent-de",
        r"(?:wir\s+(?:verwenden|nutzen)|diese\s+(?:web)?seite\s+(?:verwendet|nutzt))\s+cookies"
        r"|externe[rn]?\s+inhalt|empfohlener\s+redaktioneller\s+inhalt|"
        r"einwilligung\s+(?:in|zur)\s+(?:die\s+)?(?:verarbeitung|datenverarbeitung|übermittlung)"
        r"|mit\s+ihrer\s+zustimmung|personenbezogene\s+daten\s+(?:an\s+)?drittanbieter"
        r"|datenschutzerklärung|cookie-?einstellungen|(?:alle\s+)?cookies\s+akzeptieren"
        r"|inhalte\s+(?:von\s+drittanbietern|aus\s+sozialen\s+netzwerken)\s+(?:anzeigen|"
        r"laden|aktivieren)",
        max_chars=450,
        examples=("Wir verwenden Cookies, um Ihnen ein optimales Webseiten-Erlebnis zu bieten.",
                  "An dieser Stelle finden Sie einen externen Inhalt von X, der den Artikel "
                  "ergänzt. Sie können ihn sich mit einem Klick anzeigen lassen.",
                  "Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden. "
                  "Damit können personenbezogene Daten an Drittanbieter übermittelt werden."),
        keeps=("Die Datenschutzbehörde prüft, ob die App Cookies ohne Zustimmung setzte, und "
               "verhängte im vergangenen Jahr bereits ein Bußgeld von 2,5 Millionen Euro gegen "
               "den Anbieter, der die Vorwürfe zurückweist und Widerspruch eingelegt hat. Das "
               "Verfahren läuft weiter, ein Urteil wird im Frühjahr erwartet, sagte eine "
               "Sprecherin. Verbraucherschützer begrüßten das Vorgehen, fordern aber strengere "
               "Regeln für alle Anbieter solcher Dienste in der gesamten Europäischen Union, "
               "nicht nur für große Konzerne.",),
    ),
    Rule(
        "consent-statement-de",
        r"(?:ich\s+bin\s+damit\s+einverstanden|willige\s+ich\b.{0,40}\bein\b).{0,600}"
        r"(?:jederzeit|für\s+die\s+zukunft).{0,80}widerruf",
        max_chars=700,
        examples=("Ich bin damit einverstanden, dass mir der Anbieter per E-Mail Informationen zu "
                  "seinen Angeboten sendet. Ich kann diese Einwilligung jederzeit mit Wirkung für "
                  "die Zukunft widerrufen.",),
        keeps=("Verbraucherschützer raten, genau zu lesen, bevor man klickt: Wer erklärt, er sei "
               "mit der Weitergabe seiner Daten einverstanden, kann das zwar jederzeit "
               "widerrufen, doch dann sind die Daten oft schon verkauft.",),
    ),
    Rule(
        "read-also",
        r"^(?:lesen\s+sie\s+(?:auch|mehr|hier)|auch\s+interessant|mehr\s+zum\s+thema"
        r"|weitere\s+(?:artikel|nachrichten|meldungen)|zum\s+weiterlesen|passend\s+zum\s+thema"
        r"|das\s+könnte\s+sie\s+(?:auch\s+)?interessieren|empfehlungen\s+der\s+redaktion"
        r"|mehr\s+(?:dazu|zu\s+diesem\s+thema)|lesetipp|lese-?empfehlung|unsere\s+empfehlung"
        r"|(?:auch\s+)?spannend|verwandte\s+artikel|themen\s+des\s+tages|schon\s+gelesen\??"
        r"|mehr\s+themen|weitere\s+themen|folgen\s+sie\s+uns\s+(?:auf|bei)\b.*)"
        r"(?:\s*[:»>|–]|\s*$)",
        max_chars=260,
        examples=("Lesen Sie auch: Trump plant neue Zölle gegen China",
                  "Mehr zum Thema", "Das könnte Sie auch interessieren", "Schon gelesen?",
                  "Mehr Themen:"),
        keeps=("Lesen Sie nur die Überschriften, sagt Müller, dann verstehen Sie nichts.",),
    ),
    Rule(
        "trailing-read-also",
        r"(?:^|\s)(?:lesen\s+sie\s+(?:auch|mehr)|auch\s+interessant|mehr\s+zum\s+thema|lesetipp)"
        r"\s*:\s*[^.!?:]{1,150}$",
        action=Action.STRIP,
        examples=("Die Verhandlungen dauern an. Lesen Sie auch: Trump plant neue Zölle",
                  "Grill 800 | 299,95 Euro Lesen Sie auch: Bahnstreik legt Verkehr lahm | Amazon"),
        keeps=("Sein Rat an alle Studenten: Lesen Sie mehr: Bücher, Zeitungen und Briefe.",),
    ),
    Rule(
        "related-cut-de",
        r"^(?:das\s+könnte\s+sie\s+(?:auch\s+)?interessieren|mehr\s+zum\s+thema|weitere\s+"
        r"artikel|empfehlungen\s+der\s+redaktion|verwandte\s+artikel|kommentare)\s*:?\s*$",
        action=Action.CUT,
        examples=("Das könnte Sie auch interessieren",),
        keeps=("Mehr zum Thema wusste auch der Minister nicht zu sagen, der am Abend abreiste.",),
    ),
    Rule(
        "newsletter-de",
        r"newsletter.{0,80}(?:abonnieren|anmelden|bestellen|registrieren|erhalten)|"
        r"(?:abonnieren|bestellen)\s+sie\s+(?:jetzt\s+)?(?:unseren|den)\s+\w*-?newsletter"
        r"|^(?:zum|unser)\s+newsletter",
        max_chars=300,
        examples=("Jetzt den kostenlosen Newsletter abonnieren und nichts verpassen!",
                  "Abonnieren Sie unseren Politik-Newsletter"),
        keeps=("Der Newsletter des Ministeriums erreichte nach eigenen Angaben 40.000 Leser, "
               "darunter viele Lehrerinnen und Lehrer aus dem ganzen Bundesland, und wurde "
               "deshalb zum Vorbild für andere Länder. Wer ihn abonnieren wollte, musste sich "
               "allerdings mit Klarnamen registrieren, was Datenschützer von Anfang an "
               "kritisierten und was das Ministerium inzwischen geändert hat.",),
    ),
    Rule(
        "network-note",
        r"^\*?\s?[\w.-]+\.[a-z]{2,}\s+ist\s+(?:ein\s+)?teil\s+(?:des|der)\s+.{0,60}"
        r"(?:redaktionsnetzwerk|netzwerk|mediengruppe)",
        max_chars=200,
        examples=("*fr.de ist Teil des bundesweiten Ippen-Redaktionsnetzwerks.",),
        keeps=("Die Stadt ist Teil des Netzwerks gesunder Städte, sagte die Bürgermeisterin.",),
    ),
]

ENGLISH_RULES: list[Rule] = [
    Rule(
        "adblock-wall-en",
        r"(?:disable|turn\s+off|whitelist|pause)\s+(?:your\s+)?ad-?\s?blocker"
        r"|(?:using|running)\s+an?\s+ad-?\s?blocker|ad-?\s?block(?:er)?\s+detected",
        max_chars=300,
        examples=("It looks like you're using an ad blocker. Please disable your ad blocker "
                  "to continue.", "If you’re running an ad-blocker, please consider "
                  "whitelisting us."),
        keeps=("Publishers say ad blockers cost the industry billions of dollars a year, and "
               "they have tried everything from appeals to walls to win readers back, with "
               "mixed results so far according to a new study of forty newspapers that was "
               "published on Tuesday by researchers in Oxford and in Boston.",),
    ),
    Rule(
        "paywall-en",
        r"subscribe\s+(?:now\s+)?to\s+(?:continue|keep)\s+reading|already\s+a\s+subscriber"
        r"|(?:this|the)\s+(?:article|story|content)\s+is\s+(?:only\s+)?(?:available\s+)?"
        r"(?:for|to)\s+(?:paying\s+)?subscribers|sign\s+(?:up|in)\s+to\s+(?:continue\s+)?read"
        r"|create\s+a\s+free\s+account\s+to|you\s+have\s+reached\s+your\s+(?:free\s+)?"
        r"(?:article\s+)?limit|unlimited\s+(?:digital\s+)?access\s+(?:for|from)\s+(?:just|only)"
        r"|cancel\s+any\s*time|subscribe\b.{0,60}\bfor\s+the\s+full\s+(?:story|article)"
        r"|to\s+(?:view|read)\s+the\s+full\s+(?:story|article),?\s+(?:please\s+)?subscribe",
        max_chars=300,
        examples=("Subscribe to continue reading", "Already a subscriber? Log in",
                  "To view the full story, please subscribe to The Daily Example.",
                  "Subscribe now to our digital edition for the full story.",
                  "Get unlimited digital access for just $1 a week. Cancel anytime."),
        keeps=("The company said it would cancel the contract at any time if targets were missed"
               " by the supplier.",),
    ),
    Rule(
        "consent-en",
        r"(?:we|this\s+(?:web)?site)\s+uses?\s+cookies|privacy\s*&\s*cookies|cookie\s+"
        r"(?:policy|settings|preferences)|by\s+continuing\s+to\s+(?:use|browse)\s+this"
        r"|manage\s+(?:your\s+)?consent|accept\s+(?:all\s+)?cookies",
        max_chars=450,
        examples=("Privacy & Cookies: This site uses cookies. By continuing to use this website, "
                  "you agree to their use.",),
        keeps=("The regulator said the company placed cookies without asking, a practice it had "
               "banned two years ago after a long inquiry into the advertising industry and "
               "its many data brokers, who trade in the habits of millions of people online "
               "and rarely explain to anyone how that trade actually works or who profits "
               "from it in the end, which the report calls a structural failure of oversight "
               "and a problem that no single country can solve by itself.",),
    ),
    Rule(
        "read-more-en",
        r"^(?:read\s+(?:more|also|next)|related(?:\s+(?:articles?|stories|coverage))?"
        r"|see\s+also|also\s+read|more\s+(?:on\s+this|from|stories)|recommended(?:\s+for\s+you)?"
        r"|you\s+(?:may|might)\s+also\s+like|most\s+(?:read|popular)|trending)"
        r"(?:\s*[:»>|–]|\s*$)",
        max_chars=260,
        examples=("Read more: How the Fed decides on rates", "Related articles",
                  "You might also like"),
        keeps=("Related by marriage to the king, she never held office herself.",),
    ),
    Rule(
        "trailing-read-more-en",
        r"(?:^|\s)(?:read\s+(?:more|also|next)|see\s+also|also\s+read)\s*:\s*[^.!?:]{1,150}$",
        action=Action.STRIP,
        examples=("Talks continue on Monday. Read more: How the Fed decides on rates",),
        keeps=("He told them to read more: books, papers and the old letters.",),
    ),
    Rule(
        "related-cut-en",
        r"^(?:related\s+(?:articles|stories)|you\s+(?:may|might)\s+also\s+like|more\s+stories"
        r"|recommended\s+for\s+you|comments)\s*:?\s*$",
        action=Action.CUT,
        examples=("You might also like",),
        keeps=("More stories like this one will follow, the editor promised readers.",),
    ),
    Rule(
        "newsletter-en",
        r"(?:sign\s+up|subscribe)\s+(?:for|to)\s+(?:our|the)\s+.{0,40}newsletter"
        r"|newsletter.{0,60}(?:sign\s+up|subscribe)|get\s+our\s+.{0,30}newsletter"
        r"|never\s+miss\s+.{0,40}sign(?:ing)?\s+up|^follow\s+(?:us|[\w\s]{1,40}?)\s+on\s+"
        r"(?:twitter|facebook|instagram|x|linkedin|tiktok|youtube)\b",
        max_chars=300,
        examples=("Sign up for our daily newsletter", "Get our free newsletter in your inbox",
                  "Never miss the latest news by signing up to our newsletter",
                  "Follow The Daily Example on Twitter and Instagram @example."),
        keeps=("The newsletter, which she started in 2015, now has 200,000 subscribers and a "
               "team of six writers who cover local politics across the state, as well as a "
               "podcast that has become one of the most listened to in the region and a weekly "
               "events calendar. She says she will never sell it and that she still answers "
               "every reader email herself, usually late at night.",),
    ),
]

RULES: dict[str, list[Rule]] = {"*": COMMON_RULES, "de": GERMAN_RULES, "en": ENGLISH_RULES}


def rules_for(language: str | None) -> list[Rule]:
    """The rules for a page in ``language``: common ones, that language's, and — because pages
    mix languages and detection can be wrong — German and English for any other language."""
    code = (language or "").lower()[:2]
    if code in RULES and code != "*":
        others = [rule for lang, rules in RULES.items() if lang not in {"*", code}
                  for rule in rules]
        return [*COMMON_RULES, *RULES[code], *others]
    return [rule for rules in RULES.values() for rule in rules]
