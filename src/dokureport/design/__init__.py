"""Design: the theme as data (model, loader, checks), the page geometry and the bundled themes."""
