"""PDF/A-2u and PDF/UA-1 declared: XMP metadata in sync with /Info, an sRGB OutputIntent
(PDF/UA-1 alone for the print PDF, whose black ink an sRGB intent does not allow)."""

from __future__ import annotations

import functools
import re
from uuid import NAMESPACE_URL, uuid5

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from dokureport.core.xmltext import escape

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"{pdfx_ns}
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
{pdfaid}{pdfuaid}{pdfxid}
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{keywords}</pdf:Keywords>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{created}</xmp:CreateDate>
<xmp:ModifyDate>{modified}</xmp:ModifyDate>
<xmp:MetadataDate>{modified}</xmp:MetadataDate>
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li>{pdfx_schema}</rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""

# ICC header bytes 24..35 are the profile's creation date: pinned, so builds are identical.
_PINNED_ICC_DATE = bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2000-01-01


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (littleCMS's, through Pillow) with a fixed creation date."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = _PINNED_ICC_DATE
    return bytes(data)


def xmp_date(pdf_date: str) -> str:
    """D:20191029000000+00'00' → 2019-10-29T00:00:00+00:00."""
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:([+-])(\d\d)'(\d\d)'|Z)?", pdf_date)
    if not m:
        raise ValueError(f"not a PDF date: {pdf_date!r}")
    y, mo, d, h, mi, s, sign, oh, om = m.groups()
    zone = f"{sign}{oh}:{om}" if sign else "Z"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{zone}"


_PDFAID = "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>U</pdfaid:conformance>\n"


_PDFUAID = "<pdfuaid:part>1</pdfuaid:part>\n"


_PDFX_NS = ('\n  xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"'
            '\n  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"')


# pdfxid is no schema PDF/A knows: described, as the PDF/UA one is, for PDF/A readers.
_PDFX_SCHEMA = """<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/X ID Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.npes.org/pdfx/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfxid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>GTS_PDFXVersion</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>ID of PDF/X standard</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li>"""


# PDF/X-4 (ISO 15930-7) asks for its version, the document's identity and rendition in
# the XMP, and /Trapped as in /Info (output/pdfx.py writes that side).
_PDFXID = """<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
<pdf:Trapped>False</pdf:Trapped>
<xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>
<xmpMM:VersionID>1</xmpMM:VersionID>
<xmpMM:RenditionClass>default</xmpMM:RenditionClass>
"""


def declare_pdfa_ua(pdf: pikepdf.Pdf, *, pdfa: bool = True, ua: bool = True,
                    pdfx: bool = False) -> None:
    """XMP (Dublin Core from /Info; pdfaid 2U with `pdfa`, pdfuaid 1 with `ua`, PDF/X-4
    with `pdfx`) and, with `pdfa`, the sRGB OutputIntent."""
    info = pdf.trailer.get("/Info", Dictionary())

    def field(key: str) -> str:
        return escape(str(info.get("/" + key, "")))

    lang = str(pdf.Root.get("/Lang", "")) or "x-default"
    # The same brochure, title and date: the same identity (builds are reproducible).
    uuid = uuid5(NAMESPACE_URL, f"dokureport:{field('Title')}:{info.get('/CreationDate')}")
    xmp = _XMP.format(pdfx_ns=_PDFX_NS if pdfx else "",
                      pdfaid=_PDFAID if pdfa else "", pdfuaid=_PDFUAID if ua else "",
                      pdfxid=_PDFXID.format(uuid=uuid) if pdfx else "",
                      pdfx_schema=_PDFX_SCHEMA if pdfx else "",
                      title=field("Title"), author=field("Author"), subject=field("Subject"),
                      keywords=field("Keywords"), producer=field("Producer"),
                      creator=field("Creator"), lang=escape(lang),
                      created=xmp_date(str(info.get("/CreationDate"))),
                      modified=xmp_date(str(info.get("/ModDate"))))
    pdf.Root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=Name.Metadata,
                                        Subtype=Name.XML)
    if not pdfa:
        return
    profile = pdf.make_stream(srgb_profile(), N=3)
    pdf.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
        Info=String("sRGB IEC61966-2.1"), DestOutputProfile=profile)])
