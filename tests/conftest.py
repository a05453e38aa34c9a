"""Fixtures for every pytest suite of the project."""

from __future__ import annotations

import pytest

from tests.support.emulator import Emulator


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """A private emulator for this test session, on a free port; stopped at the end."""
    instance = Emulator(tmp_path_factory.mktemp("emulator")).start()
    yield instance
    instance.stop()


@pytest.fixture
def aws(emulator):
    """The session's emulator, emptied and with an empty call record, for one test."""
    emulator.reset()
    return emulator
