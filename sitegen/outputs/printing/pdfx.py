"""Print-shop PDFs: what makes a WeasyPrint PDF a PDF/X-4 file for a press.

WeasyPrint lays the pages out with their bleed (`@page { bleed: 3mm }`, so the
MediaBox takes in the bleed and the TrimBox is the paper) and writes the
colours of the print style sheet as DeviceCMYK (cmyk.py turns them into
`device-cmyk()`). What it leaves to us, done here with pypdf:

- the BleedBox exactly 3 mm outside the TrimBox (WeasyPrint puts it up to
  10 pt out, which with crop marks is wider than the bleed);
- an output intent: the printing condition the CMYK is meant for (FOGRA39),
  with its ICC profile embedded;
- DefaultRGB: what RGB is left (photos, SVG maps, the QR code) is declared as
  sRGB, so that the RIP converts it to the press's CMYK itself;
- no annotations (the notices' links), which mean nothing on paper and which
  preflight refuses inside the trim;
- the PDF/X-4 identification (XMP metadata, Trapped, a file identifier), made
  from the file's own content: WeasyPrint's PDF/X variant writes random IDs and
  the time of the build, so the same poster would differ from build to build.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from datetime import datetime
from functools import cache
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from sitegen.model import SHOP_BLEED_MM
from sitegen.outputs.printing import cmyk
from sitegen.outputs.printing.pdfwalk import resolve, resource_dicts

MM_PT = 72 / 25.4
SRGB_PROFILE = cmyk.PROFILE.with_name("sRGB.icc")  # a file, not LittleCMS's: that has today's date
PROFILES = (cmyk.PROFILE, SRGB_PROFILE)  # what a print-shop PDF embeds
PDF_VERSION = "1.6"  # PDF/X-4 is based on PDF 1.6
NO_DATE = "D:20000101000000Z"  # for an output without a date of its own


def pdf_date(moment: datetime | None) -> str:
    if moment is None:
        return NO_DATE
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def finish(pdf: bytes) -> bytes:
    """`pdf` (from WeasyPrint, laid out for the shop) as a PDF/X-4 file, keeping its
    title and date (from the HTML's <title> and dcterms.created)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    info = writer.metadata or {}
    return finish_writer(
        writer,
        hashlib.sha256(pdf).digest(),
        str(info.get("/Title", "")),
        str(info.get("/CreationDate", NO_DATE)),
    )


def finish_writer(writer: PdfWriter, digest: bytes, title: str, created: str) -> bytes:
    """Finish the pages in `writer` (a poster, or a board pack joined from posters) as
    PDF/X-4. `digest` identifies the content (the file identifier and the document's
    ID in its metadata are made from it); `created` is a PDF date."""
    default_rgb = ArrayObject(
        [NameObject("/ICCBased"), writer._add_object(_icc_stream(_srgb_profile(), 3))]
    )
    for page in writer.pages:
        _set_bleed_box(page)
        # Links do nothing on paper, and preflight refuses annotations on the sheet.
        if "/Annots" in page:
            del page["/Annots"]
    for resources in resource_dicts(writer):
        spaces = resolve(resources.get("/ColorSpace"))
        if not isinstance(spaces, DictionaryObject):
            spaces = DictionaryObject()
            resources[NameObject("/ColorSpace")] = spaces
        spaces[NameObject("/DefaultRGB")] = default_rgb
    modified = created  # the content's own date: the same poster is the same file
    root = writer._root_object
    root[NameObject("/OutputIntents")] = ArrayObject([_output_intent(writer)])
    root[NameObject("/Metadata")] = writer._add_object(
        _xmp(title, created, modified, uuid.UUID(bytes=digest[:16], version=4))
    )
    writer.add_metadata(
        {
            "/Title": title,
            "/CreationDate": created,
            "/ModDate": modified,
            "/Trapped": NameObject("/False"),
            "/GTS_PDFXVersion": "PDF/X-4",
        }
    )
    writer.pdf_header = f"%PDF-{PDF_VERSION}".encode()
    # PDF/X wants a file identifier; pypdf makes one only when encrypting.
    identifier = ByteStringObject(digest[16:32])
    writer._ID = ArrayObject([identifier, identifier])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _set_bleed_box(page) -> None:
    trim = page.trimbox
    media = page.mediabox
    bleed = SHOP_BLEED_MM * MM_PT
    box = RectangleObject(
        [
            max(float(media.left), float(trim.left) - bleed),
            max(float(media.bottom), float(trim.bottom) - bleed),
            min(float(media.right), float(trim.right) + bleed),
            min(float(media.top), float(trim.top) + bleed),
        ]
    )
    page[NameObject("/BleedBox")] = box


def _output_intent(writer: PdfWriter) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFX"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(cmyk.CONDITION),
            NameObject("/OutputCondition"): TextStringObject(cmyk.CONDITION_INFO),
            NameObject("/Info"): TextStringObject(cmyk.CONDITION_INFO),
            NameObject("/RegistryName"): TextStringObject(cmyk.REGISTRY),
            NameObject("/DestOutputProfile"): writer._add_object(
                _icc_stream(cmyk.PROFILE.read_bytes(), 4)
            ),
        }
    )


def _icc_stream(profile: bytes, components: int):
    stream = DecodedStreamObject()
    stream.set_data(profile)
    stream[NameObject("/N")] = NumberObject(components)
    return stream.flate_encode()


@cache
def _srgb_profile() -> bytes:
    return SRGB_PROFILE.read_bytes()


def _xmp(title: str, created: str, modified: str, document: uuid.UUID):
    """The XMP packet PDF/X-4 asks for (ISO 15930-7, 6.7), left uncompressed as it says."""
    created_iso, modified_iso = _iso(created), _iso(modified)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>{created_iso}</xmp:CreateDate>
   <xmp:ModifyDate>{modified_iso}</xmp:ModifyDate>
   <xmp:MetadataDate>{modified_iso}</xmp:MetadataDate>
   <xmp:CreatorTool>sitegen</xmp:CreatorTool>
   <xmpMM:DocumentID>uuid:{document}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{document}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdf:Trapped>False</pdf:Trapped>
   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = DecodedStreamObject()
    stream.set_data(packet.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return stream


_PDF_DATE = re.compile(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[+-]\d\d'?\d\d'?)?")


def _iso(pdf_date: str) -> str:
    """A PDF date (D:20261120100000+08'00') as XMP writes it (2026-11-20T10:00:00+08:00)."""
    found = _PDF_DATE.match(pdf_date)
    if found is None:
        return "2000-01-01T00:00:00Z"
    year, month, day, hour, minute, second, zone = found.groups()
    offset = "Z" if zone in (None, "Z") else f"{zone[:3]}:{zone.replace(chr(39), '')[3:5]}"
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{offset}"
