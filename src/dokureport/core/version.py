"""The version of dokureport, in one place: pyproject.toml reads it from here."""

# Importing importlib.metadata to look it up would cost every build and every command 60 ms.
__version__ = "0.2.0.dev0"
