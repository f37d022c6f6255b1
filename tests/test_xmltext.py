"""dokureport.core.xmltext escapes exactly as xml.sax.saxutils does."""

from __future__ import annotations

from xml.sax import saxutils

from hypothesis import given
from hypothesis import strategies as st

from dokureport.core import xmltext

TRICKY = st.text(alphabet=st.sampled_from(list("&<>\"'\n\r\t a;#ltgmpquo\xad€")) | st.characters())


@given(TRICKY)
def test_escape_quoteattr_and_unescape_match_saxutils(text: str) -> None:
    assert xmltext.escape(text) == saxutils.escape(text)
    assert xmltext.quoteattr(text) == saxutils.quoteattr(text)
    assert xmltext.unescape(text) == saxutils.unescape(text)


def test_examples() -> None:
    assert xmltext.escape("Q&A <b>") == "Q&amp;A &lt;b&gt;"
    assert xmltext.quoteattr('say "hi"') == "'say \"hi\"'"
    assert xmltext.quoteattr("it's \"x\"\n") == '"it\'s &quot;x&quot;&#10;"'
    assert xmltext.unescape("&amp;lt;") == "&lt;"
