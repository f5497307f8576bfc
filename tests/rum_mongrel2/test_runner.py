import pytest

from rum_mongrel2.flow import DEFAULT_WINDOW
from rum_mongrel2.runner import options


def test_options_from_a_server_section():
    opts = options({"send_spec": "tcp://127.0.0.1:9997", "recv_spec": "tcp://127.0.0.1:9996",
                    "url_prefix": "/admin", "chroot": "/srv/m2",
                    "upload_temp_store": "/tmp/upload.XXXXXX", "peers_dir": "/run/rum",
                    "download_credits": "off", "credit_timeout": "5"})
    assert (opts.send_spec, opts.recv_spec, opts.url_prefix) == (
        "tcp://127.0.0.1:9997", "tcp://127.0.0.1:9996", "/admin")
    assert (opts.upload.chroot, opts.upload.template) == ("/srv/m2", "/tmp/upload.XXXXXX")
    assert (opts.peers_dir, opts.window, opts.credit_timeout) == ("/run/rum", 0, 5.0)


def test_defaults_and_the_specs_required():
    opts = options({"send_spec": "a", "recv_spec": "b"})
    assert opts.url_prefix is None and opts.window == DEFAULT_WINDOW and not opts.peers_dir
    with pytest.raises(ValueError, match="send_spec and recv_spec"):
        options({"send_spec": "a"})


def test_the_handler_imports_nothing_of_rum():
    import ast
    import pathlib

    import rum_mongrel2

    for path in pathlib.Path(rum_mongrel2.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                assert top not in ("rum", "rum_sqlalchemy", "rum_toscawidgets"), (path, name)
