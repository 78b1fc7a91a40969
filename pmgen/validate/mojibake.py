"""Mojibake: UTF-8 text that was decoded as cp1252 or Mac Roman (and saved again).

Every character of such text stands for one byte of the original UTF-8. So a garbled
sequence is a run of characters whose bytes in the wrong code page form one complete,
valid UTF-8 character: a lead byte (0xC2-0xF4) and its continuation bytes (0x80-0xBF).
``ðŸŽ¯`` is F0 9F 8E AF in cp1252, which is UTF-8 for 🎯.

Real text rarely has such runs, but it can (German „GRÜ“ is DC 93 in cp1252, a valid
UTF-8 Syriac letter), so a lone 2-byte sequence only counts when it gives a Latin letter
from a lead byte that mojibake of Latin text produces (Ã, Â, Ä, Å; √, ¬, ƒ, ≈), a lone
3- or 4-byte one when it gives punctuation, a symbol, an arrow or an emoji, and
sequences of any script count when two or more touch (a garbled word).

cp1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D). Tools either keep
them as the C1 controls U+0081... (exact: read back as bytes) or drop them. A dropped
byte is guessed in two safe cases: a 4-byte emoji with one byte missing (``ðŸ—`` of 🏗),
and ``ï¸`` (EF B8 + 8F), the emoji variation selector U+FE0F. Editors also turn the
no-break space (byte A0) of ``âš\\xa0`` (⚠) into a plain space; that is read back as A0
only when more mojibake follows at once (``âš ï¸``).
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

UNDEFINED = (0x8F, 0x9D, 0x8D, 0x81, 0x90)  # cp1252 holes, in tie-break order


def _table(codec: str) -> dict[str, int]:
    table = {}
    for byte in range(0x80, 0x100):
        try:
            table[bytes([byte]).decode(codec)] = byte
        except UnicodeDecodeError:
            table[chr(byte)] = byte  # a hole kept as its C1 control character
    return table


TABLES = {"cp1252": _table("cp1252"), "mac_roman": _table("mac_roman")}
# Lead bytes of U+0080-U+017F (Latin-1 Supplement, Latin Extended-A): Â Ã Ä Å / ¬ √ ƒ ≈.
_LATIN_LEADS = range(0xC2, 0xC6)
_SYMBOLS = ((0x2000, 0x2BFF), (0x3000, 0x303F), (0xFE00, 0xFE0F), (0x1E00, 0x1EFF),
            (0x1F000, 0x1FAFF))
_EMOJI = ((0x1F300, 0x1F6FF), (0x1F900, 0x1FAFF), (0x2600, 0x27BF))
# When a lost byte leaves several emoji possible, the ones plans actually use win.
_FAVOURITES = "\ufe0f👍📝🏗🙏📍📁"


def _in(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= ord(char) <= high for low, high in ranges)


def _length(lead: int) -> int:
    return 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if lead <= 0xF4 else 0


@dataclass(frozen=True)
class _Seq:
    start: int
    end: int
    char: str
    size: int  # UTF-8 length of ``char``
    lead: int
    guessed: bool = False
    needs_next: bool = False  # a space read as A0: only with more mojibake right after


def _decode(data: list[int]) -> str | None:
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return None
    # A C1 control is never what the author typed: such a "repair" is a coincidence.
    return text if len(text) == 1 and not 0x80 <= ord(text) <= 0x9F else None


def _score(char: str) -> tuple[int, int]:
    if char in _FAVOURITES:
        return (3, -_FAVOURITES.index(char))
    return (2 if _in(char, _EMOJI) else 1, 0)


def _fill_gap(data: list[int], size: int) -> str | None:
    """The likeliest character when one cp1252 hole byte was dropped from ``data``."""
    best: tuple[tuple[int, int], str] | None = None
    for slot, byte in itertools.product(range(len(data), 0, -1), UNDEFINED):
        char = _decode(data[:slot] + [byte] + data[slot:])
        if char is None or unicodedata.category(char) in ("Cn", "Co", "Cc", "Cs"):
            continue
        if (size == 3 and char != "\ufe0f") or (size == 4 and not _in(char, _SYMBOLS)):
            continue
        if best is None or _score(char) > best[0]:
            best = (_score(char), char)
    return best[1] if best else None


def _sequence(line: str, i: int, codec: str) -> _Seq | None:
    table = TABLES[codec]
    lead = table.get(line[i])
    size = _length(lead) if lead is not None else 0
    if not size or lead is None:
        return None
    data, j = [lead], i + 1
    while len(data) < size and j < len(line) and 0x80 <= table.get(line[j], 0) <= 0xBF:
        data.append(table[line[j]])
        j += 1
    if len(data) == size:
        char = _decode(data)
        return _Seq(i, j, char, size, lead) if char else None
    if codec != "cp1252" or len(data) < size - 1 or len(data) < 2:
        return None
    char = _fill_gap(data, size)
    if char is not None:
        return _Seq(i, j, char, size, lead, guessed=True)
    if j < len(line) and line[j] == " ":
        char = _decode(data + [0xA0])
        if char is not None:
            return _Seq(i, j + 1, char, size, lead, needs_next=True)
    return None


def _lost_apple(line: str, i: int) -> _Seq | None:
    """Mac Roman shows F0 as the Apple logo U+F8FF, which is often lost: ``üéØ`` (🎯).

    Only a token of exactly those three characters counts (Turkish "üçüncü" is a word).
    """
    table = TABLES["mac_roman"]
    chunk = line[i:i + 3]
    if len(chunk) < 3 or table.get(chunk[0]) != 0x9F:
        return None
    if any(not 0x80 <= table.get(c, 0) <= 0xBF for c in chunk):
        return None
    if (i > 0 and not (line[i - 1].isspace() or line[i - 1] in "#*-([\"'`")) or (
        i + 3 < len(line) and not (line[i + 3].isspace() or line[i + 3] in ".,;:!?)]*\"'`")
    ):
        return None
    char = _decode([0xF0] + [table[c] for c in chunk])
    return _Seq(i, i + 3, char, 4, 0xF0, guessed=True) if char and _in(char, _EMOJI) else None


def _alone_ok(seq: _Seq) -> bool:
    if seq.needs_next:
        return False
    if seq.size == 2:
        return seq.lead in _LATIN_LEADS and not seq.guessed
    return _in(seq.char, _SYMBOLS)


def sequences(line: str, codec: str) -> list[_Seq]:
    """The garbled sequences of one line, under one wrong code page."""
    found: list[_Seq] = []
    i = 0
    while i < len(line):
        seq = _sequence(line, i, codec)
        if seq is None and codec == "mac_roman":
            seq = _lost_apple(line, i)
        if seq is None:
            i += 1
            continue
        found.append(seq)
        i = seq.end
    accepted: list[_Seq] = []
    cluster: list[_Seq] = []
    for seq in [*found, None]:
        if seq is not None and (not cluster or cluster[-1].end == seq.start):
            cluster.append(seq)
            continue
        if len(cluster) > 1:
            accepted.extend(s for s in cluster if not (s.needs_next and s is cluster[-1]))
        elif cluster and _alone_ok(cluster[0]):
            accepted.append(cluster[0])
        cluster = [seq] if seq is not None else []
    return accepted


def _apply(line: str, found: list[_Seq]) -> str:
    out, last = [], 0
    for seq in found:
        out.append(line[last:seq.start] + seq.char)
        last = seq.end
    return "".join(out) + line[last:]


@dataclass(frozen=True)
class Repair:
    codec: str  # the wrong code page of the first garbled sequence
    col: int  # 1-based column of the first garbled sequence
    garbled: str
    intended: str
    text: str  # the whole line repaired
    guessed: bool


def repair(line: str) -> Repair | None:
    """The repaired line, or None when it holds no mojibake.

    Repairs repeat until nothing changes, for text garbled twice: ``Ã¢â‚¬â„¢`` -> ’.
    """
    if line.isascii():
        return None
    first: tuple[str, list[_Seq]] | None = None
    guessed = False
    text = line
    while True:  # each round makes the text shorter, so this ends
        # The code page that explains more of the line wins (a Mac Roman line can hold a
        # pair that also looks like cp1252 mojibake); cp1252 on a tie.
        codec, found = max(
            ((name, sequences(text, name)) for name in TABLES),
            key=lambda pair: sum(s.end - s.start for s in pair[1]),
        )
        if not found:
            break
        if first is None:
            cluster = [found[0]]
            for seq in found[1:]:
                if seq.start != cluster[-1].end:
                    break
                cluster.append(seq)
            first = (codec, cluster)
        guessed = guessed or any(s.guessed for s in found)
        text = _apply(text, found)
    if first is None:
        return None
    codec, cluster = first
    garbled = line[cluster[0].start:cluster[-1].end]
    intended = "".join(s.char for s in cluster)
    again = repair(intended)
    return Repair(
        codec, cluster[0].start + 1, garbled, again.text if again else intended, text, guessed
    )


def shown(text: str) -> str:
    """``text`` for a one-line message: invisible characters as escapes."""
    return "".join(
        c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" if ord(c) < 0x100
        else f"\\u{ord(c):04x}" for c in text
    )
