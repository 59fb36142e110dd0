import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Services answer in the active language; these tests read the English messages."""
    with translation.override("en"):
        yield
