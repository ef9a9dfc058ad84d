"""Splitting extracted text into passages, the unit the agent retrieves and quotes.

Paragraphs are kept whole where they fit; longer ones are cut at sentence ends. A passage holds
up to 160 words (about a paragraph or two: enough context to answer, short enough to quote), and
remembers its page so an answer can name where it came from.
"""

import re
from dataclasses import dataclass

MAX_WORDS = 160
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Passage:
    index: int
    page: int | None
    text: str


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text.replace("\n", " ")) if part.strip()]


def _page_texts(page: str) -> list[str]:
    """One page's passages: whole paragraphs packed up to MAX_WORDS, long ones cut at sentences."""
    texts: list[str] = []
    current: list[str] = []
    count = 0
    for paragraph in (p.strip() for p in page.split("\n\n")):
        if not paragraph:
            continue
        pieces = [paragraph] if len(paragraph.split()) <= MAX_WORDS else sentences(paragraph)
        for piece in pieces:
            words = piece.split()
            while len(words) > MAX_WORDS:  # a "sentence" without ends (a table dumped as one line)
                if current:
                    texts.append(" ".join(current))
                    current, count = [], 0
                texts.append(" ".join(words[:MAX_WORDS]))
                words = words[MAX_WORDS:]
            if current and count + len(words) > MAX_WORDS:
                texts.append(" ".join(current))
                current, count = [], 0
            current.append(" ".join(words))
            count += len(words)
        if count >= MAX_WORDS // 2:
            texts.append(" ".join(current))
            current, count = [], 0
    if current:
        texts.append(" ".join(current))
    return [text for text in texts if text]


def split_passages(pages: list[str], paged: bool) -> list[Passage]:
    passages: list[Passage] = []
    for page_number, page in enumerate(pages, start=1):
        for text in _page_texts(page):
            passages.append(Passage(len(passages), page_number if paged else None, text))
    return passages
