"""The HTTP side of a remote store: SPARQL Protocol requests in the forms every server takes.

Queries and updates go as form-encoded POSTs (SPARQL 1.1 Protocol 2.1.2 and 2.2.1): every
engine accepts them, while a direct `application/sparql-query` POST hangs on Virtuoso 7.2
until the client gives up. Graph Store Protocol requests are plain GET/POST on the store URL.
Errors become one-line `StoreError`s naming the URL; a read that passes its deadline raises
`RemoteTimeout`, so the endpoint can answer 503.
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence

from kg.store.base import StoreError


class RemoteTimeout(StoreError):
    """The server did not answer within the time allowed."""


class RemoteHttpError(StoreError):
    """The server answered with an error status (its first line of explanation kept)."""

    def __init__(self, message: str, code: int, detail: str, headers=None) -> None:
        super().__init__(message)
        self.code = code
        self.detail = detail
        self.headers = headers


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        lines = exc.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        lines = []
    return lines[0][:300] if lines else str(exc.reason)


class SparqlHttp:
    """Requests to one server; `timeout` is the socket timeout of every request."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def open(self, url: str, *, data: bytes | Iterable[bytes] | None = None,
             headers: dict[str, str] | None = None, method: str | None = None,
             timeout: float | None = None) -> http.client.HTTPResponse:
        """The response, open for streaming (use it as a context manager)."""
        request = urllib.request.Request(url, data=data, headers=headers or {},  # type: ignore[arg-type]
                                         method=method)
        try:
            return urllib.request.urlopen(request, timeout=timeout or self.timeout)  # noqa: S310
        except urllib.error.HTTPError as exc:
            detail = _detail(exc)
            raise RemoteHttpError(f"{url}: HTTP {exc.code}: {detail}", exc.code, detail,
                                  exc.headers) from None
        except TimeoutError:
            raise RemoteTimeout(f"{url}: no answer within {timeout or self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(reason, TimeoutError | socket.timeout):
                raise RemoteTimeout(
                    f"{url}: no answer within {timeout or self.timeout:g} s") from None
            raise StoreError(f"{url}: cannot reach the SPARQL server ({reason})") from None

    def form(self, url: str, fields: Sequence[tuple[str, str]], accept: str | None = None,
             timeout: float | None = None) -> http.client.HTTPResponse:
        """A form-encoded POST (query or update)."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        body = urllib.parse.urlencode(list(fields)).encode("utf-8")
        return self.open(url, data=body, headers=headers, method="POST", timeout=timeout)

    def update(self, url: str, text: str, *, direct: bool = False) -> None:
        """A SPARQL Update as a direct POST (2.2.2) or a form (2.2.1, what Virtuoso takes)."""
        if direct:
            response = self.open(url, data=text.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-update"})
        else:
            response = self.form(url, [("update", text)])
        with response:
            response.read()


def read_all(response: http.client.HTTPResponse) -> bytes:
    """The whole body; a read that stalls past the timeout is a RemoteTimeout."""
    try:
        return response.read()
    except TimeoutError:
        raise RemoteTimeout(f"{response.geturl()}: the answer stopped arriving") from None


def with_params(url: str, **params: str) -> str:
    """`url` with query parameters added (for Graph Store Protocol graph names)."""
    sep = "&" if "?" in url else "?"
    return url + sep + urllib.parse.urlencode(params)
