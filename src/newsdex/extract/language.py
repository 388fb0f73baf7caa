"""Language identification, delegated to py3langid."""

from __future__ import annotations

from functools import lru_cache

_MIN_CHARS = 40


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    """Load the model once: it takes ~0.3 s, far more than one classification."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when the text is too short to tell."""
    sample = text[:5000]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    code, prob = _identifier().classify(sample)
    return str(code) if prob >= 0.5 else None
