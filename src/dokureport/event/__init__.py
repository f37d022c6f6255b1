"""Load stage: event.yaml read safely, its model, the files it names, its Markdown parsed."""
