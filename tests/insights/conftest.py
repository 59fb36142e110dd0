"""A small organisation with a known network: Sales (6) talks with itself and with HR through
one broker, IT (5) keeps to itself, Directie (3) is too small to be shown. Interactions are
reactions and comments on posts, answers to questions: rows as the apps write them."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from intranet.activity.models import Comment, Post, Reaction
from profiles import services as profiles
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    PostFactory,
    SpaceFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def react(person, post, *, days_ago: float = 1, kind: str = "like") -> Reaction:
    reaction = Reaction.objects.create(
        content_type=ContentType.objects.get_for_model(Post), object_id=post.pk, user=person,
        kind=kind,
    )  # fmt: skip
    when = timezone.now() - timedelta(days=days_ago)
    Reaction.objects.filter(pk=reaction.pk).update(created_at=when)
    return reaction


def comment(person, post, *, days_ago: float = 1) -> Comment:
    found = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Post), object_id=post.pk, author=person,
        body="Goed punt", body_html="<p>Goed punt</p>",
    )  # fmt: skip
    Comment.objects.filter(pk=found.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return found


def post_by(person, space, *, days_ago: float = 2) -> Post:
    post = PostFactory(author=person, space=space)
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    post.refresh_from_db()
    return post


@pytest.fixture
def org(db):
    """Returns the people and departments; 'interactions' is how many rows were written."""
    sales = DepartmentFactory(name="Sales", slug="sales")
    it = DepartmentFactory(name="IT", slug="it")
    hr = DepartmentFactory(name="HR", slug="hr")
    board = DepartmentFactory(name="Directie", slug="directie")
    people = {
        "sales": [UserFactory(department=sales, first_name=f"Sales{n}") for n in range(6)],
        "it": [UserFactory(department=it, first_name=f"It{n}") for n in range(5)],
        "hr": [UserFactory(department=hr, first_name=f"Hr{n}") for n in range(5)],
        "directie": [UserFactory(department=board, first_name=f"Dir{n}") for n in range(3)],
    }
    space = SpaceFactory(name="Iedereen")
    count = 0
    # Sales: everyone reacts to everyone's post.
    for author in people["sales"]:
        post = post_by(author, space)
        for other in people["sales"]:
            if other != author:
                react(other, post)
                count += 1
    # IT: among themselves only, a comment each.
    for author in people["it"]:
        post = post_by(author, space)
        for other in people["it"]:
            if other != author:
                comment(other, post)
                count += 1
    # HR among themselves, and Sales0 (the broker) reacts to HR and HR to Sales0.
    broker = people["sales"][0]
    for author in people["hr"]:
        post = post_by(author, space)
        for other in [*people["hr"], broker]:
            if other != author:
                react(other, post)
                count += 1
    # Directie talks with Sales1 only.
    for author in people["directie"]:
        post = post_by(author, space)
        react(people["sales"][1], post)
        count += 1
    manager = UserFactory(department=sales, first_name="Mary")
    admin = AdminFactory()
    for person in people["sales"]:
        # The organisation's reporting line (set by an administrator): it opens the insights.
        profiles.set_manager(actor=admin, person=person, manager=manager)
    return {
        "departments": {"sales": sales, "it": it, "hr": hr, "directie": board},
        "people": people,
        "broker": broker,
        "manager": manager,
        "admin": admin,
        "space": space,
        "interactions": count,
    }
