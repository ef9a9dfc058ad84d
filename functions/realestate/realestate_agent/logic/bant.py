"""BANT: the qualification score, and the scores the agent proposes from the conversation itself.

* ``qualificationScore`` is the share of the 40 possible points, rounded half up:
  8 + 7 + 9 + 6 = 30 of 40 -> 75 (the spec's example); 8 + 8 + 9 + 7 -> 80.
* Suggestions read each user message as it arrives and keep, per criterion, the strongest signal
  seen so far with the phrases that gave it (``evidence``), so staff can see why:
  - budget: a stated amount ("$500k", "500,000", "half a million", "1.2m") -> 8, raised to 9 by
    "pre-approved"/"cash buyer"; "budget"/"afford" without a figure -> 5; "not sure what we can
    afford" -> 3;
  - authority: "I decide", "my decision", "I'm the buyer" -> 9; "my wife and I", "we" deciding
    together -> 7; "need to ask/check with" someone -> 4;
  - need: a concrete requirement (bedrooms, bathrooms, "looking for", "need", "relocating",
    "moving") -> 8, 9 with two or more; "just browsing/curious" -> 2;
  - timeline: "asap", "urgent", "this month", "within N weeks" -> 9; "within N months" (N <= 3),
    "next month", "by summer" -> 7; N in 4-6 months -> 6; "next year", "no rush" -> 3.
  A criterion with no signal is 0. Suggestions never change a lead by themselves: staff accept
  them (``POST /leads/{id}/bant-score/accept-suggestion``).
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CRITERIA = ("budget", "authority", "need", "timeline")


def qualification_score(scores: dict[str, int]) -> int:
    total = sum(int(scores[name]) for name in CRITERIA)
    return int((Decimal(total) * 100 / 40).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_AMOUNT = re.compile(
    r"(?:\$|usd\s?|€|£)\s?\d[\d,.]*\s?(?:k|m|mm|million|thousand)?\b|\b\d[\d,.]*\s?(?:k|m|million|thousand)\b(?!\s*(?:sq|square|km|miles|minutes))"
    r"|\b\d{1,3}(?:,\d{3}){1,3}\b|half a million",
    re.IGNORECASE,
)


def _any(*alternatives: str) -> re.Pattern:
    return re.compile("|".join(alternatives), re.IGNORECASE)


_RULES: dict[str, list[tuple[int, re.Pattern]]] = {
    "budget": [
        (9, _any(r"\bpre-?approved\b", r"\bcash buyer\b", r"\bmortgage (?:is )?approved\b")),
        (3, _any(r"\bnot sure (?:what|how much) (?:we|i) can afford\b", r"\bno idea (?:about|on) (?:the )?budget\b")),
        (5, _any(r"\bbudget\b", r"\bafford\b", r"\bprice range\b")),
    ],
    "authority": [
        (
            9,
            _any(
                r"\bi(?:'m| am) the (?:buyer|decision maker)\b",
                r"\bi decide\b",
                r"\bmy decision\b",
                r"\bi make the (?:call|decision)\b",
            ),
        ),
        (4, _any(r"\b(?:need|have) to (?:ask|check with|talk to|consult)\b", r"\bnot my decision\b")),
        (
            7,
            _any(
                r"\bmy (?:wife|husband|partner|spouse) and i\b",
                r"\bwe(?:'re| are) (?:buying|deciding|looking)\b",
                r"\bwe decide\b",
            ),
        ),
    ],
    "need": [
        (2, _any(r"\bjust (?:browsing|looking around|curious)\b")),
        (
            8,
            _any(
                r"\b\d+\s?-?\s?(?:bed(?:room)?s?|bath(?:room)?s?|br)\b",
                r"\blooking for\b",
                r"\bneed (?:a|an|to)\b",
                r"\brelocat",
                r"\bmoving\b",
                r"\bgarage\b",
                r"\bschool",
            ),
        ),
    ],
    "timeline": [
        (
            9,
            _any(
                r"\basap\b",
                r"\burgent(?:ly)?\b",
                r"\bthis month\b",
                r"\bright away\b",
                r"\bimmediately\b",
                r"\bwithin (?:a|one|two|three|\d) weeks?\b",
            ),
        ),
        (
            7,
            _any(
                r"\bnext month\b",
                r"\bwithin (?:a|one|two|three|[1-3]) months?\b",
                r"\bby (?:spring|summer|fall|autumn|winter)\b",
                r"\bin (?:two|three|[23]) months\b",
            ),
        ),
        (6, _any(r"\b(?:within|in) (?:four|five|six|[4-6]|3-6|3 to 6) months\b")),
        (3, _any(r"\bnext year\b", r"\bno rush\b", r"\bsomeday\b", r"\bin a (?:year|few years)\b")),
    ],
}


def analyse(text: str) -> dict[str, tuple[int, list[str]]]:
    """Signals in one message: criterion -> (score, phrases). The first rule that matches decides."""
    found: dict[str, tuple[int, list[str]]] = {}
    for criterion, rules in _RULES.items():
        for score, pattern in rules:
            phrases = [match.group(0) for match in pattern.finditer(text)]
            if phrases:
                if criterion == "need" and score == 8 and len(phrases) >= 2:
                    score = 9
                found[criterion] = (score, phrases[:3])
                break
    amounts = [match.group(0).strip() for match in _AMOUNT.finditer(text)]
    if amounts:
        score, phrases = found.get("budget", (0, []))
        found["budget"] = (max(score, 8), phrases + amounts[:3])
    return found


def merge_suggestion(previous: dict[str, Any] | None, text: str, now: str) -> dict[str, Any] | None:
    """The conversation's suggestion after one more user message (None while nothing was seen)."""
    signals = analyse(text)
    if not signals and previous is None:
        return None
    suggestion = {name: int((previous or {}).get(name, 0)) for name in CRITERIA}
    evidence: dict[str, list[str]] = {
        name: list(((previous or {}).get("evidence") or {}).get(name, [])) for name in CRITERIA
    }
    for criterion, (score, phrases) in signals.items():
        if score >= suggestion[criterion]:
            suggestion[criterion] = score
            evidence[criterion] = (evidence[criterion] + phrases)[-5:]
    return {
        **suggestion,
        "qualificationScore": qualification_score(suggestion),
        "evidence": {name: phrases for name, phrases in evidence.items() if phrases},
        "updatedAt": now,
    }


def missing_criteria(suggestion: dict[str, Any] | None) -> list[str]:
    return [name for name in CRITERIA if not (suggestion or {}).get(name)]
