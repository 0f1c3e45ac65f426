"""Record ids in URLs: ``<int:...>`` answers 404 for a number no record can have.

Ids are 32-bit ``INTEGER`` columns (PostgreSQL's ``integer``). Werkzeug's ``int`` converter
matches any number of digits, and a number too big for the column used to fail deep in the
driver (SQLite: ``OverflowError``; PostgreSQL: ``integer out of range``) as a 500.

The converter raises ``NotFound`` itself rather than declining the match: a declined match
makes Werkzeug answer 405 when the same path exists with other methods.
"""
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound(f"no record has the id {value[:40]}")
        return number


def init_app(app) -> None:
    """Before any blueprint is registered: rules take their converter when they are added."""
    app.url_map.converters["int"] = RecordIdConverter
