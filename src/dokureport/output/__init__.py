"""Post-process and write stage: structure, PDF/A, print production, atomic writes."""
