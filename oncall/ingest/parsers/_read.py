"""Reading untrusted JSON for the parsers: typed getters that record problems by dotted path.

Messages follow PagerDuty's Events v2 style ("'payload.summary' is missing or blank") for
every source, so all inbound errors read alike. Required values and the values a parser acts
on go through ``Reader``, which records a problem for a wrong type; optional extras (tags,
links, context) go through the lenient helpers, which drop a wrong type instead of refusing
the event: a stray field should not cost a page.
"""
from __future__ import annotations

from oncall.ingest.event import PayloadError


class Reader:
    """One JSON object at ``path``; problems are shared with the readers made from it."""

    def __init__(self, data: dict, path: str = "", problems: list[dict[str, str]] | None = None):
        self.data = data
        self.path = path
        self.problems = [] if problems is None else problems

    @classmethod
    def root(cls, payload: object) -> Reader:
        """A reader over the whole payload; PayloadError when it is not a JSON object."""
        if not isinstance(payload, dict):
            raise PayloadError([{"field": "", "message": "the payload must be a JSON object"}])
        return cls(payload)

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> None:
        path = self.at(key)
        self.problems.append({"field": path, "message": f"'{path}' {message}"})

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        """A non-blank string, or None (recording a problem if required, or of the wrong type)."""
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(key, "is missing or blank")
            return None
        if not isinstance(value, str):
            self.fail(key, "is invalid (must be a string)")
            return None
        if max_length is not None and len(value) > max_length:
            self.fail(key, f"is too long (must be at most {max_length} characters)")
        return value

    def child(self, key: str, *, required: bool = False) -> Reader:
        """The object under ``key``; an empty reader when it is absent or not an object."""
        value = self.data.get(key)
        if isinstance(value, dict):
            return Reader(value, self.at(key), self.problems)
        if value is not None:
            self.fail(key, "is invalid (must be an object)")
        elif required:
            self.fail(key, "is missing or blank")
        return Reader({}, self.at(key), self.problems)

    def children(self, key: str, *, required: bool = False) -> list[Reader]:
        """Readers for a list of objects under ``key``; a problem for each item that is not one."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "is missing or blank")
            return []
        if not isinstance(value, list):
            self.fail(key, "is invalid (must be an array)")
            return []
        readers = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                readers.append(Reader(item, f"{self.at(key)}.{index}", self.problems))
            else:
                self.fail(f"{key}.{index}", "is invalid (must be an object)")
        return readers

    def check(self) -> None:
        """Raise PayloadError naming every problem recorded so far."""
        if self.problems:
            raise PayloadError(self.problems)


def dig(value: object, *keys: str) -> object:
    """``value[k1][k2]…``, or None where a step is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def text_or_none(value: object) -> str | None:
    """``value`` when it is a non-blank string, else None."""
    return value if isinstance(value, str) and value.strip() else None


def strings(value: object) -> list[str]:
    """The non-blank strings of a list (tags, labels); [] for anything else."""
    return [item for item in value if text_or_none(item)] if isinstance(value, list) else []


def label_pairs(labels: dict) -> list[str]:
    """Labels as sorted "name=value" strings; values that are not text or integers are dropped."""
    return [f"{name}={value}" for name, value in sorted(labels.items())
            if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))]


def compact(values: dict) -> dict:
    """``values`` without the empty ones (None, "", [], {}); 0 and False are kept."""
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}
