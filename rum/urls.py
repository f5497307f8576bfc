"""URLs for every page, built from the request's SCRIPT_NAME so Rum works at any mount point."""

from urllib.parse import quote


class Urls:
    """Builds absolute paths under one mount point."""

    def __init__(self, script_name: str):
        self.root = script_name.rstrip("/")

    def home(self) -> str:
        return self.root + "/"

    def static(self, path: str) -> str:
        return f"{self.root}/_static/{path}"

    def index(self, resource: str, fmt: str = "", query: str = "") -> str:
        url = f"{self.root}/{quote(resource)}" + (f".{fmt}" if fmt else "")
        return url + (f"?{query}" if query else "")

    def complete(self, resource: str, field: str) -> str:
        return f"{self.root}/{quote(resource)}/complete?field={quote(field)}"

    def delete_many(self, resource: str) -> str:
        return f"{self.root}/{quote(resource)}/delete_many"

    def download(self, resource: str, ident: str, field: str) -> str:
        return self.show(resource, ident) + f"/download/{quote(field)}"

    def nested(self, resource: str, ident: str, relation: str, fmt: str = "",
               query: str = "") -> str:
        url = self.show(resource, ident) + f"/{quote(relation)}" + (f".{fmt}" if fmt else "")
        return url + (f"?{query}" if query else "")

    def new(self, resource: str) -> str:
        return f"{self.root}/{quote(resource)}/new"

    def show(self, resource: str, ident: str, fmt: str = "") -> str:
        return f"{self.root}/{quote(resource)}/{quote(ident, safe='')}" + (f".{fmt}" if fmt else "")

    def edit(self, resource: str, ident: str) -> str:
        return self.show(resource, ident) + "/edit"

    def confirm_delete(self, resource: str, ident: str) -> str:
        return self.show(resource, ident) + "/confirm_delete"

