import pytest

from tests.factories import make_milestone, make_roadmap, make_sector, make_target, make_user


@pytest.fixture
def admin_user(db):
    """An administrator: superuser, may do everything."""
    return make_user(username="admin", superuser=True)


@pytest.fixture
def sector_a(db):
    return make_sector(slug="sector-a", name="Sector A", order=1)


@pytest.fixture
def sector_b(db):
    return make_sector(slug="sector-b", name="Sector B", order=2)


@pytest.fixture
def steward_a(sector_a):
    """A consortium staff member who stewards sector A."""
    user = make_user(username="steward-a", staff=True)
    sector_a.stewards.add(user)
    return user


@pytest.fixture
def steward_b(sector_b):
    """A consortium staff member of another sector (B)."""
    user = make_user(username="steward-b", staff=True)
    sector_b.stewards.add(user)
    return user


@pytest.fixture
def milestone_a(sector_a):
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    return make_milestone(target=target, code="A-1.1")


@pytest.fixture
def anonymous_client(client):
    """An anonymous visitor."""
    return client
