"""`use = egg:rum#mongrel2`: the PasteDeploy server runner.

```ini
[server:main]
use = egg:rum#mongrel2
send_spec = tcp://127.0.0.1:9997   ; the Handler's send_spec in mongrel2.conf
recv_spec = tcp://127.0.0.1:9996   ; the Handler's recv_spec
url_prefix = /admin                ; default: the start of the route's pattern
chroot = /srv/mongrel2             ; Mongrel2's chroot: where its upload paths are
upload_temp_store = /tmp/upload.XXXXXX   ; Mongrel2's upload.temp_store
peers_dir = /srv/mongrel2/run/handlers   ; when several processes serve one route
```
"""

import logging
import signal

import zmq

from rum_mongrel2.flow import DEFAULT_WINDOW
from rum_mongrel2.handler import Handler, Options
from rum_mongrel2.uploads import TempStore

log = logging.getLogger(__name__)


def options(conf: dict) -> Options:
    """The handler's options from the `[server:...]` section's settings (strings)."""
    missing = [k for k in ("send_spec", "recv_spec") if not conf.get(k)]
    if missing:
        raise ValueError(f"[server] for mongrel2 needs {' and '.join(missing)}: the "
                         "send_spec and recv_spec of the Handler in mongrel2.conf")
    flow = conf.get("download_credits", str(DEFAULT_WINDOW)).strip().lower()
    return Options(
        send_spec=conf["send_spec"], recv_spec=conf["recv_spec"],
        sender_id=conf.get("sender_id", ""),
        url_prefix=conf["url_prefix"] if "url_prefix" in conf else None,
        upload=TempStore(conf.get("upload_temp_store", ""), conf.get("chroot", "")),
        peers_dir=conf.get("peers_dir", ""),
        window=0 if flow in ("off", "false", "0") else int(flow),
        credit_timeout=float(conf.get("credit_timeout", 60)),
    )


def serve(wsgi_app, global_conf, **settings):
    """Serve `wsgi_app` to Mongrel2 until SIGTERM or SIGINT."""
    handler = Handler(wsgi_app, options(settings), zmq.Context())
    previous = {sig: signal.signal(sig, handler.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        handler.serve()
    finally:
        for sig, action in previous.items():
            signal.signal(sig, action)
        handler.ctx.term()
