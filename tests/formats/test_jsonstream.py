"""The lexer gives ijson's events for any JSON, whatever the chunking, and
refuses what json refuses."""

from __future__ import annotations

import io
import json
from typing import Any

import ijson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flexgit.formats.jsonstream import JSONError, Lexer, Overrun

values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner,
                                                                max_size=5),
    max_leaves=30)


class _Trickle(io.RawIOBase):
    """read(n) returns at most `step` bytes: every token crosses a chunk's end."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._at, self._step = data, 0, step

    def read(self, n: int = -1) -> bytes:
        piece = self._data[self._at:self._at + min(self._step, n if n > 0 else self._step)]
        self._at += len(piece)
        return piece


def _events(data: bytes, step: int) -> list[tuple[str, Any]]:
    return list(Lexer(_Trickle(data, step)).events())


@settings(max_examples=300, deadline=None)
@given(values, st.sampled_from([None, 0, 2]), st.booleans(), st.sampled_from([1, 3, 7, 1 << 16]))
def test_same_events_as_ijson(value: Any, indent: int | None, ascii_only: bool,
                              step: int) -> None:
    data = json.dumps(value, indent=indent, ensure_ascii=ascii_only).encode("utf-8",
                                                                            "surrogatepass")
    try:
        expected = list(ijson.basic_parse(io.BytesIO(data), use_float=True))
    except Exception:
        return  # lone surrogates: ijson refuses what json writes; not our reference then
    assert _events(data, step) == expected


@pytest.mark.parametrize("text", ['{"a": 1,}', "[1 2]", '{"a" 1}', '"\\x"', "01", "[",
                                  '{"a": tru}', '"a\nb"', "1 2", "-", "{1: 2}", "]"])
def test_refuses_what_json_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(JSONError, match=r"^parse error: "):
        _events(text.encode(), 1 << 16)


def test_a_string_past_stop_at_is_refused_before_its_end() -> None:
    lexer = Lexer(_Trickle(b'["' + b"A" * (1 << 20), 1 << 16))
    events = lexer.events()
    assert next(events) == ("start_array", None)
    lexer.stop_at, lexer.why = lexer.offset + 100, "too long"
    with pytest.raises(Overrun, match="too long"):
        next(events)
    assert lexer.offset <= 2 * (1 << 16)


def _rebuild(events: list[tuple[str, Any]]) -> Any:
    """The value a list of events stands for; a flat_map is its object's JSON."""
    stack: list[Any] = []
    keys: list[str | None] = []
    out: Any = None

    def put(v: Any) -> None:
        nonlocal out
        if not stack:
            out = v
        elif isinstance(stack[-1], list):
            stack[-1].append(v)
        else:
            stack[-1][keys[-1]] = v

    for ev, v in events:
        if ev in ("start_map", "start_array"):
            c: Any = {} if ev == "start_map" else []
            put(c)
            stack.append(c)
            keys.append(None)
        elif ev in ("end_map", "end_array"):
            stack.pop()
            keys.pop()
        elif ev == "map_key":
            keys[-1] = v
        elif ev == "flat_map":
            put(json.loads(v))
        else:
            put(v)
    return out


flat_values = st.dictionaries(st.text(max_size=10), st.none() | st.booleans() | st.integers(
    -(2**63), 2**63 - 1) | st.text(max_size=40) | st.dictionaries(
    st.text(max_size=5), st.integers(0, 99), max_size=3), max_size=6)
arrays = st.lists(flat_values | values, max_size=12)


@settings(max_examples=100, deadline=None)
@given(arrays, st.sampled_from([None, 0, 2]), st.booleans(), st.sampled_from([7, 1 << 16]))
def test_flat_objects_come_whole_and_mean_the_same(value: Any, indent: int | None,
                                                   ascii_only: bool, step: int) -> None:
    data = json.dumps({"files": value}, indent=indent, ensure_ascii=ascii_only).encode(
        "utf-8", "surrogatepass")
    lexer = Lexer(_Trickle(data, step))
    lexer.flat = True
    events = list(lexer.events())
    assert _rebuild(events) == json.loads(data)
    if step == 1 << 16 and all(_flat(v) for v in value):
        assert sum(ev == "flat_map" for ev, _ in events) == len(value)


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, str))


def _flat(v: Any) -> bool:
    """An object of scalars and objects of scalars: what comes in one event."""
    return isinstance(v, dict) and all(
        _scalar(x) or (isinstance(x, dict) and all(_scalar(y) for y in x.values()))
        for x in v.values())


@settings(max_examples=50, deadline=None)
@given(st.lists(flat_values, max_size=40), st.sampled_from([None, 2]))
def test_counting_sees_every_element(value: Any, indent: int | None) -> None:
    data = json.dumps([value], indent=indent).encode("utf-8", "surrogatepass")
    lexer = Lexer(_Trickle(data, 1 << 16))
    lexer.flat = lexer.skip_strings = True
    n = 0
    depth = 0
    for ev, v in lexer.events():
        if ev in ("start_map", "start_array"):
            n += depth == 2
            depth += 1
        elif ev in ("end_map", "end_array"):
            depth -= 1
        elif ev == "flat_count":
            n += v
        elif depth == 2:
            n += 1
    assert n == len(value)
