"""The built-in actions of every admin: the one table routes, permissions, links, `_meta`
and OpenAPI are derived from. Order is routing order: literal paths before variables."""

from . import controller, deleting, editing, history_pages, nesting, revert, schema
from .actions import Action, ActionTable, Doc

PAGE = ("html",)
PAGE_JSON = ("html", "json")
ALL = ("html", "json", "csv")
WRITE_CODES = (400, 401, 403, 404, 409, 412, 413, 422, 428)

BUILTIN = (
    Action("home", "/", ("GET",), "read", controller.home, "site", PAGE_JSON),
    Action("recent_changes", "/_history", ("GET",), "read", history_pages.recent, "site", ALL),
    Action("meta", "/_meta", ("GET",), "read", schema.meta, "site", PAGE_JSON),
    Action("openapi", "/openapi.json", ("GET",), "read", schema.openapi, "site", ("json",)),
    Action("new", "/{resource}/new", ("GET",), "create", editing.new, page_for="create"),
    Action("complete", "/{resource}/complete", ("GET",), "read", controller.complete,
           formats=("json",)),
    Action("confirm_delete_many", "/{resource}/delete_many", ("GET",), "delete",
           deleting.confirm_delete_many, "selection", page_for="delete_many"),
    Action("delete_many", "/{resource}/delete_many", ("POST",), "delete", deleting.delete_many,
           "selection", PAGE_JSON, docs={"POST": Doc(
               "Delete the %(plural)s named (204), or all matching (200 and the count)",
               body="ids", ok="done", status=204, matching=True,
               codes=(200, 400, 401, 403, 404, 409, 413))}),
    Action("edit", "/{resource}/{id}/edit", ("GET",), "update", editing.edit, "row",
           page_for="update"),
    Action("download", "/{resource}/{id}/download/{path}", ("GET",), "read",
           controller.download, "row"),
    Action("confirm_delete", "/{resource}/{id}/confirm_delete", ("GET",), "delete",
           deleting.confirm_delete, "row", page_for="delete"),
    Action("restore", "/{resource}/{id}/history/{path}/restore", ("GET",), "read",
           revert.restore, "row"),
    Action("history", "/{resource}/{id}/history", ("GET",), "read", history_pages.row_history,
           "row", ALL),
    Action("nested_new", "/{resource}/{id}/{relation}/new", ("GET",), "create",
           nesting.nested_new, "relation", page_for="nested_create"),
    Action("link", "/{resource}/{id}/{relation}/link", ("POST",), "update", nesting.link,
           "relation", PAGE_JSON, owner=True),
    Action("unlink", "/{resource}/{id}/{relation}/unlink", ("POST",), "update", nesting.unlink,
           "relation", PAGE_JSON, owner=True),
    Action("nested_index", "/{resource}/{id}/{relation}", ("GET",), "read",
           nesting.nested_index, "relation", ALL,
           docs={"GET": Doc("%(relation)s of a %(label)s", ok="listing", query=True)}),
    Action("nested_create", "/{resource}/{id}/{relation}", ("POST",), "create",
           nesting.nested_create, "relation", PAGE_JSON),
    Action("index", "/{resource}", ("GET",), "read", controller.index, "collection", ALL,
           docs={"GET": Doc("List %(plural)s", ok="listing", query=True,
                            codes=(400, 401, 403))}),
    Action("create", "/{resource}", ("POST",), "create", editing.create, "collection",
           PAGE_JSON, docs={"POST": Doc("Create a %(label)s", body="record", ok="record",
                                        status=201,
                                        codes=(400, 401, 403, 404, 409, 413, 422))}),
    Action("show", "/{resource}/{id}", ("GET",), "read", controller.show, "row", PAGE_JSON,
           docs={"GET": Doc("Show a %(label)s", ok="record", codes=(400, 401, 403, 404))}),
    Action("update", "/{resource}/{id}", ("PUT", "PATCH"), "update", editing.update, "row",
           PAGE_JSON, docs={
               "PUT": Doc("Update a %(label)s", body="record", ok="record", if_match=True,
                          codes=WRITE_CODES),
               "PATCH": Doc("Change the fields named of a %(label)s", body="partial",
                            ok="record", if_match=True, codes=WRITE_CODES)}),
    Action("delete", "/{resource}/{id}", ("DELETE",), "delete", deleting.delete, "row",
           PAGE_JSON, docs={"DELETE": Doc("Delete a %(label)s", ok="", status=204,
                                          codes=(400, 401, 403, 404, 409))}),
)


def builtin_table() -> ActionTable:
    """A new table of the built-in actions (`.without("delete")` drops one everywhere)."""
    return ActionTable(BUILTIN)
