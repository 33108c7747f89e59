"""A quote that nearly matches the article says why it does not, with its file and line."""

import pytest

from kg.annotate.loader import find_quote
from kg.errors import AnnotationError

ARTICLE = "Beijing\u2019s main\u00a0concerns \u2014 in Yanbian, the cafe\u0301 district \u2014 are \u201cstability\u201d."


@pytest.mark.parametrize("quote, hint", [
    ("Beijing's main\u00a0concerns", "’ where the quote has '"),
    ("Beijing\u2019s main concerns", "a no-break space where the quote has a space"),
    ("concerns - in Yanbian", "— where the quote has -"),
    ('are "stability"', "“ where the quote has \""),
    ("the caf\u00e9 district", "separate characters (NFD)"),
])
def test_near_miss_quotes_name_the_difference(quote, hint):
    """Curly quotes, no-break spaces, dashes and NFC/NFD near misses each get a hint, not a bare 'not found'."""
    with pytest.raises(AnnotationError) as caught:
        find_quote(ARTICLE, quote, file="a.yaml", line=12)
    message = str(caught.value)
    assert message.startswith("a.yaml:12: quote not found") and hint in message and "\n" not in message


def test_a_plain_miss_gets_no_hint():
    """A quote the article does not contain in any form gets the plain message."""
    with pytest.raises(AnnotationError) as caught:
        find_quote(ARTICLE, "Pyongyang", file="a.yaml", line=3)
    assert "(" not in str(caught.value).split(":", 2)[2].split("'")[0]
