"""The page every HTML report shares: one self-contained file, its data the JSON report.

A report is a Jinja2 template (``templates/<command>.html.j2``, extending
``page.html.j2``) holding the command's versioned JSON document in a
``<script type="application/json">`` and the stylesheet and script inline: it opens from a
mail attachment or a CI artifact with no network, and nothing in it is fetched at view time.
``templates/report.js`` draws the page from the data.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

__all__ = ["render_page", "script_json"]

# The only characters that can end a <script> element's text or open a comment in it
# ("</script", "<!--"), and "&" for readers that decode entities: none is left in the JSON.
# U+2028/U+2029 are escaped by ensure_ascii already.
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(document: Mapping[str, object]) -> str:
    """``document`` as compact JSON that is safe as the text of a ``<script>`` element.

    ``JSON.parse`` reads the escapes back to the same characters, so the page holds the
    same document ``--format json`` writes.
    """
    return json.dumps(document, ensure_ascii=True, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("wheelcast.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


@functools.cache
def _asset(name: str) -> Markup:
    """A stylesheet or script, inlined as it is: read as text, never as a template."""
    environment = _environment()
    assert environment.loader is not None  # noqa: S101 - set in _environment
    source, _, _ = environment.loader.get_source(environment, name)
    return Markup(source)  # noqa: S704 - the package's own file, not input


def render_page(template: str, document: Mapping[str, object], out: TextIO, *, title: str) -> None:
    """Write ``template`` with ``document`` embedded; ``title`` is escaped as text."""
    page = (
        _environment()
        .get_template(template)
        .render(
            title=title,
            data=Markup(script_json(document)),  # noqa: S704 - escaped for <script> above
            schema=str(document.get("schema", "")),
            style=_asset("report.css"),
            script=_asset("report.js"),
        )
    )
    out.write(page)
