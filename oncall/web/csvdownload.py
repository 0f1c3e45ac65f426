"""CSV downloads, for the API's ``?format=csv`` and the UI's ``.csv`` links."""
from __future__ import annotations

from typing import Callable, Iterator

from flask import Response


def csv_download(lines: Iterator[str], filename: str, *, on_close: Callable[[], None] | None = None) -> Response:
    """``lines`` is sent as it is produced; its query must have run already (errors belong
    before the first byte). ``on_close`` (e.g. a streaming session's ``close``) runs once the
    body is out or the response is closed, and must be safe to call twice."""
    def body() -> Iterator[str]:
        try:
            yield from lines
        finally:  # as soon as the last line is out, not only when the server closes the response
            if on_close is not None:
                on_close()

    response = Response(body(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    if on_close is not None:
        response.call_on_close(on_close)  # a body never iterated (client gone) is closed here
    return response

