import pytest

from rum_mongrel2.protocol import Message
from rum_mongrel2.uploads import DONE, START, BadUpload, TempStore, body_of, is_upload_start


def test_paths_are_mapped_through_the_chroot():
    store = TempStore("/tmp/upload.XXXXXX", "/srv/m2")
    assert store.real_path("/tmp/upload.aB3dE9") == "/srv/m2/tmp/upload.aB3dE9"
    assert TempStore("/tmp/upload.XXXXXX").real_path("/tmp/upload.aB3dE9") == (
        "/tmp/upload.aB3dE9")
    assert TempStore("tmp/up.XXXXXX", "/srv/m2").real_path("tmp/up.123456") == (
        "/srv/m2/tmp/up.123456")


@pytest.mark.parametrize("name", ["/etc/passwd", "/tmp/other.aB3dE9", "/tmp/upload.aB3",
                                  "/var/tmp/upload.aB3dE9", "/tmp/x/../upload.aB3dE9"])
def test_only_the_temp_stores_files(name):
    with pytest.raises(BadUpload):
        TempStore("/tmp/upload.XXXXXX", "/srv/m2").real_path(name)


def test_without_a_temp_store_no_upload_is_read():
    with pytest.raises(BadUpload, match="upload_temp_store"):
        TempStore().real_path("/tmp/upload.aB3dE9")


def test_the_body_of_a_message_and_of_an_upload(tmp_path):
    plain = body_of(Message("s", "1", "/", {}, b"abc"), TempStore())
    assert (plain.stream.read(), plain.length, plain.path) == (b"abc", 3, None)
    upload = tmp_path / "upload.qwerty"
    upload.write_bytes(b"12345")
    name = str(upload)
    started = Message("s", "1", "/", {START: name})
    assert is_upload_start(started)
    done = Message("s", "1", "/", {START: name, DONE: name})
    assert not is_upload_start(done)
    body = body_of(done, TempStore(str(tmp_path / "upload.XXXXXX")))
    assert (body.stream.read(), body.length) == (b"12345", 5)
    body.close()
    assert not upload.exists()
    with pytest.raises(BadUpload, match="different"):
        body_of(Message("s", "1", "/", {START: name, DONE: name + "x"}), TempStore())
