"""Kept for callers of 0.1: the brochure is composed by dokureport.compose now."""

from __future__ import annotations

from dokureport.compose import SECTION_KEYS, lay_out, story

__all__ = ["SECTION_KEYS", "lay_out", "story"]
