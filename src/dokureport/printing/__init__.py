"""Print production: crop marks, booklet padding and imposition, reproducible files."""
