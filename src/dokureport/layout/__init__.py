"""Lay-out stage: our flowables, blocks, the layout context and the document; it alone composes pages.

Importing it changes no reportlab state: a build calls `dokureport.engine.install()` first.
"""
