"""Text: the one typesetting path, hyphenation, fonts and their files."""
