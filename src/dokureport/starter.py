"""`dokureport init`: write a commented starter event (event.yaml, schema, a placeholder photo)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

from dokureport.core.errors import InputError, Problem
from dokureport.event.schema import schema_json

PHOTO = "photos/placeholder.jpg"
SCHEMA_FILE = "event.schema.json"
THEME_FILE = "theme.yaml"
THEME_SCHEMA_FILE = "theme.schema.json"

_THEME_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# The brochure's design. It is used when event.yaml says `theme: theme.yaml`.
# Say only what you change: everything else comes from the bundled theme named
# in `extends` (default, classic or bold). Colours are "#RRGGBB", in quotes.

extends: default

colours:
  primary: "#00576B"          # headings, links, agenda times, the cover title
  accent: "#D4531C"           # overlines, the kind of event on the cover
  text: "#1D1D1B"             # body text; a warning says if it is too faint to read

# Your corporate fonts: .ttf or .otf files in this folder (PostScript/CFF .otf works).
# fonts:
#   regular: fonts/Corporate-Regular.otf
#   bold: fonts/Corporate-Bold.otf
#   italic: fonts/Corporate-Italic.otf
#   bold_italic: fonts/Corporate-BoldItalic.otf
#   fallback: [fonts/Corporate-Arabic.ttf]   # for characters the family lacks, before
#                                            # the bundled fonts for every script

# The sections in order; leave one out to drop it.
sections: [cover, contents, intro, agenda, talks, chapters, gallery, videos, contacts, speakers,
           imprint, partners]
# Sections that start a new page; the others follow when enough of the page is free.
new_page: [contents, agenda, talks, gallery]

cover:
  photo: top                  # top, full (the whole page) or none
  logo: {{position: bottom-right, height: 16}}   # height in mm

# A day with sessions in parallel rooms: a room × time grid up to this many rooms,
# else a listing per room (0: never a grid).
# agenda: {{grid_rooms: 4}}

# labels: {{agenda: Ablauf}}     # any printed label
"""

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A dokureport event. Build the brochure with:   dokureport build {folder}
# Check it without building:                     dokureport validate {folder}
# Paths (photos, logo, slides) are relative to this folder and must stay inside it.
# Lines starting with # are comments. Delete what you do not need; only title and
# event.start are required.

format: 1
lang: de                        # de, en, fr or any language: labels, dates, hyphenation

title: Dokumentation unserer Fachtagung
subtitle: Ein Untertitel, der sagt, worum es ging

event:
  kind: Fachtagung              # the kind of event, printed above the title
  start: {start} 9:00           # a date, or a date and a time
  end: {end} 16:30
  venue:
    name: Tagungshaus am See
    address: [Seestraße 1, 12345 Musterstadt]

# theme: theme.yaml             # the design in theme.yaml beside this file; or classic, bold

organiser:
  name: Musterstiftung
  # logo: logo.png              # an image file in this folder

intro: |
  The first paragraph of the introduction. *Emphasis* and **strong** work,
  and so do links: [our website](https://example.org).

  A blank line starts a new paragraph.

agenda:                         # one entry a day
  - date: {start}
    items:
      - time: 9:00              # 9:00 and 09:00 both work, no quotes needed
        end: 9:30
        title: Ankommen und Begrüßung
        place: Foyer
      - time: 9:30
        end: 10:30
        title: Impulsvortrag
        people: [Dr. Erika Mustermann]
        talk: mustermann        # the id of a talk below: its details go on the talk page

talks:
  - id: mustermann
    format: Impulsvortrag
    title: Was wir gemeinsam erreichen können
    speakers:
      - name: Dr. Erika Mustermann
        role: Referentin
        organisation: Musterinstitut
    abstract: |
      What the talk was about, in a few paragraphs.
    # slides: slides/mustermann.pdf   # a file in this folder, or an https:// link
    # lang: en                        # only if the talk is held in another language

{photos_block}
# videos:
#   - title: Interview
#     url: https://www.youtube.com/watch?v=XXXXXXXXXXX

contacts:
  - name: Max Mustermann
    role: Projektleitung
    city: Musterstadt
    email: max.mustermann@example.org
"""


def placeholder_photo(path: Path, size: tuple[int, int] = (2400, 1600)) -> None:
    """A calm grey gradient with a label: large enough for a full-width print photo."""
    width, height = size
    gradient = Image.linear_gradient("L").resize((width, height)).point(lambda v: 150 + v // 3)
    image = Image.merge("RGB", (gradient, gradient, gradient.point(lambda v: min(255, v + 12))))
    draw = ImageDraw.Draw(image)
    frame = (width // 10, height // 10, width * 9 // 10, height * 9 // 10)
    draw.rectangle(frame, outline=(90, 90, 90), width=max(2, width // 300))
    draw.text((width // 2, height // 2), "dokureport placeholder", fill=(60, 60, 60), anchor="mm",
              font_size=max(12, width // 24))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=85)


_PHOTOS_BLOCK = """\
photos:
  credit: © Musterstiftung      # used for every photo without its own credit
  items:
    - file: {photo}
      caption: Replace this placeholder with your photos
      alt: A grey placeholder picture
      cover: true               # at most one cover photo
"""


def write_starter(folder: Path, *, today: dt.date | None = None, photos: str | None = None,
                  warn: Callable[[str], None] | None = None) -> Path:
    """Write the starter into folder (created if missing); refuses to overwrite an event.yaml.

    `photos`: a folder of photos inside `folder`, written as explicit entries (in the
    order they were taken) with what each file's metadata says as comments; `warn` is
    told what was wrong with a file's metadata.
    """
    target = folder / "event.yaml"
    if target.exists() or target.is_symlink():
        raise InputError([Problem(f"{target} already exists; init does not overwrite it")])
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(f"{folder} is a file, not a folder")])
    start = today or dt.date.today()
    block = (_PHOTOS_BLOCK.format(photo=PHOTO) if photos is None
             else photos_block(folder, photos, lang="de", warn=warn))
    text = _TEMPLATE.format(schema=SCHEMA_FILE, folder=_shell_word(folder), start=start.isoformat(),
                            end=start.isoformat(), photos_block=block)
    folder.mkdir(parents=True, exist_ok=True)
    if photos is None and not (folder / PHOTO).exists():
        placeholder_photo(folder / PHOTO)
    (folder / SCHEMA_FILE).write_text(schema_json(), encoding="utf-8")
    if not (folder / THEME_FILE).exists():
        from dokureport.design.schema import theme_schema_json

        (folder / THEME_SCHEMA_FILE).write_text(theme_schema_json(), encoding="utf-8")
        (folder / THEME_FILE).write_text(_THEME_TEMPLATE.format(schema=THEME_SCHEMA_FILE),
                                         encoding="utf-8")
    # "x": created here or not at all, even if another process raced us to it.
    with target.open("x", encoding="utf-8") as stream:
        stream.write(text)
    return target


def _shell_word(folder: Path) -> str:
    text = os.fspath(folder)
    return text if text and all(c.isalnum() or c in "/._-" for c in text) else f"'{text}'"


def photos_block(folder: Path, name: str, *, lang: str,
                 warn: Callable[[str], None] | None = None) -> str:
    """The `photos:` of event.yaml for the photos in `folder`/`name`: one entry each, in the
    order they were taken, with the texts of its metadata as comments to edit. With
    `metadata: true` the files' texts print as they are; a line uncommented overrides."""
    from dokureport.event.photo_folder import in_order, listed_photos, resolve_folder
    from dokureport.event.photo_metadata import read_metadata

    root = folder.resolve() if folder.exists() else folder.absolute()
    problem, resolved = resolve_folder(root, name)
    if problem or resolved is None:
        raise InputError([Problem(f"--photos: {problem}", code="bad-file")])
    names, _ = listed_photos(resolved)
    if not names:
        raise InputError([Problem(f"--photos: {name} holds no JPEG or PNG photos",
                                  code="bad-file")])
    prefix = Path(name).as_posix().rstrip("/")
    found = [read_metadata(resolved / n, lang) for n in names]
    lines = ["photos:",
             "  metadata: true                # captions, credits and alt texts from the files",
             "  # credit: © Musterstiftung    # for every photo whose file names no credit",
             "  items:                        # in the order they were taken"]
    for number, i in enumerate(in_order(names, [f.taken for f in found], "taken")):
        meta = found[i]
        for warning in meta.warnings:
            if warn is not None:
                warn(f"{prefix}/{names[i]}: {warning}")
        lines.append(f"    - {_yaml_line('file', f'{prefix}/{names[i]}')}")
        if number == 0:
            lines.append("      cover: true")
        if meta.taken is not None:
            lines.append(f"      # taken {meta.taken:%Y-%m-%d %H:%M:%S}")
        for key in ("caption", "credit", "alt"):
            text = getattr(meta, key) or (meta.title if key == "caption" else None)
            if text is None:
                lines.append(f"      # {key}: (none in the file)")
            else:
                lines.append(f"      # {_yaml_line(key, text.text)}   # from {text.source} "
                             f"{text.field}")
        if meta.description is not None:
            lines.append(f"      # long description ({meta.description.field}): "
                         f"{meta.description.text}")
    return "\n".join(lines) + "\n"


def _yaml_line(key: str, text: str) -> str:
    """`key: text` as one YAML line, quoted where the text needs it."""
    return yaml.safe_dump({key: text}, allow_unicode=True, width=1 << 20,
                          default_flow_style=False).rstrip("\n")
