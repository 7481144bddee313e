"""Shared fixtures for the QEMU integration tests."""
import os

import pytest

from qemu import build_path


@pytest.fixture(scope="session")
def iso():
    """The ISO that `make check` built (XENOLITH_ISO overrides)."""
    path = os.environ.get("XENOLITH_ISO", build_path("xenolith-check.iso"))
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run `make iso VERSION=check` first")
    return path
