"""PDF/X-4 declared for the print PDF: the CMYK output intent, the PDF/X keys in /Info,
no DeviceRGB transparency group, and link annotations with an (empty) appearance."""

from __future__ import annotations

import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from dokureport.assets.cmyk import PrintProfile

PDFX_VERSION = "PDF/X-4"
REGISTRY = "http://www.color.org"


def declare_pdfx(pdf: pikepdf.Pdf, profile: PrintProfile) -> None:
    """The GTS_PDFX output intent with `profile` embedded, and /Info's PDF/X keys (the
    XMP saying PDF/X-4 is written with the rest of the XMP, see pdfa.declare_pdfa_ua)."""
    icc = pikepdf.Stream(pdf, zlib.compress(profile.data, 9))
    icc.Filter = Name.FlateDecode
    icc.N = 4
    pdf.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX,
        OutputConditionIdentifier=String(profile.condition),
        OutputCondition=String(profile.info), Info=String(profile.info),
        RegistryName=String(REGISTRY), DestOutputProfile=icc)])
    info = pdf.trailer.Info
    info.GTS_PDFXVersion = String(PDFX_VERSION)
    # Nobody trapped this file: the print shop's RIP may (PDF/X wants it said).
    info.Trapped = Name("/False")
    for page in pdf.pages:
        _page_in_cmyk(pdf, page.obj)


def _page_in_cmyk(pdf: pikepdf.Pdf, page: pikepdf.Dictionary) -> None:
    # A transparency group blends in the output intent's space, never in DeviceRGB:
    # printers' validators refuse a page group with /CS /DeviceRGB (WeasyPrint#2723).
    group = page.get("/Group")
    if group is not None and group.get("/CS") == Name.DeviceRGB:
        group.CS = Name.DeviceCMYK
    for annotation in page.get("/Annots", ()):
        if annotation.get("/Subtype") == Name.Link and "/AP" not in annotation:
            # Links draw nothing (no border); an empty appearance says so explicitly.
            x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
            empty = pikepdf.Stream(pdf, b"")
            empty.Type = Name.XObject
            empty.Subtype = Name.Form
            empty.BBox = Array([0, 0, abs(x1 - x0), abs(y1 - y0)])
            annotation.AP = Dictionary(N=empty)
