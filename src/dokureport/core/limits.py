"""The longest text a brochure takes: one word, a paragraph, a title, a label.

Beyond these, a text is refused (problem code `too-long`) instead of being set: page
layout breaks a paragraph's lines again on every page it continues on, and a word
longer than a line letter by letter, so time grows with the square of such a text.
Each limit is several times the longest real text found in the sample events and the
imported schedules of tests/imports (docs/validation.md gives the measurements).
"""

from __future__ import annotations

# One word: a run of characters without a space (a compound, a code, a web address
# typed into text). Real: 115 (a slug), 212 (a web address in an abstract).
MAX_WORD = 300
# One paragraph of a text as it prints (a Markdown paragraph, heading or code block, or
# a whole plain-text field such as a caption). Real: 3,063 (a talk's description).
MAX_PARAGRAPH = 5_000
# One paragraph as typed, its Markdown included (lines up to a blank line; table rows not
# counted): a text beyond it is refused before its Markdown is parsed.
MAX_PARAGRAPH_TYPED = 2 * MAX_PARAGRAPH
# A title or subtitle (the event's, a talk's, an agenda item's, a chapter's, a video's).
# Real: 164.
MAX_TITLE = 500
# A label of the brochure (`labels:` in event.yaml or a theme). Built in: at most 40.
MAX_LABEL = 200
