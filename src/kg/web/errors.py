"""Error pages in the reader's language (404, 405, 500...), for the pages a browser reads;
the JSON and RDF doors keep their own plain answers."""

from __future__ import annotations

from flask import Flask, Response, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from kg.wording import N_

#: What each status means to a reader, and what they can do.
MESSAGES = {
    400: (N_("Bad request"), N_("The address asks for something this site cannot read.")),
    404: (N_("Not found"), N_("Nothing in the graph has this address. Search for a name "
                               "instead.")),
    405: (N_("Method not allowed"), N_("This address does not answer that kind of request.")),
    413: (N_("Request too large"), N_("What was sent is larger than this site accepts.")),
    500: (N_("Something went wrong"), N_("The server could not answer. Try again; if it "
                                         "keeps happening, tell the maintainers.")),
}


def _page(exc: HTTPException) -> Response:
    status = exc.code or 500
    title, message = MESSAGES.get(status, (exc.name, exc.description or ""))
    html = render_template("errors/page.html", status=status, title=title, message=message)
    response = Response(html, status=status, mimetype="text/html")
    for key, value in exc.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _page)
    # Flask hands an unhandled exception to the 500 handler wrapped in this.
    app.register_error_handler(InternalServerError, _page)
