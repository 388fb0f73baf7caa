"""Field extraction: headline, date, source, authors, language, body.

`extract_text` handles text copied from a web page; `extract_html` a saved HTML page.
Both return an `Extracted` and raise `NotAnArticle` with a reason when there is none.
"""

from newsdex.extract.html import extract_html
from newsdex.extract.text import extract_text

__all__ = ["extract_html", "extract_text"]
