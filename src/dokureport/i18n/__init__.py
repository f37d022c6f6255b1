"""Language and locale: labels, dates, quotes, names and their collation."""
