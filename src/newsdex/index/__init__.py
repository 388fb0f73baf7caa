"""Indexing: the engine interface and one module per engine.

tantivy  default; Rust, fast, snippets and aggregations built in
whoosh   pure Python (whoosh-reloaded); slower, no compiled dependency
"""

from __future__ import annotations

from newsdex.index.base import Engine, EngineHit, EngineResult, SearchRequest
from newsdex.index.tantivy_engine import TantivyEngine
from newsdex.index.whoosh_engine import WhooshEngine

ENGINES: dict[str, type[Engine]] = {"tantivy": TantivyEngine, "whoosh": WhooshEngine}
DEFAULT_ENGINE = "tantivy"

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Engine",
    "EngineHit",
    "EngineResult",
    "SearchRequest",
    "TantivyEngine",
    "WhooshEngine",
]
