"""A streaming JSON lexer whose every token is bounded while it is read.

It yields the events ijson's `basic_parse` yields (start_map, map_key,
end_map, start_array, end_array, string, number, boolean, null), but a
consumer can say, before it pulls the next event, how far into the stream
that event may reach (`stop_at`). A string is scanned with C-speed regex
over 64 KiB chunks, so time is linear in the bytes read; ijson's C backend
re-lexes a string that spans its buffers from its start (quadratic: a
128 MiB string took 42 s), and no parser that builds the string whole can stop
at a declared size. Reading ends as soon as a token passes `stop_at`, after at
most one more chunk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

CHUNK = 1 << 16
_MAX_NUMBER = 64  # bytes of a number token: sizes and counts need 20 at most

_WS = re.compile(rb"[ \t\n\r]*")
_CONTROL = bytes(range(0x20))
_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_LITERALS = {ord("t"): (b"true", ("boolean", True)), ord("f"): (b"false", ("boolean", False)),
             ord("n"): (b"null", ("null", None))}
_QUOTE = ord('"')
_START_MAP, _END_MAP, _START_ARRAY, _END_ARRAY = b"{}[]"
_COLON_BYTE, _COMMA = b":,"
_PUNCT = frozenset(b"{}[]:,")
_STRING, _SCALAR = -2, -3  # token kinds beside the punctuation bytes
# One whole token after whitespace, when it ends inside the buffer: punctuation,
# a short string without escapes, an integer followed by what may follow a value.
_TOKEN = re.compile(rb'[ \t\n\r]*(?:([{}\[\]:,])|"([^"\\\x00-\x1f]{0,256})"|'
                    rb"(-?(?:0|[1-9][0-9]{0,40}))(?=[ \t\n\r,}\]]))")
# A whole object of scalars (and at most one level of such objects: an entry's
# `sanitized` counts) that ends inside the buffer: one backup-file entry, in
# one match instead of some fifteen events. Only valid JSON matches (strict
# strings and integers), so what does not match takes the token path, which
# says what is wrong.
# Possessive: a run of plain characters is one step, and nothing is kept
# to backtrack into (sre's stack for a repeated group grows with its length).
_STR = rb'"(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+"'
_INT = rb"-?(?:0|[1-9][0-9]{0,40})"
_SCALARS = _STR + rb"|" + _INT + rb"|true|false|null"
_INNER = (rb"\{[ \t\n\r]*(?:" + _STR + rb"[ \t\n\r]*:[ \t\n\r]*(?:" + _SCALARS +
          rb")(?:[ \t\n\r]*,[ \t\n\r]*" + _STR + rb"[ \t\n\r]*:[ \t\n\r]*(?:" + _SCALARS +
          rb"))*)?[ \t\n\r]*\}")
_PAIR = _STR + rb"[ \t\n\r]*:[ \t\n\r]*(?:" + _SCALARS + rb"|" + _INNER + rb")"
_OBJECT = (rb"(\{[ \t\n\r]*(?:" + _PAIR + rb"(?:[ \t\n\r]*,[ \t\n\r]*" + _PAIR +
           rb")*+)?[ \t\n\r]*\})")
_FLAT = re.compile(rb"[ \t\n\r]*" + _OBJECT)
_FLAT_NEXT = re.compile(rb"[ \t\n\r]*,[ \t\n\r]*" + _OBJECT)  # after an element: its comma too
_FIRST_KEY = re.compile(rb'[ \t\n\r]*"([^"\\\x00-\x1f]{0,256})"[ \t\n\r]*:')
_NEXT_KEY = re.compile(rb'[ \t\n\r]*,[ \t\n\r]*"([^"\\\x00-\x1f]{0,256})"[ \t\n\r]*:')

# What the lexer expects next (the order matters: states from _KEY on are a map's).
_VALUE, _VALUE_OR_END, _KEY, _KEY_OR_END, _COLON, _COMMA_OR_END, _DONE = range(7)


class JSONError(ValueError):
    """The text is not JSON; the message says where and why, in yajl's words
    (ijson's C parser, used before) so that scripts matching them still do."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"parse error: {problem}")


class Overrun(Exception):
    """A token went past `stop_at`; `why` is the consumer's reason."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class Lexer:
    """`events()` over the bytes `read(n)` returns. `offset` is the stream
    position of the next unread token; set `stop_at` (an offset) and `why`
    before pulling the event that must end by then."""

    def __init__(self, stream: Any) -> None:
        self._read = stream.read
        self._buf = b""
        self._pos = 0
        self._base = 0  # stream offset of _buf[0]
        self._eof = False
        self.stop_at = 1 << 62
        self.why = ""
        # Set by the consumer: an array's elements that are flat objects come
        # as one ("flat_map", raw bytes of the object) event each.
        self.flat = False
        # Set by a consumer that only counts: strings come back empty, their
        # bytes scanned but never kept (bounded memory whatever their length),
        # and the flat objects in a row come as one ("flat_count", n) event.
        self.skip_strings = False

    @property
    def offset(self) -> int:
        return self._base + self._pos

    def _fill(self) -> bool:
        """More bytes after _pos; False at the end of the stream."""
        if self._eof:
            return False
        if self._base + self._pos > self.stop_at:
            raise Overrun(self.why)
        data = self._read(CHUNK)
        if not data:
            self._eof = True
            return False
        self._base += self._pos
        self._buf = self._buf[self._pos:] + data
        self._pos = 0
        return True

    def _next_byte(self) -> int:
        """The next byte after whitespace, consumed; -1 at the end."""
        while True:
            ws = _WS.match(self._buf, self._pos)
            end = ws.end() if ws else self._pos
            if end < len(self._buf):
                self._pos = end + 1
                return self._buf[end]
            self._pos = end
            if not self._fill():
                return -1

    def _string(self, keep: bool = True) -> str:
        """The rest of a string whose opening quote was consumed. The closing
        quote is found with bytes.find (memchr), not a regex, so a content
        string of megabytes costs about a copy. keep=False: scanned, checked
        and bounded the same, returned empty."""
        parts: list[bytes] = []
        escaped = False
        while True:
            buf, pos = self._buf, self._pos
            quote = buf.find(b'"', pos)
            end = quote if quote != -1 else len(buf)
            slash = buf.find(b"\\", pos, end)
            if slash != -1:
                end = slash
            piece = buf[pos:end]
            if len(piece.translate(None, _CONTROL)) != len(piece):
                raise JSONError(f"control character in a string near byte {self._base + pos}")
            if keep:
                parts.append(piece)
            self._pos = end
            if slash != -1:
                if slash + 2 > len(buf) and self._fill():
                    continue  # the escaped byte is in the next chunk
                escaped = True
                if keep:
                    parts.append(self._buf[self._pos:self._pos + 2])
                self._pos += 2
                continue
            if quote != -1:
                self._pos = quote + 1
                break
            if not self._fill():
                raise JSONError("premature end inside a string")
        if self._base + self._pos > self.stop_at:
            raise Overrun(self.why)
        if not keep:
            return ""
        raw = b"".join(parts)
        if not escaped:
            return raw.decode("utf-8")
        try:
            value = json.loads(b'"' + raw + b'"')
        except UnicodeDecodeError:
            raise
        except ValueError as e:
            raise JSONError(f"bad escape in a string: {e}") from None
        assert isinstance(value, str)
        return value

    def _scalar(self, c: int) -> tuple[str, Any]:
        """A number or literal starting with byte `c` (already consumed)."""
        # Enough bytes ahead that the token cannot continue past the buffer.
        while len(self._buf) - self._pos < _MAX_NUMBER and self._fill_keep(self._pos - 1):
            pass
        start = self._pos - 1
        if c in _LITERALS:
            word, event = _LITERALS[c]
            if self._buf.startswith(word, start):
                self._pos = start + len(word)
                return event
            raise JSONError(f"invalid literal at byte {self._base + start}")
        m = _NUMBER.match(self._buf, start)
        if m is None or m.end() == start:
            raise JSONError(f"unexpected byte {bytes((c,))!r} at byte {self._base + start}")
        if m.end() - start >= _MAX_NUMBER:
            raise JSONError(f"number of more than {_MAX_NUMBER} digits at byte "
                            f"{self._base + start}")
        self._pos = m.end()
        text = m.group()
        return "number", float(text) if m.group(1) or m.group(2) else int(text)

    def _fill_keep(self, start: int) -> bool:
        """_fill, keeping the bytes from `start` on; _pos stays on the token."""
        if self._eof:
            return False
        keep = self._pos - start
        self._pos = start
        more = self._fill()
        self._pos += keep
        return more

    def events(self) -> Iterator[tuple[str, Any]]:
        stack: list[bool] = []  # True: a map
        state = _VALUE
        fast = _TOKEN.match
        while True:
            if self.flat and stack and not stack[-1] and (
                    state <= _VALUE_OR_END or state == _COMMA_OR_END):
                f = (_FLAT_NEXT if state == _COMMA_OR_END else _FLAT).match(self._buf, self._pos)
                if f is not None:
                    if self._base + f.end() > self.stop_at:
                        raise Overrun(self.why)
                    self._pos = f.end()
                    state = _COMMA_OR_END
                    if not self.skip_strings:
                        yield "flat_map", f.group(1)
                        continue
                    # Counting: the rest of the buffer's run of them in one go.
                    # Each is shorter than the buffer, so no bound can be
                    # passed between two of them.
                    n, more, buf = 1, _FLAT_NEXT.match, self._buf
                    while (f := more(buf, self._pos)) is not None:
                        self._pos = f.end()
                        n += 1
                    yield "flat_count", n
                    continue
            # A map's next key with its comma and colon, in one match: the
            # most frequent tokens of a backup file.
            if stack and stack[-1] and state >= _KEY:
                k = (_NEXT_KEY if state == _COMMA_OR_END else _FIRST_KEY).match(
                    self._buf, self._pos)
                if k is not None and state != _COLON:
                    if self._base + k.end() > self.stop_at:
                        raise Overrun(self.why)
                    self._pos = k.end()
                    state = _VALUE
                    yield "map_key", k.group(1).decode("utf-8")
                    continue
            # Most tokens (punctuation, short plain strings, integers) are
            # matched whole inside the buffer by one regex; the rest, and
            # anything at the buffer's end, take the byte-by-byte path.
            m = fast(self._buf, self._pos)
            value: Any = None
            if m is not None:
                if self._base + m.end() > self.stop_at:
                    raise Overrun(self.why)
                self._pos = m.end()
                if m.lastindex == 1:
                    c = self._buf[m.start(1)]
                elif m.lastindex == 2:
                    c, value = _STRING, m.group(2).decode("utf-8")
                else:
                    c, value = _SCALAR, ("number", int(m.group(3)))
            else:
                c = self._next_byte()
                if c == _QUOTE:
                    # A key is always kept: duplicates are found by name.
                    c, value = _STRING, self._string(
                        not self.skip_strings or state in (_KEY, _KEY_OR_END))
                elif c not in _PUNCT and c != -1:
                    c, value = _SCALAR, self._scalar(c)
            if state == _DONE:
                if c == -1:
                    return
                raise JSONError(f"trailing garbage at byte {self.offset - 1}")
            if c == -1:
                raise JSONError("premature end")
            if state == _COLON:
                if c != _COLON_BYTE:
                    raise JSONError(f"expected ':' at byte {self.offset - 1}")
                state = _VALUE
                continue
            if state == _COMMA_OR_END:
                if c == _COMMA:
                    state = _KEY if stack[-1] else _VALUE
                    continue
                if c == (_END_MAP if stack[-1] else _END_ARRAY):
                    stack.pop()
                    yield ("end_map", None) if c == _END_MAP else ("end_array", None)
                    state = _COMMA_OR_END if stack else _DONE
                    continue
                raise JSONError(f"expected ',' or the end of the "
                                f"{'object' if stack[-1] else 'array'} at byte {self.offset - 1}")
            if state in (_KEY, _KEY_OR_END):
                if c == _END_MAP and state == _KEY_OR_END:
                    stack.pop()
                    yield "end_map", None
                    state = _COMMA_OR_END if stack else _DONE
                elif c == _STRING:
                    yield "map_key", value
                    state = _COLON
                else:
                    raise JSONError(f"expected a key at byte {self.offset - 1}")
                continue
            # _VALUE or _VALUE_OR_END
            if c == _STRING:
                yield "string", value
            elif c == _SCALAR:
                yield value
            elif c == _START_MAP:
                stack.append(True)
                yield "start_map", None
                state = _KEY_OR_END
                continue
            elif c == _START_ARRAY:
                stack.append(False)
                yield "start_array", None
                state = _VALUE_OR_END
                continue
            elif c == _END_ARRAY and state == _VALUE_OR_END:
                stack.pop()
                yield "end_array", None
            else:
                raise JSONError(f"unexpected {bytes((c,))!r} at byte {self.offset - 1}")
            state = _COMMA_OR_END if stack else _DONE
