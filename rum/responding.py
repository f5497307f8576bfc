"""The one step from an action's `Result` to a response: HTML, JSON or CSV.

The format is the URL's extension, else the best of the request's `Accept` among the
formats the action declares (HTML first when the client has no preference). Actions
never look at it.
"""

import webob
from genshi.core import Markup

from .csv_export import csv_response
from .flash import pop_flash, set_flash
from .formats import error_body, json_response
from .history_pages import recent_changes_url
from .results import Page, Result, computed

MEDIA_TYPES = {"html": "text/html", "json": "application/json", "csv": "text/csv"}


def negotiate(request, extension: str, offered: tuple[str, ...]) -> str:
    """The response format: the extension's, else the best `Accept` match of `offered`."""
    if extension:
        return extension
    if len(offered) == 1:
        return offered[0]
    acceptable = request.accept.acceptable_offers([MEDIA_TYPES[f] for f in offered])
    if not acceptable:
        return offered[0]  # nothing it takes: the page, rather than a 406 for browsers
    best = acceptable[0][0]
    return next(f for f in offered if MEDIA_TYPES[f] == best)


def respond(call, result: Result) -> webob.Response:
    """`result` as a response in the call's format."""
    if result.file is not None:
        response = webob.Response(body=result.file.body, content_type=result.file.content_type)
        response.content_disposition = f'attachment; filename="{result.file.filename}"'
    elif call.format == "html":
        response = _html(call, result)
    elif call.format == "csv" and result.table is not None:
        table = result.table
        response = csv_response(table.records(), table.fields, table.name)
    else:
        response = _json(result, call)
        if result.location:
            response.location = result.location
    if result.etag:
        response.etag = result.etag
    if not call.match.format and len(call.action.formats) > 1:
        response.vary = tuple(response.vary or ()) + ("Accept",)
    return response


def _json(result: Result, call) -> webob.Response:
    if result.error is not None:
        return json_response(error_body(result.error, call.translations.gettext),
                             status=result.error.status)
    data = computed(result.data)
    if data is None:
        return webob.Response(status=result.status if result.status != 200 else 204)
    return json_response(data, status=result.status)


def _html(call, result: Result) -> webob.Response:
    if result.redirect:
        response = webob.Response(status=303, location=result.redirect)
        if result.message:
            set_flash(response, call.request, result.message)
        return response
    if result.page is None:
        return webob.Response(status=result.status if result.status != 200 else 204)
    return render_page(call, result.page, result.status)


def render_page(call, page: Page, status: int = 200) -> webob.Response:
    """A Genshi page with the layout's common data."""
    response = webob.Response(status=status, content_type="text/html", charset="utf-8")
    flash = pop_flash(call.request, response)
    translations = call.translations
    data = dict(computed(page.data))
    resources = [translations.resource(r) for r in call.app.readable(call.identity)]
    # a nested page (/movies/5/actors) hangs under its parent's row: that menu entry
    menu = (call.parent.resource.name if call.parent is not None
            else call.resource.name if call.resource else None)
    data.update(can=call.can, allowed=call.allowed, csrf_token=call.csrf_token,
                urls=call.urls, url=call.urls.url, app_title=call.app.options["title"],
                flash=flash, Markup=Markup, resources=resources,
                resource=translations.resource(call.resource), menu_resource=menu,
                navigation=call.app.navigation.html(call.urls, translations, resources, menu,
                                                    recent_changes_url(call)))
    name = call.resource.name if call.resource else ""
    response.text = call.app.renderer.render(page.template, data, resource=name,
                                             translations=translations)
    call.app.catalogs.vary(response)
    return response
