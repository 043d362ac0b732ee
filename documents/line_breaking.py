"""Breaking text into lines on the GB/T 9704 character grid, and shaping titles.

Pure functions: widths come in as numbers (points) and a ``measure`` callable, so the PDF renderer
can hand in reportlab's font metrics and the tests a simple stand-in.

Units
-----
Text is cut into tokens. A *wide* character (East Asian width W, F or A: 汉字, full-width
punctuation, ``“”…—·□①``) is a token of its own and takes exactly one grid *cell*, whatever its
glyph's advance. A run of other (half-width) characters without spaces — ``2026``, ``PDF``,
``GB/T``, ``9704-2012``, ``(1)`` — is one token that keeps its real advance (``measure``) and is
never split, unless it is wider than a whole line (then, and only then, it is cut character by
character). A run of ASCII spaces is a break opportunity and disappears at either end of a line.

避头尾
------
No line may start with a character of ``layout.NO_LINE_START`` nor end with one of
``layout.NO_LINE_END``. Two remedies exist: hanging punctuation (let a line overflow the right edge
by one character) and pulling the previous character down. **This module pulls down**: the
printed 版心 is a hard edge (GB/T 9704 fills it exactly with 28 cells; a hanging comma would print
in the right margin), so when the character after a full line may not start a line, the break moves
left to the nearest legal position and the line that results is one or more cells short; the
renderer justifies it (spreads the spare space over its gaps), as Word and WPS do with 两端对齐.
Only when a line contains no legal break at all (e.g. 30 ellipses in a row) is the break forced at
the line's end.

Titles
------
``break_title`` shapes a long 标题 into a trapezoid (each line no longer than the one above) or, for
three or more lines, a diamond (growing to a longest middle line, then shrinking); a rectangle of
equal lines is avoided when another legal shape exists, an hourglass or a widening staircase only
when nothing else fits. It breaks only where the wording allows (see ``title_breaks``): after
punctuation, before an opening bracket or quote, after the particles 的 / 关于 / 对 / 和 / 及 / 与
and after 同志, and between a run of 汉字 and a run of Latin letters or digits — or at the
positions the caller gives. Among the legal ways to cut, it picks the cheapest (``_title_cost``):
fewest lines first, then a valid shape, then balanced line lengths, then stronger break points.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from documents.layout import NO_LINE_END, NO_LINE_START

Measure = Callable[[str], float]     # advance, in points, of a run of half-width characters

EPSILON = 0.01                       # points: rounding slack when comparing widths
TokenKind = Literal["wide", "narrow", "space"]


@dataclass(frozen=True)
class Token:
    text: str
    width: float                     # points
    kind: TokenKind


@dataclass
class Line:
    tokens: list[Token]              # no leading or trailing space tokens
    indent: float                    # points from the left edge of the measure
    last: bool                       # the paragraph's last line (not justified)

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    @property
    def width(self) -> float:
        """Natural width in points, the indent excluded."""
        return sum(t.width for t in self.tokens)


def is_wide(ch: str) -> bool:
    """Whether ``ch`` takes one grid cell (East Asian width W, F or ambiguous A)."""
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def _is_space(ch: str) -> bool:
    return ch in (" ", "\t", "\u00a0")


def tokenize(text: str, cell: float, measure: Measure) -> list[Token]:
    """Cut ``text`` into wide characters (one ``cell`` each), half-width words and spaces."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if _is_space(ch):
            j = i
            while j < n and _is_space(text[j]):
                j += 1
            run = " " * (j - i)
            tokens.append(Token(run, measure(run), "space"))
            i = j
        elif is_wide(ch):
            tokens.append(Token(ch, cell, "wide"))
            i += 1
        else:
            j = i
            while j < n and not _is_space(text[j]) and not is_wide(text[j]):
                j += 1
            word = text[i:j]
            tokens.append(Token(word, measure(word), "narrow"))
            i = j
    return tokens


def can_break(before: str, after: str) -> bool:
    """Whether a line may end with the character ``before`` and the next start with ``after``."""
    return before not in NO_LINE_END and after not in NO_LINE_START


def _split_wide_words(tokens: list[Token], limit: float, measure: Measure) -> list[Token]:
    """Cut half-width words wider than ``limit`` into single characters (a last resort)."""
    out: list[Token] = []
    for tok in tokens:
        if tok.kind == "narrow" and tok.width > limit + EPSILON and len(tok.text) > 1:
            out.extend(Token(ch, measure(ch), "narrow") for ch in tok.text)
        else:
            out.append(tok)
    return out


def _legal_at(tokens: Sequence[Token], start: int, b: int) -> bool:
    """Whether breaking before ``tokens[b]`` (the line began at ``start``) respects 避头尾,
    looking through spaces on either side."""
    i = b - 1
    while i >= start and tokens[i].kind == "space":
        i -= 1
    j = b
    while j < len(tokens) and tokens[j].kind == "space":
        j += 1
    if i < start or j >= len(tokens):
        return False
    return can_break(tokens[i].text[-1], tokens[j].text[0])


def _trim(tokens: list[Token]) -> list[Token]:
    lo, hi = 0, len(tokens)
    while lo < hi and tokens[lo].kind == "space":
        lo += 1
    while hi > lo and tokens[hi - 1].kind == "space":
        hi -= 1
    return tokens[lo:hi]


def break_tokens(tokens: Sequence[Token], width: float, *, first_indent: float = 0.0,
                 rest_indent: float = 0.0) -> list[Line]:
    """Greedy line breaking of ``tokens`` into lines ``width`` points wide (indents included),
    with 避头尾 by pulling characters down (see the module docstring)."""
    toks = list(tokens)
    n = len(toks)
    lines: list[Line] = []
    start = 0
    while True:
        while start < n and toks[start].kind == "space":
            start += 1
        if start >= n:
            break
        indent = first_indent if not lines else rest_indent
        avail = width - indent
        end, used = start, 0.0
        while end < n:
            tok = toks[end]
            if tok.kind != "space" and used + tok.width > avail + EPSILON:
                break
            used += tok.width
            end += 1
        if end >= n:
            lines.append(Line(_trim(toks[start:n]), indent, True))
            break
        if end == start:
            end = start + 1                      # one token wider than the line: it goes alone
        b = end
        while b > start + 1 and not _legal_at(toks, start, b):
            b -= 1
        if not _legal_at(toks, start, b):
            b = end                              # no legal break in this line: forced
        lines.append(Line(_trim(toks[start:b]), indent, False))
        start = b
    if lines:
        lines[-1].last = True
    return lines


def break_paragraph(text: str, width: float, *, cell: float, measure: Measure, first_indent: float = 0.0,
                    rest_indent: float = 0.0) -> list[Line]:
    """Break one paragraph (no newlines) into lines ``width`` points wide.

    ``cell`` is the grid pitch for this type size; indents are in points (``2 * cell`` for the
    usual two-character first-line indent)."""
    tokens = tokenize(text, cell, measure)
    limit = width - max(first_indent, rest_indent)
    tokens = _split_wide_words(tokens, max(limit, cell), measure)
    return break_tokens(tokens, width, first_indent=first_indent, rest_indent=rest_indent)


def place(line: Line, width: float, *, justify: bool) -> list[tuple[float, Token]]:
    """Each token of ``line`` with its x offset (points) from the left edge of the measure.

    With ``justify`` and a line that is not a paragraph's last, the spare room is spread evenly
    over the gaps between tokens so the line ends flush with the right edge."""
    extra = 0.0
    if justify and not line.last and len(line.tokens) > 1:
        spare = width - line.indent - line.width
        if spare > EPSILON:
            extra = spare / (len(line.tokens) - 1)
    out: list[tuple[float, Token]] = []
    x = line.indent
    for tok in line.tokens:
        out.append((x, tok))
        x += tok.width + extra
    return out


# ---------------------------------------------------------------------------------------------
# Titles

PARTICLES_AFTER = ("的", "关于", "同志")        # a break after these is good
WEAK_PARTICLES_AFTER = ("对", "和", "及", "与")  # acceptable, but they also occur inside words
PUNCTUATION = NO_LINE_START + "、，。；：？！"

STRONG, GOOD, WEAK, FORCED = 3, 2, 1, 0
_BREAK_PENALTY = {STRONG: 0.0, GOOD: 4.0, WEAK: 15.0, FORCED: 200.0}
_EXTRA_LINE_PENALTY = 300.0
_BAD_SHAPE_PENALTY = 1000.0
_RECTANGLE_PENALTY = 80.0
_MAX_LINES = 6
_MAX_CANDIDATES = 20000
_MIN_LINE_SHARE = 0.35              # a title line (not the last) at least this share of the measure


def title_breaks(text: str) -> dict[int, int]:
    """Break opportunities in a title: position ``p`` (a break between ``text[p-1]`` and
    ``text[p]``) → strength (``STRONG`` after punctuation or before an opening bracket, ``GOOD``
    after 的/关于/同志 or between 汉字 and Latin/digits, ``WEAK`` after 对/和/及/与). Positions
    that would break 避头尾 or fall inside a half-width word are left out."""
    out: dict[int, int] = {}
    for p in range(1, len(text)):
        a, b = text[p - 1], text[p]
        if not can_break(a, b) or _is_space(a) or _is_space(b):
            continue
        strength = -1
        if a in PUNCTUATION or b in NO_LINE_END:
            strength = STRONG
        elif any(text[:p].endswith(w) for w in PARTICLES_AFTER) or is_wide(a) != is_wide(b):
            strength = GOOD
        elif a in WEAK_PARTICLES_AFTER:
            strength = WEAK
        if strength >= 0:
            out[p] = strength
    # around spaces: break at the space itself (it disappears)
    for p, ch in enumerate(text):
        if _is_space(ch) and 0 < p < len(text) - 1:
            out[p] = STRONG
    return out


def _fallback_breaks(text: str) -> dict[int, int]:
    """Every position that is not inside a half-width word and respects 避头尾."""
    return {p: FORCED for p in range(1, len(text))
            if can_break(text[p - 1], text[p]) and (is_wide(text[p - 1]) or is_wide(text[p]))}


def _shape(lengths: Sequence[float], tol: float) -> str:
    """'one', 'trapezoid', 'diamond', 'rectangle' or 'bad' for line lengths in cells."""
    k = len(lengths)
    if k == 1:
        return "one"
    if all(abs(x - lengths[0]) <= tol for x in lengths):
        return "rectangle"
    if all(a >= b - tol for a, b in pairwise(lengths)):
        return "trapezoid"
    if k >= 3:
        peak = max(range(k), key=lambda i: lengths[i])
        top = lengths[peak]
        if (0 < peak < k - 1 and lengths[0] < top - tol and lengths[-1] < top - tol
                and all(a <= b + tol for a, b in pairwise(lengths[:peak + 1]))
                and all(a >= b - tol for a, b in pairwise(lengths[peak:]))):
            return "diamond"
    return "bad"


def _title_cost(lengths: Sequence[float], strengths: Sequence[int], min_lines: int) -> float:
    shape = _shape(lengths, 0.5)
    cost = _EXTRA_LINE_PENALTY * (len(lengths) - min_lines)
    if shape == "bad":
        cost += _BAD_SHAPE_PENALTY
    elif shape == "rectangle":
        cost += _RECTANGLE_PENALTY
    longest = max(lengths)
    cost += sum((longest - x) ** 2 for x in lengths)
    cost += sum(_BREAK_PENALTY[s] for s in strengths)
    return cost


def title_shape(lengths: Sequence[float]) -> str:
    """The shape of a title's line lengths (in cells): one, trapezoid, diamond, rectangle or bad."""
    return _shape(lengths, 0.5)


def break_title(text: str, max_width: float, *, cell: float, measure: Measure,
                breaks: Sequence[int] | None = None) -> list[str]:
    """Break a title into lines no wider than ``max_width`` points, shaped as a trapezoid or a
    diamond (see the module docstring). ``breaks``, when given, are the only positions (indices
    into ``text``) where a line may end, whatever the shape; otherwise ``title_breaks`` finds them.
    When no combination of those fits, or (without ``breaks``) only a badly shaped one does, any
    position outside a half-width word is allowed, at a high cost."""
    text = text.strip()
    if not text:
        return []
    # Width of text[i:j] in points, counting half-width words whole.
    tokens = tokenize(text, cell, measure)
    starts: list[int] = []
    offsets: list[float] = [0.0]
    pos = 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok.text)
        offsets.append(offsets[-1] + tok.width)
    index_of = {s: i for i, s in enumerate(starts)} | {len(text): len(tokens)}

    def width(i: int, j: int) -> float:
        a, b = index_of[i], index_of[j]
        w = offsets[b] - offsets[a]
        # spaces at either end disappear
        while a < b and tokens[a].kind == "space":
            w -= tokens[a].width
            a += 1
        while b > a and tokens[b - 1].kind == "space":
            w -= tokens[b - 1].width
            b -= 1
        return w

    if width(0, len(text)) <= max_width + EPSILON:
        return [text]
    if breaks is not None:
        candidates = {p: STRONG for p in breaks if 0 < p < len(text) and p in index_of}
    else:
        candidates = {p: s for p, s in title_breaks(text).items() if p in index_of}
    found = _best_title_split(text, candidates, max_width, cell, width, extra_lines=1)
    if found is None or (found[1] >= _BAD_SHAPE_PENALTY and breaks is None):
        # no legal combination, or only badly shaped ones: allow any position outside a word
        fallback = {p: s for p, s in _fallback_breaks(text).items() if p in index_of}
        forced = _best_title_split(text, fallback | candidates, max_width, cell, width, extra_lines=0)
        if forced is not None and (found is None or forced[1] < found[1]):
            found = forced
    if found is None:
        # nothing legal fits (a run of punctuation longer than a line): ignore 避头尾 too
        anywhere = {p: FORCED for p in index_of if 0 < p < len(text)}
        found = _best_title_split(text, anywhere, max_width, cell, width, extra_lines=0)
    best = found[0] if found is not None else sorted(p for p in index_of if 0 < p < len(text))
    cuts = [0, *best, len(text)]
    return [text[a:b].strip() for a, b in pairwise(cuts) if text[a:b].strip()]


def _best_title_split(text: str, candidates: dict[int, int], max_width: float, cell: float,
                      width: Callable[[int, int], float], extra_lines: int) -> tuple[list[int], float] | None:
    """The cheapest cuts (and their cost) using ``candidates``, with at most ``extra_lines`` more
    lines than the fewest possible; None when the text cannot be cut to fit.

    A depth-first search, longest first line first, that skips lines shorter than
    ``_MIN_LINE_SHARE`` of the measure (except the last) and partial shapes that already widen
    again after narrowing (an hourglass can only get worse); at most ``_MAX_CANDIDATES``
    complete cuttings are scored."""
    positions = sorted(candidates, reverse=True)
    n = len(text)
    # The fewest lines possible: greedily take the longest first line each time.
    min_lines, start = 1, 0
    while width(start, n) > max_width + EPSILON:
        fits = [p for p in positions if p > start and width(start, p) <= max_width + EPSILON]
        if not fits:
            return None
        start = max(fits)
        min_lines += 1
    max_lines = min(min_lines + extra_lines, _MAX_LINES)
    shortest = _MIN_LINE_SHARE * max_width / cell
    tol = 0.5
    best: list[int] | None = None
    best_cost = float("inf")
    seen = 0

    def walk(start: int, cuts: list[int], lengths: list[float], narrowed: bool) -> None:
        nonlocal best, best_cost, seen
        if seen >= _MAX_CANDIDATES:
            return
        lines_left = max_lines - len(cuts)
        rest = width(start, n)
        if rest > lines_left * max_width + EPSILON:
            return
        if rest <= max_width + EPSILON:
            seen += 1
            cost = _title_cost([*lengths, rest / cell], [candidates[c] for c in cuts], min_lines)
            if cost < best_cost:
                best, best_cost = list(cuts), cost
        if lines_left <= 1:
            return
        for p in positions:
            if p <= start:
                break
            w = width(start, p)
            if w > max_width + EPSILON:
                continue
            length = w / cell
            if length < shortest:
                break
            prev = lengths[-1] if lengths else None
            if narrowed and prev is not None and length > prev + tol:
                continue                      # widening after narrowing: an hourglass
            cuts.append(p)
            lengths.append(length)
            walk(p, cuts, lengths, narrowed or (prev is not None and length < prev - tol))
            cuts.pop()
            lengths.pop()

    walk(0, [], [], False)
    return None if best is None else (best, best_cost)
