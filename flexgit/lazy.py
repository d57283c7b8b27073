"""Lazy re-exports for a package's __init__: a name is imported from its
module on first use, so importing one light module of the package (an object
id, the stat cache) does not pull in dulwich or the sanitizer with the rest."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that finds `name` in the module
    `where[name]` (relative to the package)."""

    def getattr_(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return getattr_
