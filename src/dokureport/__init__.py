"""dokureport: an event's data and photos in, a printable documentation brochure out."""

# The one place the version is written (pyproject.toml reads it from here): importing
# importlib.metadata to look it up would cost every build and every command 60 ms.
__version__ = "0.1.0"
