"""What of a reply is posted: only the new text, whatever mail program wrote it; and the
signed token: case makes no difference, any other change does."""

from __future__ import annotations

import time

import pytest

from intranet.inbound import tokens
from intranet.inbound.text import html_to_text, strip_quoted

GMAIL = """Dat klopt, dank je.

On Mon, 3 Jun 2024 at 10:00, Plein <reply+answer.1.2.3.abc@antwoord.example>
wrote:

> Chris answered your question
> http://localhost:8000/forum/topics/1/
"""
GMAIL_NL = """Dat klopt, dank je.

Op ma 3 jun 2024 om 10:00 schreef Plein <plein@localhost>:

> Chris heeft je vraag beantwoord
"""
APPLE = """Dat klopt, dank je.

> On 3 Jun 2024, at 10:00, Plein <plein@localhost> wrote:
>
> Chris answered your question
"""
OUTLOOK = """Dat klopt, dank je.

________________________________
From: Plein <plein@localhost>
Sent: Monday, June 3, 2024 10:00
To: Ilse Jansen <ilse@plein.example>
Subject: Chris answered your question

Chris answered your question
"""
OUTLOOK_NL = """Dat klopt, dank je.

Van: Plein <plein@localhost>
Verzonden: maandag 3 juni 2024 10:00
Aan: Ilse Jansen <ilse@plein.example>
Onderwerp: Chris heeft je vraag beantwoord

Chris heeft je vraag beantwoord
"""
ORIGINAL_MESSAGE = """Dat klopt, dank je.

-----Original Message-----
From: Plein
Chris answered your question
"""
SIGNATURE = "Dat klopt, dank je.\n-- \nIlse Jansen | Financiën\n"  # the delimiter is "-- "
PHONE = """Dat klopt, dank je.

Verzonden vanaf mijn iPhone

> Op 3 jun. 2024 om 10:00 heeft Plein <plein@localhost> het volgende geschreven:
"""
INLINE = """> Chris answered your question
Dat klopt, dank je.
> http://localhost:8000/forum/topics/1/
"""


@pytest.mark.parametrize(
    "text",
    [GMAIL, GMAIL_NL, APPLE, OUTLOOK, OUTLOOK_NL, ORIGINAL_MESSAGE, SIGNATURE, PHONE, INLINE],
)
def test_only_the_new_text_is_kept(text):
    assert strip_quoted(text.replace("\n", "\r\n")) == "Dat klopt, dank je."


def test_text_that_merely_mentions_from_or_wrote_is_kept():
    text = "From: the finance team we heard the rule changed.\nOn the other hand I wrote it down."
    assert strip_quoted(text) == text


def test_html_paragraphs_kept_and_quotes_dropped():
    html = (
        "<p>Eerste alinea.</p><p>Tweede<br>regel &amp; meer</p><style>p{}</style>"
        "<blockquote type='cite'>oud <blockquote>ouder</blockquote> oud</blockquote>"
        "<p>Na het citaat.</p><div id='appendonsend'></div><p>Outlook's kopie</p>"
    )
    assert html_to_text(html) == "Eerste alinea.\n\nTweede\nregel & meer\n\nNa het citaat."


def test_a_token_survives_a_change_of_case(settings):
    settings.PLEIN_INBOUND_EMAIL_DOMAIN = "antwoord.example"
    address = tokens.reply_address(user_id=42, kind="answer", target_id=7)
    assert tokens.token_of(address.upper()) == tokens.token_of(address)
    token = tokens.read_token(tokens.token_of(address.upper()).upper())
    assert (token.kind, token.target_id, token.user_id, token.expired) == ("answer", 7, 42, False)


def test_any_change_to_a_token_is_refused():
    token = tokens.make_token(user_id=42, kind="answer", target_id=7)
    kind, target, user, issued, signature = token.split(".")
    changes = [
        f"post.{target}.{user}.{issued}.{signature}",
        f"{kind}.8.{user}.{issued}.{signature}",
        f"{kind}.{target}.15.{issued}.{signature}",
        f"{kind}.{target}.{user}.{issued}z.{signature}",
        f"{kind}.{target}.{user}.{issued}.{signature[:-1]}",
        f"{kind}.{target}.{user}.{issued}",
        "",
    ]
    for changed in changes:
        with pytest.raises(tokens.BadToken):
            tokens.read_token(changed)
    assert tokens.read_token(token).user_id == 42


def test_a_token_signed_with_an_old_key_still_works_while_it_is_a_fallback(settings):
    token = tokens.make_token(user_id=1, kind="answer", target_id=2)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "x" * 60
    with pytest.raises(tokens.BadToken):
        tokens.read_token(token)
    settings.SECRET_KEY_FALLBACKS = [old]
    assert tokens.read_token(token).target_id == 2


def test_tokens_expire_after_the_set_days(settings):
    settings.PLEIN_INBOUND_REPLY_DAYS = 2
    day = 24 * 3600
    fresh = tokens.make_token(user_id=1, kind="answer", target_id=2, now=time.time() - day)
    stale = tokens.make_token(user_id=1, kind="answer", target_id=2, now=time.time() - 3 * day)
    assert not tokens.read_token(fresh).expired and tokens.read_token(stale).expired
