"""Request bodies: in the message, or in Mongrel2's temporary file for a large upload.

A body over Mongrel2's `limits.content_length`, and every chunked body, is written to a
file made from `upload.temp_store` (`/tmp/upload.XXXXXX`). Mongrel2 then sends the request
twice: with `x-mongrel2-upload-start` when the file is begun, and with that header and
`x-mongrel2-upload-done` once it is complete. Only the second is answered. The path is as
Mongrel2 sees it, inside its chroot: `chroot` maps it to the real file. A client could send
those headers itself, so the file must be one Mongrel2 makes: in the temp store's directory,
named like it. The handler removes the file after the response.
"""

import io
import logging
import os
from dataclasses import dataclass

from rum_mongrel2.protocol import Message

log = logging.getLogger(__name__)
START = "x-mongrel2-upload-start"
DONE = "x-mongrel2-upload-done"


class BadUpload(ValueError):
    """An upload header naming a file that is not one of Mongrel2's temp files."""


@dataclass
class Body:
    stream: io.BufferedIOBase
    length: int
    path: str | None = None  # the temp file to remove afterwards

    def close(self) -> None:
        self.stream.close()
        if self.path:
            try:
                os.unlink(self.path)
            except OSError as exc:
                log.warning("could not remove upload %s: %s", self.path, exc)
            self.path = None


@dataclass
class TempStore:
    """Mongrel2's `upload.temp_store` and `chroot`, to find and check an upload's file."""
    template: str = ""
    chroot: str = ""

    def real_path(self, name: str) -> str:
        if not self.template:
            raise BadUpload("no upload_temp_store configured for large uploads")
        directory, base = os.path.split(self.template)
        prefix = base.rstrip("X")
        got_dir, got_base = os.path.split(name)
        if (got_dir != directory or len(got_base) != len(base)
                or not got_base.startswith(prefix) or "/" in got_base):
            raise BadUpload(f"{name!r} is not a file of {self.template!r}")
        return os.path.join(self.chroot, name.lstrip("/")) if self.chroot else name


def is_upload_start(msg: Message) -> bool:
    return START in msg.headers and DONE not in msg.headers


def body_of(msg: Message, store: TempStore) -> Body:
    done = msg.headers.get(DONE)
    if done is None:
        return Body(io.BytesIO(msg.body), len(msg.body))
    if msg.headers.get(START) != done:
        raise BadUpload("upload start and done name different files")
    path = store.real_path(done)
    stream = open(path, "rb")  # noqa: SIM115 - Body.close closes it
    return Body(stream, os.fstat(stream.fileno()).st_size, path)
