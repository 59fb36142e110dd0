import pytest

from tests.factories import UserFactory


@pytest.fixture
def reader(client):
    """A signed-in colleague reading feeds in English."""
    person = UserFactory(language="en")
    client.force_login(person)
    return person
