"""Read a page the way a person does: the error shown next to a field."""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"input", "br", "img", "meta", "link", "hr", "option"}
HOLDERS = ("field", "choice", "window-row", "level", "layer")  # the classes of the boxes that hold a field and its errors


class _Errors(HTMLParser):
    def __init__(self, field: str):
        super().__init__()
        self.field = field
        self.stack: list[dict] = []  # open elements; a holder collects the errors shown directly in it
        self.found: list[str] = []
        self._in_error: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if attrs.get("name") == self.field:
            holder = next((el for el in reversed(self.stack) if el["holder"]), None)
            if holder is not None:
                holder["hit"] = True
        if tag in VOID:
            return
        element = {"tag": tag, "holder": any(c in HOLDERS for c in classes), "hit": False, "errors": []}
        self.stack.append(element)
        if "field-error" in classes:
            self._in_error = element

    def handle_data(self, data):
        if self._in_error is not None:
            self._in_error["errors"].append(data.strip())

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        element = self.stack.pop()
        if element is self._in_error:
            self._in_error = None
            holder = next((el for el in reversed(self.stack) if el["holder"]), None)
            if holder is not None:
                holder["errors"].extend(element["errors"])
        elif element["holder"] and element["hit"]:
            self.found.extend(element["errors"])


def field_errors(page: str, field: str) -> list[str]:
    """The error messages shown in the box around the input named ``field``."""
    parser = _Errors(field)
    parser.feed(page)
    return parser.found


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th", "li", "p", "div", "dd", "dt", "br", "tr"):
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(page: str) -> str:
    """The page's text as a person reads it: no tags, whitespace collapsed."""
    parser = _Text()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())
