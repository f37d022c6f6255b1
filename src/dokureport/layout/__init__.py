"""Lay-out stage: our flowables, blocks, layout context and document; it alone composes pages.

Importing it changes no reportlab state: a build calls `dokureport.engine.install()` first.
"""
