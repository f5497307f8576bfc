"""What every host test does: spy on what reaches Rum, and a CRUD round trip under a prefix."""

from urllib.parse import urlparse


class EnvironSpy:
    """A test-only WSGI wrapper around Rum: records what the host hands over, per request."""

    KEYS = ("SCRIPT_NAME", "PATH_INFO", "REMOTE_USER")

    def __init__(self, app):
        self.app = app
        self.seen: list[dict] = []

    def __call__(self, environ, start_response):
        who = environ.get("repoze.who.identity")
        self.seen.append({**{k: environ.get(k) for k in self.KEYS},
                          "userid": who.get("repoze.who.userid") if who else None})
        return self.app(environ, start_response)


def find_form(page, action: str):
    """The webtest form on `page` whose action is `action` (a path)."""
    for form in page.forms.values():
        if urlparse(form.action).path == action:
            return form
    raise AssertionError(f"no form with action {action!r}; "
                         f"actions: {[f.action for f in page.forms.values()]}")


def crud_round_trip(client, prefix: str = "/admin", title: str = "Mounted Movie") -> str:
    """Create, read, update and delete a movie through the real forms; returns the row's path."""
    listing = client.get(f"{prefix}/movies")
    assert f'href="{prefix}/movies/new"' in listing.text
    assert f'href="{prefix}/_static/rum/rum.css"' in listing.text
    assert "/resources/" not in listing.text, "a tw2 resource link leaked into Rum's page"

    new = client.get(f"{prefix}/movies/new")  # a tw2 form, with no tw2 resource links
    assert "/resources/" not in new.text and f'src="{prefix}/_static/rum/rum.js"' in new.text
    form = find_form(new, f"{prefix}/movies")
    form["title"] = title
    form["year"] = "2011"
    form["genre"] = "1"
    created = form.submit()
    assert created.status_int == 303, created.text[:2000]
    path = urlparse(created.location).path
    assert path.startswith(f"{prefix}/movies/"), created.location
    assert title in client.get(path).text

    form = find_form(client.get(f"{path}/edit"), path)
    form["title"] = f"{title}, edited"
    updated = form.submit()
    assert updated.status_int == 303 and urlparse(updated.location).path == path
    assert client.get(f"{path}.json").json["title"] == f"{title}, edited"

    form = find_form(client.get(f"{path}/confirm_delete"), path)
    deleted = form.submit()
    assert deleted.status_int == 303
    assert urlparse(deleted.location).path.startswith(prefix)
    client.get(path, status=404)
    return path
