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


def split_passages(pages: list[str], paged: bool) -> list[Passage]:
    passages: list[Passage] = []
    for page_number, page in enumerate(pages, start=1):
        current: list[str] = []
        count = 0

        def flush() -> None:
            nonlocal current, count
            if current:
                passages.append(Passage(len(passages), page_number if paged else None, " ".join(current)))
            current, count = [], 0

        for paragraph in (p.strip() for p in page.split("\n\n")):
            if not paragraph:
                continue
            pieces = [paragraph] if len(paragraph.split()) <= MAX_WORDS else sentences(paragraph)
            for piece in pieces:
                words = piece.split()
                while len(words) > MAX_WORDS:  # a "sentence" without ends (a table row dump)
                    flush()
                    passages.append(
                        Passage(len(passages), page_number if paged else None, " ".join(words[:MAX_WORDS]))
                    )
                    words = words[MAX_WORDS:]
                if count + len(words) > MAX_WORDS:
                    flush()
                current.append(" ".join(words))
                count += len(words)
            if count >= MAX_WORDS // 2:
                flush()
        flush()
    return passages
