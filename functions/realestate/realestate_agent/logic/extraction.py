"""Text out of uploaded documents, with well-kept libraries: pypdf (PDF), python-docx (DOCX), the
standard library's HTML parser (HTML), and plain decoding (text, Markdown, with Markdown's markup
removed). Everything here is pure: bytes in, pages of text out, or ``DocumentUnreadable`` with a
reason a user can act on ("the PDF is encrypted", "no text could be extracted").

Limits that keep a hostile file from exhausting the worker: at most 500 PDF pages, 2,000,000
characters of text, and a DOCX whose parts inflate to at most 50 MiB.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
MARKDOWN = "text/markdown"
TEXT = "text/plain"
SUPPORTED_TYPES = {
    PDF: PDF,
    DOCX: DOCX,
    HTML: HTML,
    "application/xhtml+xml": HTML,
    MARKDOWN: MARKDOWN,
    "text/x-markdown": MARKDOWN,
    TEXT: TEXT,
}
MAX_PDF_PAGES = 500
MAX_CHARACTERS = 2_000_000
MAX_DOCX_INFLATED_BYTES = 50 * 1024 * 1024


class DocumentUnreadable(Exception):
    """The file cannot be turned into text; the reason is shown on the document."""


@dataclass(frozen=True)
class ExtractedText:
    pages: list[str]  # one entry per PDF page; one in all for other kinds

    @property
    def characters(self) -> int:
        return sum(len(page) for page in self.pages)


def canonical_type(mime_type: str) -> str | None:
    return SUPPORTED_TYPES.get(mime_type.split(";")[0].strip().lower())


def signature_problem(kind: str, content: bytes) -> str | None:
    """Why the bytes cannot be the declared type (checked at upload), or None."""
    if kind == PDF and content.lstrip()[:5] != b"%PDF-":
        return "is not a PDF file (it does not start with %PDF-)"
    if kind == DOCX and not content.startswith(b"PK\x03\x04"):
        return "is not a DOCX file (it is not a ZIP container)"
    if kind in (HTML, MARKDOWN, TEXT):
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "is not UTF-8 text"
    return None


def extract(kind: str, content: bytes) -> ExtractedText:
    if kind == PDF:
        pages = _pdf(content)
    elif kind == DOCX:
        pages = [_docx(content)]
    elif kind == HTML:
        pages = [_html(_decode(content))]
    elif kind == MARKDOWN:
        pages = [_markdown(_decode(content))]
    else:
        pages = [_decode(content)]
    pages = [_tidy(page) for page in pages]
    text = ExtractedText(pages)
    if not any(page.strip() for page in pages):
        raise DocumentUnreadable("No text could be extracted (a scanned PDF needs OCR first)")
    if text.characters > MAX_CHARACTERS:
        raise DocumentUnreadable(f"The document has more than {MAX_CHARACTERS:,} characters of text")
    return text


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentUnreadable("The file is not UTF-8 text") from error


def _pdf(content: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentUnreadable("The PDF is encrypted with a password")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentUnreadable(f"The PDF has more than {MAX_PDF_PAGES} pages")
        return [page.extract_text() or "" for page in reader.pages]
    except DocumentUnreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as error:
        raise DocumentUnreadable(f"The PDF could not be read ({type(error).__name__})") from error
    except Exception as error:  # pypdf raises many kinds on damaged files; one damaged file fails alone
        raise DocumentUnreadable(f"The PDF could not be read ({type(error).__name__})") from error


def _docx(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_INFLATED_BYTES:
                raise DocumentUnreadable("The DOCX file inflates to more than 50 MiB")
    except zipfile.BadZipFile as error:
        raise DocumentUnreadable("The DOCX file is damaged (not a readable ZIP container)") from error
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise DocumentUnreadable("The file is not a Word document") from error
    except Exception as error:  # lxml and python-docx raise several kinds on damaged parts
        raise DocumentUnreadable(f"The Word document could not be read ({type(error).__name__})") from error
    blocks = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n\n".join(blocks)


class _TextOfHtml(HTMLParser):
    SKIPPED = {"script", "style", "noscript", "template", "head", "svg"}
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "ul",
        "ol",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _html(text: str) -> str:
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


_MARKDOWN_RULES = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.MULTILINE), ""),  # heading marks
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),  # quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE), ""),  # list markers
    (re.compile(r"^[ \t]*(?:```|~~~).*$", re.MULTILINE), ""),  # code fences (their content stays)
    (re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis and inline code
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
    (re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE), ""),  # rules
]


def _markdown(text: str) -> str:
    for pattern, replacement in _MARKDOWN_RULES:
        text = pattern.sub(replacement, text)
    return text


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
