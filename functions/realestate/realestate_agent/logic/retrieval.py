"""Lexical retrieval over an agent's passages: Okapi BM25 (k1 = 1.2, b = 0.75).

BM25 is what search engines use for keyword relevance; it needs no model, runs in a few
milliseconds over thousands of passages, and its matches can be explained (the shared terms).
Terms are Unicode words, lower-cased, without English stop words, Snowball-stemmed ("bedrooms"
and "bedroom" match). Numbers stay terms ("3", "500k"), so "3-bedroom under $500k" finds them.

The worker stores each passage's term counts in the document's knowledge shard; an ``Index`` is
built from the shards of the agent's ready documents and cached by the warm instance per
knowledge version, so a reply costs no S3 read unless the knowledge changed.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

K1 = 1.2
B = 0.75
_WORD = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "hi",
        "hello",
        "hey",
        "please",
        "thanks",
        "thank",
        "im",
        "i'm",
        "i'd",
        "i'll",
        "ive",
        "i've",
        "let",
        "lets",
        "let's",
        "get",
        "got",
        "like",
        "want",
        "looking",
        "look",
        "also",
        "us",
        "one",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def terms(text: str) -> list[str]:
    words = [match.group(0).lower().replace(",", "") for match in _WORD.finditer(text)]
    words = [word for word in words if word not in STOP_WORDS]
    return _stemmer().stemWords(words)


def term_counts(text: str) -> dict[str, int]:
    return dict(Counter(terms(text)))


@dataclass(frozen=True)
class Hit:
    passage: dict[str, Any]  # {id, documentId, documentName, page, text}
    score: float
    matched: tuple[str, ...]


@dataclass
class Index:
    passages: list[dict[str, Any]] = field(default_factory=list)
    counts: list[dict[str, int]] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_shards(cls, shards: list[dict[str, Any]]) -> "Index":
        index = cls()
        for shard in shards:
            for passage in shard["passages"]:
                position = len(index.passages)
                index.passages.append(
                    {
                        "id": f"{shard['documentId']}:{passage['index']}",
                        "documentId": shard["documentId"],
                        "documentName": shard["documentName"],
                        "page": passage.get("page"),
                        "text": passage["text"],
                    }
                )
                counts = passage["terms"]
                index.counts.append(counts)
                index.lengths.append(sum(counts.values()))
                for term in counts:
                    index.postings.setdefault(term, []).append(position)
        return index

    def search(self, query: dict[str, float], limit: int = 3) -> list[Hit]:
        """The best passages for weighted query terms; only passages sharing a term score."""
        if not self.passages or not query:
            return []
        total = len(self.passages)
        average = sum(self.lengths) / total or 1.0
        scores: dict[int, float] = {}
        matched: dict[int, list[str]] = {}
        for term, weight in query.items():
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
            for position in postings:
                frequency = self.counts[position][term]
                norm = frequency + K1 * (1 - B + B * self.lengths[position] / average)
                scores[position] = scores.get(position, 0.0) + weight * idf * frequency * (K1 + 1) / norm
                matched.setdefault(position, []).append(term)
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [Hit(self.passages[position], round(score, 4), tuple(matched[position])) for position, score in best]


def weighted_query(question: str, context: str = "", context_weight: float = 0.3) -> dict[str, float]:
    """The question's terms (weight 1 each occurrence) plus, lightly, the agent's focus (its
    system prompt), so a downtown specialist prefers downtown passages when both match."""
    query: dict[str, float] = {}
    for term in terms(question):
        query[term] = query.get(term, 0.0) + 1.0
    if query:
        for term in set(terms(context)):
            query[term] = query.get(term, 0.0) + context_weight
    return query
