"""Output (engine): each page's content stream formatted and compressed once, its bytes
reused when a later layout takes the page over (engine.splice).

reportlab makes a page's content stream when it saves the document, and compresses it
there; a watch rebuild takes most of its pages from the last build, whose streams it
would compress again, byte for byte the same. A stream holds no references (only its
length and filter), so its formatted bytes depend on its content alone: they are kept
on the page, with the content they were made of.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import NoEncryption, PDFBase85Encode, PDFStream, PDFZCompress

# How many content streams were formatted anew (not taken from a page's memo): a test
# and a benchmark read it.
formatted = 0


class PageStream(PDFStream):
    """A page's content stream, as reportlab's PDFPage.check_format would make it, whose
    formatted bytes are memoised on the page while its content is the same object."""

    def __init__(self, page: Any) -> None:
        filters = None
        if page.compression:
            filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
        super().__init__(content=page.stream, filters=filters)
        self.__Comment__ = "page stream"
        self._page = page

    def format(self, document: Any) -> bytes:
        global formatted
        page, content = self._page, self.content
        memo = page.__dict__.get("_formatted_stream")
        if memo is not None and memo[0] is content and isinstance(document.encrypt,
                                                                  NoEncryption):
            return memo[1]  # type: ignore[no-any-return]
        data: bytes = super().format(document)
        formatted += 1
        if isinstance(document.encrypt, NoEncryption):
            page._formatted_stream = (content, data)
        return data


def give_stream(page: Any) -> None:
    """Give `page` (a reportlab PDFPage, shown, not yet saved) its memoising content
    stream; a page taken over from another document gets a new one (the old one is that
    document's numbered object)."""
    if page.stream and not page.Override_default_compilation:
        page.Contents = PageStream(page)
