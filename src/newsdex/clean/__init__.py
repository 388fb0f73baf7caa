"""Cleaning: raw document -> main text without site boilerplate (text and HTML paths)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def load_shipped_model(name: str, parse: Callable[[dict[str, Any]], T], what: str) -> T | None:
    """A model shipped in `newsdex/data/<name>`, parsed; None when it is missing or made
    for another feature set, so the caller falls back to its hand-written rules."""
    try:
        text = resources.files("newsdex").joinpath(f"data/{name}").read_text("utf-8")
        return parse(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("%s unavailable, using rules only: %r", what, err)
        return None
