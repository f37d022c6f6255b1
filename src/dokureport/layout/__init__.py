"""Lay out stage: turn the validated event into reportlab flowables on brochure pages.

Importing it changes no reportlab state: fonts are registered when a build starts
(see layout.fonts.register_family).
"""
