"""On paper a link cannot be clicked: the print target names each link's address, short,
after its text; screen and archival PDFs stay as they were."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dokureport.core.urls import names_its_address, short_address
from dokureport.pipeline import BuildResult
from tests.conftest import SAMPLE, minimal_event, squash
from tests.helpers import pdftotext

Build = Callable[..., tuple[Path, BuildResult]]


@pytest.mark.parametrize(("url", "short"), [
    ("https://www.lvr.de/", "lvr.de"),
    ("http://example.org/foo", "example.org/foo"),
    ("https://WWW.Example.org/a/b/", "Example.org/a/b/"),
    ("https://example.org/?q=1", "example.org/?q=1"),
    ("mailto:info@example.org", "info@example.org"),
])
def test_a_short_address_drops_scheme_www_and_a_lone_closing_slash(url: str, short: str
                                                                   ) -> None:
    assert short_address(url) == short


def test_a_link_whose_text_is_its_address_is_not_named_twice() -> None:
    assert names_its_address("duesseldorf.de", "https://www.duesseldorf.de/")
    assert names_its_address("https://example.org/x", "https://example.org/x")
    assert not names_its_address("Landschaftsverband", "https://www.lvr.de/")


def test_print_names_the_sample_links_addresses_and_screen_does_not(build: Build) -> None:
    printed = squash(pdftotext(build(SAMPLE, target="print")[0]))
    screen = squash(pdftotext(build(SAMPLE, target="screen")[0]))
    assert "LandschaftsverbandsRheinland(lvr.de)" in printed
    assert "(lvr.de)" not in screen
    assert "LandschaftsverbandsRheinland" in screen
    # A link that reads as its own address is not followed by it again.
    assert "duesseldorf.de(duesseldorf.de)" not in printed
    assert "duesseldorf.de" in printed


def test_print_names_the_address_of_a_link_in_a_talks_abstract(
        make_event: Callable[..., Path], build: Build) -> None:
    event = minimal_event(talks=[{
        "id": "t", "title": "Vortrag",
        "abstract": 'Mehr dazu im [Bericht](https://www.example.org/bericht/2019) "heute" '
                    "und bei [info@example.org](mailto:info@example.org)."}])
    folder = make_event(event)
    printed = " ".join(pdftotext(build(folder, target="print")[0]).split())
    screen = " ".join(pdftotext(build(folder, target="screen")[0]).split())
    assert "Bericht (example.org/bericht/2019)" in printed
    assert "(info@example.org)" not in printed
    assert "example.org/bericht" not in screen
