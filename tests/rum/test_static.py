"""Static files from per-prefix directories, never outside them."""

import os

import pytest
import webob

import rum
from rum.errors import NotFound
from rum.static import StaticFiles

CSS = b"body { color: #333; }\n"
PNG = b"\x89PNG\r\n\x1a\nnot really"


@pytest.fixture
def static(tmp_path):
    root = tmp_path / "pkg" / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_bytes(CSS)
    (root / "logo.png").write_bytes(PNG)
    (root / "data.unknownext").write_bytes(b"\x00\x01")
    (tmp_path / "secret.txt").write_text("top secret")
    return StaticFiles({"mine": str(root)}, max_age=600)


def get(static, path, **headers):
    return static.response(webob.Request.blank("/_static/" + path, headers=headers), path)


def test_serves_text_file_with_type_and_cache_headers(static):
    response = get(static, "mine/css/site.css")
    assert response.status_int == 200
    assert response.body == CSS
    assert response.content_type == "text/css"
    assert response.charset == "utf-8"
    assert response.cache_control.max_age == 600
    assert response.cache_control.public is True
    assert response.etag


def test_serves_binary_file_without_charset(static):
    response = get(static, "mine/logo.png")
    assert response.body == PNG
    assert response.content_type == "image/png"
    assert response.charset is None


def test_unknown_extension_is_octet_stream(static):
    assert get(static, "mine/data.unknownext").content_type == "application/octet-stream"


def test_default_max_age(tmp_path):
    (tmp_path / "a.css").write_bytes(CSS)
    response = StaticFiles({"p": str(tmp_path)}).response(webob.Request.blank("/"), "p/a.css")
    assert response.cache_control.max_age == 3600


def test_etag_gives_not_modified(static):
    etag = get(static, "mine/css/site.css").etag
    request = webob.Request.blank("/_static/mine/css/site.css", headers={"If-None-Match": etag})
    answer = request.get_response(get(static, "mine/css/site.css"))
    assert answer.status_int == 304
    assert answer.body == b""
    changed = webob.Request.blank("/", headers={"If-None-Match": '"other"'})
    assert changed.get_response(get(static, "mine/css/site.css")).status_int == 200


@pytest.mark.parametrize("path", [
    "other/css/site.css",  # unknown prefix
    "mine",  # prefix only
    "mine/",
    "mine/nope.css",  # missing file
    "mine/css",  # a directory
    "mine/../secret.txt",
    "mine/../../pkg/static/../../secret.txt",
    "mine/../../../../../../etc/passwd",
    "mine//etc/passwd",  # absolute path after the prefix
    "mine/css/../../../secret.txt",
])
def test_not_found(static, path):
    with pytest.raises(NotFound):
        get(static, path)


def test_symlink_out_of_the_directory_is_not_served(tmp_path, static):
    root = static.dirs["mine"]
    os.symlink(tmp_path / "secret.txt", os.path.join(root, "link.txt"))
    with pytest.raises(NotFound):
        get(static, "mine/link.txt")


def test_sibling_directory_with_same_prefix_is_not_served(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static2").mkdir()
    (tmp_path / "static2" / "x.css").write_bytes(CSS)
    static = StaticFiles({"p": str(tmp_path / "static")})
    with pytest.raises(NotFound):
        static.response(webob.Request.blank("/"), "p/../static2/x.css")


def test_serves_rum_css_from_the_package():
    package_static = os.path.join(os.path.dirname(rum.__file__), "static")
    response = StaticFiles({"rum": package_static}).response(webob.Request.blank("/"),
                                                             "rum/rum.css")
    assert response.content_type == "text/css"
    with open(os.path.join(package_static, "rum.css"), "rb") as fh:
        assert response.body == fh.read()
