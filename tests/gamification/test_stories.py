"""Success stories: who may publish (the space's matrix), what a story holds, tagged people
earning points and hearing about it, reuse counted once per team, featured on the home page, a
page per department, and the API. Refusals are clear and save nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gamification import selectors, services
from gamification.models import Reuse, Story, StoryImage
from intranet.activity.models import Activity, Notification
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    MembershipFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def png(colour="red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("resultaat.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def org():
    sales = DepartmentFactory(name="Sales", slug="sales")
    marketing = DepartmentFactory(name="Marketing", slug="marketing")
    service = DepartmentFactory(name="Klantenservice", slug="klantenservice")
    space = SpaceFactory(name="Verkoop", slug="verkoop")
    steve = MembershipFactory(
        space=space, role="owner", user=UserFactory(department=sales, first_name="Steve")
    ).user
    lotte = MembershipFactory(space=space, user=UserFactory(department=sales, language="en")).user
    noor = UserFactory(department=marketing, first_name="Noor")
    eva = UserFactory(department=marketing, first_name="Eva")
    tim = UserFactory(department=service, first_name="Tim")
    return {"space": space, "steve": steve, "lotte": lotte, "noor": noor, "eva": eva, "tim": tim,
            "sales": sales, "marketing": marketing}  # fmt: skip


STORY = {
    "title": "Van zwart boekje naar gedeelde klantkennis",
    "challenge": "Klantnotities zaten in ieders **eigen** boekje.",
    "approach": "Alles in Plein, open voor iedereen. <script>alert(1)</script>",
    "result": "Twaalf nieuwe leads.",
}


def test_a_manager_publishes_a_story_and_everyone_tagged_earns_and_hears(
    client, org, django_capture_on_commit_callbacks
):
    steve, lotte = org["steve"], org["lotte"]
    client.force_login(steve)
    url = "/spaces/verkoop/stories/new/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {**STORY, "people": [lotte.pk], "teams": [org["sales"].pk], "images": [png()],
             "alt": "Grafiek met leads"},
        )  # fmt: skip
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stories/{story.pk}/"
    assert "<strong>eigen</strong>" in story.challenge_html and "<script" not in story.approach_html
    assert list(story.people.all()) == [lotte]
    image = StoryImage.objects.get(story=story)
    assert image.content_type == "image/webp" and image.alt == "Grafiek met leads"
    # Lotte earns the story's points and is told; Steve earns too (publishing is work).
    assert selectors.total_of(user_id=lotte.pk) == 20
    assert selectors.total_of(user_id=steve.pk) == 20
    note = Notification.objects.get(recipient=lotte, kind="story")
    assert note.url == f"/stories/{story.pk}/" and note.actor == steve
    assert Activity.objects.filter(verb="story.published", target_id=story.pk).exists()
    client.force_login(lotte)
    page = client.get(f"/stories/{story.pk}/", **EN).content.decode()
    assert STORY["title"] in page and "Grafiek met leads" in page and "Twaalf nieuwe leads" in page
    assert client.get(image.get_absolute_url()).status_code == 200
    bell = client.get("/notifications/", **EN).content.decode()
    assert "tagged you in the success story" in bell


def test_who_may_publish_and_bad_input(client, org):
    lotte = org["lotte"]  # a member: the default matrix lets owners and moderators publish
    client.force_login(lotte)
    assert client.get("/spaces/verkoop/stories/new/").status_code == 404
    assert client.post("/spaces/verkoop/stories/new/", STORY).status_code == 404
    api = client.post(
        "/api/stories/", {**STORY, "space": "verkoop"}, content_type="application/json"
    )
    assert api.status_code == 404
    assert not Story.objects.exists()
    client.force_login(org["steve"])
    missing = client.post("/spaces/verkoop/stories/new/", {**STORY, "result": " "}, **EN)
    assert missing.status_code == 400 and "Describe the result." in missing.content.decode()
    not_an_image = SimpleUploadedFile("x.png", b"%PDF-1.4 not a picture", "image/png")
    bad = client.post("/spaces/verkoop/stories/new/", {**STORY, "images": [not_an_image]}, **EN)
    assert bad.status_code == 400 and "not an image we can read" in bad.content.decode()
    stranger = client.post("/spaces/verkoop/stories/new/", {**STORY, "people": ["999999"]}, **EN)
    assert stranger.status_code == 400 and "not colleagues here" in stranger.content.decode()
    assert not Story.objects.exists() and not StoryImage.objects.exists()
    # A space without the stories module has no stories at all.
    other = SpaceFactory(modules=["forums"])
    MembershipFactory(space=other, user=org["steve"], role="owner")
    assert client.get(f"/spaces/{other.slug}/stories/new/").status_code == 404


def test_reuse_counts_once_per_team(client, org, django_capture_on_commit_callbacks):
    story = services.publish_story(
        author=org["steve"], space=org["space"], people_ids=[org["lotte"].pk], **STORY
    )
    client.force_login(org["noor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/stories/{story.pk}/reuse/", {"kind": "lead", "note": "Drie leads"})
    # A colleague of the same team: refused, clearly; the count stays one.
    client.force_login(org["eva"])
    again = client.post(f"/stories/{story.pk}/reuse/", {"kind": "customer"}, follow=True, **EN)
    assert "counts once per team" in again.content.decode()
    api_again = client.post(
        f"/api/stories/{story.pk}/reuse/", {"kind": "lead"}, content_type="application/json"
    )
    assert api_again.status_code == 400
    # The story's own team does not count as reuse.
    client.force_login(org["lotte"])
    own = client.post(f"/stories/{story.pk}/reuse/", {"kind": "lead"}, follow=True, **EN)
    assert "reuse counts for other teams" in own.content.decode()
    # Another team, over the API; a bad kind first.
    client.force_login(org["tim"])
    bad = client.post(
        f"/api/stories/{story.pk}/reuse/", {"kind": "world peace"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            f"/api/stories/{story.pk}/reuse/",
            {"kind": "customer", "note": "Internationale klant"},
            content_type="application/json",
        )
    assert created.status_code == 201 and created.json()["team"] == "Klantenservice"
    story.refresh_from_db()
    assert story.reuse_count == 2 and Reuse.objects.filter(story=story).count() == 2
    # Everyone credited earns per reuse and hears about it.
    assert selectors.total_of(user_id=org["lotte"].pk) == 2 * 10  # 10 a reuse
    assert Notification.objects.get(recipient=org["lotte"], kind="story").actor_count == 2
    data = client.get(f"/api/stories/{story.pk}/").json()
    assert data["reuse_count"] == 2 and {r["team"] for r in data["reuses"]} == {
        "Marketing",
        "Klantenservice",
    }


def test_private_stories_stay_private_and_reuse_of_them_is_refused(client, org):
    secret = SpaceFactory(name="Deals", slug="deals", visibility="private")
    MembershipFactory(space=secret, user=org["steve"], role="owner")
    story = services.publish_story(author=org["steve"], space=secret, **STORY)
    client.force_login(org["noor"])
    assert client.get(f"/stories/{story.pk}/").status_code == 404
    assert client.post(f"/stories/{story.pk}/reuse/", {"kind": "lead"}).status_code == 404
    assert client.get(f"/api/stories/{story.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/stories/{story.pk}/reuse/", {"kind": "lead"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert STORY["title"] not in client.get("/stories/").content.decode()
    assert client.get("/api/stories/").json()["results"] == []
    assert not Reuse.objects.exists()


def test_featured_on_home_and_a_page_per_department(client, org, query_budget):
    story = services.publish_story(
        author=org["steve"], space=org["space"], team_ids=[org["sales"].pk], **STORY
    )
    client.force_login(org["noor"])
    assert STORY["title"] not in client.get("/").content.decode()
    assert client.post(f"/stories/{story.pk}/feature/", {"featured": "1"}).status_code == 404
    admin = AdminFactory()
    client.force_login(admin)
    client.post(f"/stories/{story.pk}/feature/", {"featured": "1"})
    client.force_login(org["noor"])
    assert STORY["title"] in client.get("/", **EN).content.decode()
    sales_page = client.get(f"/stories/?department={org['sales'].pk}", **EN).content.decode()
    assert STORY["title"] in sales_page
    marketing_page = client.get(f"/stories/?department={org['marketing'].pk}").content.decode()
    assert STORY["title"] not in marketing_page
    # The stories page costs the same with one story or twenty.
    for n in range(19):
        services.publish_story(
            author=org["steve"], space=org["space"], **{**STORY, "title": f"S{n}"}
        )
    client.get("/stories/", **EN)
    with query_budget(20):
        assert client.get("/stories/", **EN).status_code == 200
    # Over the API: the list and publishing, for whoever may.
    client.force_login(org["steve"])
    made = client.post(
        "/api/stories/",
        {**STORY, "title": "Via de API", "space": "verkoop", "people": [org["lotte"].pk]},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["people"] == [org["lotte"].pk]
    assert client.get("/api/stories/").json()["count"] == 21
