"""Servers from Debian's packages for the deployment tests: installed by their Makefile
target when missing, else the tests skip saying why (and fail on CI, where they can run)."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT


def unavailable(what: str, reason: str, required: bool = False):
    """Skip, loudly; fail instead on CI when the machine should have been able to do it."""
    message = f"{what} tests not run: {reason}"
    if required and os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def ensure(what: str, target: str, paths: tuple[str, ...]) -> None:
    """`paths` exist (executables executable), or `make <target>` installs them as root."""
    def present() -> bool:
        return all(os.path.exists(p) and (p.endswith(".so") or os.access(p, os.X_OK))
                   for p in paths)

    if present():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        unavailable(what, f"{what} is not installed, and apt-get as root is not available "
                    f"to install it (`make {target}` does on Debian)")
    done = subprocess.run(["make", "-s", "-C", ROOT, target], capture_output=True,
                          text=True, timeout=900)
    if done.returncode != 0 or not present():
        unavailable(what, f"`make {target}` failed: {(done.stdout + done.stderr)[-1500:]}",
                    required=True)
