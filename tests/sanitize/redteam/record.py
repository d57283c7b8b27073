"""What the red-team generator planted, and where: the record the leak test
judges the store against."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Plant:
    """One planted secret or personal datum: where, in which idiom, of which class."""

    cls: str
    idiom: str
    file: str
    line: int
    value: str
    fragments: tuple[str, ...] = ()

    def where(self) -> str:
        return f"{self.cls}/{self.idiom} in {self.file}:{self.line}"


@dataclass(frozen=True)
class Keep:
    """A functional line that must come out byte-identical."""

    idiom: str
    file: str
    line: int
    text: str


@dataclass(frozen=True)
class UserData:
    """A file that is user data by kind: it must never become a tree entry."""

    idiom: str
    file: str


@dataclass(frozen=True)
class FileInfo:
    codec: str  # python codec; the BOM, if any, is part of the bytes
    bom: bytes
    lines: int  # number of "\n" in the decoded text
    checks: tuple[str, ...]  # validators that passed on the original: json, xml, php, sh


@dataclass
class Corpus:
    """What `generator.build` laid out and planted."""

    home: Path
    root: Path
    seed: int
    message: str = ""
    plants: list[Plant] = field(default_factory=list)
    keeps: list[Keep] = field(default_factory=list)
    user_data: list[UserData] = field(default_factory=list)
    files: dict[str, FileInfo] = field(default_factory=dict)
