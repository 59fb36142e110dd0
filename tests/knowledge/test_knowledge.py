"""Knowledge base over HTTP: publishing, revisions, diff and restore, the edit conflict,
suggestions decided by owners only and credited to the proposer, freshness, visibility,
bad input and what the pages cost."""

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.activity.models import Activity, Notification
from knowledge import diff, services
from knowledge.models import Article, Revision, Suggestion
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TEXT = "## Aanvragen\n\nVraag verlof aan in AFAS.\n\n## Goedkeuren\n\nJe manager keurt goed."


@pytest.fixture
def space():
    return SpaceFactory(name="HR", slug="hr")


@pytest.fixture
def owner(space):
    return MembershipFactory(space=space, user=UserFactory(language="en")).user


def an_article(space, owner, **extra):
    values = {"title": "Verlof aanvragen", "body": TEXT, "language": "nl", "tags": "verlof"}
    values.update(extra)
    return services.publish(author=owner, space=space, **values)


def test_publish_read_edit_history_compare_and_restore(client, space, owner):
    client.force_login(owner)
    response = client.post(
        reverse("knowledge:new", args=[space.slug]),
        {"title": "Verlof aanvragen", "body": TEXT, "language": "nl", "tags": "verlof"},
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert Activity.objects.filter(verb="article.published", target_id=article.pk).exists()
    page = client.get(article.get_absolute_url(), **EN).content.decode()
    # Headings become sections with anchors and a table of contents.
    assert '<h3 id="aanvragen">Aanvragen</h3>' in page and 'href="#goedkeuren"' in page
    edit = reverse("knowledge:edit", args=[article.pk])
    new_text = TEXT.replace("AFAS", "AFAS (menu Verlof)")
    response = client.post(
        edit, {"title": "Verlof aanvragen", "body": new_text, "tags": "verlof", "base": 1,
               "summary": "Menu genoemd"},
    )  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.revision_count == 2 and "menu Verlof" in article.body_html
    assert list(article.revisions.values_list("number", "summary")) == [
        (2, "Menu genoemd"), (1, "First version")
    ]  # fmt: skip
    compare = client.get(
        reverse("knowledge:compare", args=[article.pk]), {"old": 1, "new": 2}, **EN
    ).content.decode()
    assert "<del>Vraag verlof aan in AFAS.</del>" in compare
    assert "<ins>Vraag verlof aan in AFAS (menu Verlof).</ins>" in compare
    assert "1 lines added, 1 removed" in compare
    # Restore revision 1: a new revision 3 with the old text; history is kept.
    client.post(reverse("knowledge:restore", args=[article.pk]), {"number": 1})
    article.refresh_from_db()
    assert article.revision_count == 3 and article.body == TEXT
    assert Revision.objects.get(article=article, number=3).restored_from == 1


def test_restoring_a_revision_of_another_article_is_refused(client, space, owner):
    article = an_article(space, owner)
    other = an_article(space, owner, title="Ziekmelden")
    services.revise(actor=owner, article=other, base_number=1, title="Ziekmelden", body="Bel")
    client.force_login(owner)
    response = client.post(
        reverse("knowledge:restore", args=[article.pk]), {"number": 2}, follow=True, **EN
    )
    assert "This article has no such revision." in response.content.decode()
    article.refresh_from_db()
    assert article.revision_count == 1 and article.body == TEXT


def test_an_edit_on_an_old_revision_is_a_conflict_and_overwrites_nothing(client, space, owner):
    article = an_article(space, owner)
    co_owner = MembershipFactory(space=space).user
    article.co_owners.add(co_owner)
    # Both open the editor on revision 1; the co-owner saves first.
    services.revise(actor=co_owner, article=article, base_number=1, title=article.title,
                    body=TEXT + "\n\nZie ook de cao.")  # fmt: skip
    client.force_login(owner)
    response = client.post(
        reverse("knowledge:edit", args=[article.pk]),
        {"title": article.title, "body": TEXT + "\n\nBel bij spoed.", "tags": "verlof", "base": 1},
        **EN,
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "saved a newer version (revision 2) while you were editing" in page
    assert "<del>Zie ook de cao.</del>" in page and "<ins>Bel bij spoed.</ins>" in page
    # The form now says "based on revision 2" and still holds this person's text.
    assert 'name="base" value="2"' in page and "Bel bij spoed." in page
    article.refresh_from_db()
    assert article.revision_count == 2 and "cao" in article.body and "spoed" not in article.body


def test_suggestions_are_decided_by_owners_only_and_credited_to_the_proposer(
    client, space, owner, django_capture_on_commit_callbacks
):
    article = an_article(space, owner)
    reader = MembershipFactory(space=space, role="reader").user
    client.force_login(reader)
    suggest = reverse("knowledge:suggest", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            suggest, {"title": article.title, "body": TEXT + "\n\nHalve dagen kan ook.",
                      "note": "Halve dagen", "base": 1},
        )  # fmt: skip
    assert response.status_code == 302
    made = Suggestion.objects.get()
    assert Notification.objects.get(recipient=owner).kind == "suggestion"
    # The reader may not decide, nor see the queue; another member neither.
    for who in (reader, MembershipFactory(space=space).user):
        client.force_login(who)
        assert client.get(reverse("knowledge:suggestions", args=[article.pk])).status_code == 404
        response = client.post(reverse("knowledge:decide", args=[made.pk]), {"decision": "accept"})
        assert response.status_code == 404
    client.force_login(owner)
    queue = client.get(reverse("knowledge:suggestions", args=[article.pk]), **EN).content.decode()
    assert "<ins>Halve dagen kan ook.</ins>" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("knowledge:decide", args=[made.pk]), {"decision": "accept"})
    article.refresh_from_db()
    made.refresh_from_db()
    latest = Revision.objects.get(article=article, number=2)
    assert made.status == "accepted" and latest.author == reader and latest.suggestion == made
    assert "Halve dagen kan ook." in article.body
    told = Notification.objects.get(recipient=reader, kind="suggestion_decided")
    assert told.params["accepted"] is True
    # A second suggestion is declined with a reason, which is required.
    second = services.suggest(proposer=reader, article=article, base_number=2,
                              title=article.title, body="Alles anders")  # fmt: skip
    response = client.post(
        reverse("knowledge:decide", args=[second.pk]), {"decision": "decline", "reason": ""},
        follow=True, **EN,
    )  # fmt: skip
    assert "Say why in at least 5 characters" in response.content.decode()
    client.post(reverse("knowledge:decide", args=[second.pk]),
                {"decision": "decline", "reason": "Klopt niet met de cao"})  # fmt: skip
    second.refresh_from_db()
    assert second.status == "declined" and article.revisions.count() == 2


def test_a_suggestion_on_an_older_version_must_be_edited_before_accepting(client, space, owner):
    article = an_article(space, owner)
    reader = MembershipFactory(space=space, role="reader").user
    made = services.suggest(proposer=reader, article=article, base_number=1,
                            title=article.title, body=TEXT + "\n\nExtra.")  # fmt: skip
    services.revise(actor=owner, article=article, base_number=1, title=article.title,
                    body=TEXT + "\n\nDoor de eigenaar.")  # fmt: skip
    client.force_login(owner)
    response = client.post(
        reverse("knowledge:decide", args=[made.pk]), {"decision": "accept"}, follow=True, **EN
    )
    assert "The article changed since this suggestion was made" in response.content.decode()
    assert Revision.objects.filter(article=article).count() == 2
    merged = TEXT + "\n\nDoor de eigenaar.\n\nExtra."
    client.post(reverse("knowledge:decide", args=[made.pk]),
                {"decision": "accept", "title": article.title, "body": merged})  # fmt: skip
    article.refresh_from_db()
    assert article.body == merged and article.revisions.first().author == reader


def test_suggestions_on_articles_one_cannot_see_are_not_found(client, space, owner):
    secret = SpaceFactory(visibility="secret", closed_reason="x")
    hidden = an_article(secret, MembershipFactory(space=secret).user, title="Reorganisatie")
    client.force_login(MembershipFactory(space=space).user)
    for url in (
        reverse("knowledge:article", args=[hidden.pk]),
        reverse("knowledge:suggest", args=[hidden.pk]),
        reverse("knowledge:history", args=[hidden.pk]),
        f"{reverse('knowledge:compare', args=[hidden.pk])}?old=1&new=1",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("knowledge:suggest", args=[hidden.pk]),
        {"title": "Reorganisatie", "body": "Gelekt", "base": 1},
    )
    assert response.status_code == 404 and not Suggestion.objects.exists()
    # Lists, search and related articles leave it out.
    an_article(space, owner, title="Reorganisatie en verlof")
    page = client.get(reverse("knowledge:search"), {"q": "reorganisatie"}).content.decode()
    assert "</mark> en verlof" in page and f"/knowledge/{hidden.pk}/" not in page


def test_bad_input_is_refused_and_script_and_javascript_links_stay_inert(client, space, owner):
    client.force_login(owner)
    new = reverse("knowledge:new", args=[space.slug])
    response = client.post(new, {"title": "", "body": "", "language": "nl"}, **EN)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give it a title of at least 3 characters." in page and "Write something first." in page
    response = client.post(new, {"title": "Verlof", "body": "Zo.", "language": "xx"}, **EN)
    assert response.status_code == 400 and "Choose Dutch or English." in response.content.decode()
    response = client.post(new, {"title": "Te lang", "body": "x" * 200_001, "language": "nl"}, **EN)
    assert response.status_code == 400 and not Article.objects.exists()
    body = ('<script>alert(1)</script>\n\n[klik](javascript:alert(2))\n\n'
            '![plaatje](javascript:alert(3))\n\n<img src=x onerror=alert(4)>')  # fmt: skip
    client.post(new, {"title": "Veilig", "body": body, "language": "nl"})
    html = Article.objects.get().body_html
    assert "<script" not in html and "<img src=x" not in html
    assert 'href="javascript' not in html and 'src="javascript' not in html


def test_freshness_banner_needs_review_list_still_correct_and_outdated_flags(
    client, space, owner, django_capture_on_commit_callbacks
):
    article = an_article(space, owner)
    Article.objects.filter(pk=article.pk).update(
        review_at=timezone.localdate() - timezone.timedelta(days=1)
    )
    reader = MembershipFactory(space=space).user
    client.force_login(reader)
    page = client.get(article.get_absolute_url(), **EN).content.decode()
    assert "it may be out of date" in page
    stale = client.get(reverse("knowledge:space", args=[space.slug]), {"show": "stale"})
    assert article.title in stale.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("knowledge:outdated", args=[article.pk]), {"reason": "AFAS is weg"})
    assert Notification.objects.get(recipient=owner, kind="suggestion").params["flag"] is True
    assert client.post(reverse("knowledge:reviewed", args=[article.pk])).status_code == 404
    client.force_login(owner)
    client.post(reverse("knowledge:reviewed", args=[article.pk]))
    article.refresh_from_db()
    assert not article.is_stale and not article.outdated_flags.exists()
    # Owners are reminded once, ahead of the date.
    Article.objects.filter(pk=article.pk).update(
        review_at=timezone.localdate() + timezone.timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_reviews() == 1
        assert services.remind_reviews() == 0
    assert Notification.objects.filter(recipient=owner, kind="review").count() == 1


def test_an_accepted_answer_becomes_an_article_that_the_question_links_to(client, space, owner):
    from forums import services as forums

    topic = forums.ask(author=owner, space=space, kind="question", title="Hoe vraag ik verlof?")
    expert = MembershipFactory(space=space).user
    answer = forums.answer(author=expert, topic=topic, body="Via **AFAS**.")
    client.force_login(owner)
    url = reverse("knowledge:from_answer", args=[answer.pk])
    response = client.post(url, follow=True, **EN)
    assert "Only an accepted answer can become an article." in response.content.decode()
    forums.accept(actor=owner, topic=topic, answer_id=answer.pk)
    response = client.post(url)
    article = Article.objects.get()
    assert response["Location"] == article.get_absolute_url()
    assert article.source_answer == answer and topic.get_absolute_url() in article.body
    page = client.get(article.get_absolute_url(), **EN).content.decode()
    assert "Questions that cite it" in page and "Hoe vraag ik verlof?" in page


@pytest.mark.parametrize("revisions", [1, 200])
def test_article_page_and_list_cost_the_same_queries(client, space, owner, query_budget, revisions):
    article = an_article(space, owner)
    Revision.objects.bulk_create(
        Revision(article=article, number=n, title=article.title, body=f"v{n}", author=owner)
        for n in range(2, revisions + 1)
    )
    Article.objects.filter(pk=article.pk).update(revision_count=revisions)
    for n in range(3 if revisions == 1 else 40):
        an_article(space, owner, title=f"Artikel {n}")
    client.force_login(owner)
    # 19: the top bar asks once (then caches) whether one may announce (issue 22).
    with query_budget(19):
        assert client.get(article.get_absolute_url()).status_code == 200
    with query_budget(12):
        assert client.get(reverse("knowledge:space", args=[space.slug])).status_code == 200
    with query_budget(12):
        assert client.get(reverse("knowledge:history", args=[article.pk])).status_code == 200


def test_diff_marks_changed_added_and_removed_lines():
    rows = diff.rows("a\nb\nc", "a\nB\nc\nd")
    assert [(r.kind, r.left, r.right) for r in rows] == [
        ("same", "a", "a"), ("changed", "b", "B"), ("same", "c", "c"), ("added", "", "d")
    ]  # fmt: skip
    long = "\n".join(str(n) for n in range(100))
    cut = diff.rows(long, long.replace("50", "vijftig"))
    # 3 lines of context on each side of the change and at both ends; the rest skipped.
    assert [r.kind for r in cut].count("skip") == 2 and len(cut) == 3 + 1 + 3 + 1 + 3 + 1 + 3


def test_the_demo_has_articles_with_revisions_suggestions_and_stale_ones():
    from django.core.management import call_command

    call_command("seed_demo")
    articles = Article.objects.all()
    assert articles.count() >= 24
    assert set(articles.values_list("language", flat=True)) == {"nl", "en"}
    assert articles.filter(revision_count__gt=1).count() >= 5
    assert Suggestion.objects.filter(status="open").count() >= 3
    assert articles.filter(review_at__lt=timezone.localdate()).count() >= 3
    assert articles.exclude(collection=None).count() == articles.count()


def test_questions_that_link_to_an_article_are_listed_on_it_for_those_who_may_read_them(
    client, space, owner, django_capture_on_commit_callbacks
):
    from forums import services as forums

    article = an_article(space, owner)
    secret = SpaceFactory(visibility="secret", closed_reason="x")
    insider = MembershipFactory(space=secret).user
    link = f"Zie [het artikel]({article.get_absolute_url()})."
    with django_capture_on_commit_callbacks(execute=True):
        open_topic = forums.ask(author=owner, space=space, kind="question",
                                title="Verlof en feestdagen?", body=link)  # fmt: skip
        hidden = forums.ask(author=insider, space=secret, kind="question", title="Geheime vraag")
        forums.answer(author=insider, topic=hidden, body=link)
    client.force_login(MembershipFactory(space=space).user)
    page = client.get(article.get_absolute_url()).content.decode()
    assert open_topic.title in page and "Geheime vraag" not in page
    client.force_login(insider)
    assert "Geheime vraag" in client.get(article.get_absolute_url()).content.decode()


def test_related_articles_are_only_those_the_reader_may_read(client, space, owner):
    article = an_article(space, owner)
    an_article(space, owner, title="Verlof opnemen in de zomer", tags="verlof")
    secret = SpaceFactory(visibility="secret", closed_reason="x")
    insider = MembershipFactory(space=secret).user
    MembershipFactory(space=space, user=insider)
    services.publish(author=insider, space=secret, title="Verlofregeling directie",
                     body="Geheim", tags="verlof")  # fmt: skip
    client.force_login(MembershipFactory(space=space).user)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Verlof opnemen in de zomer" in page and "Verlofregeling directie" not in page
    client.force_login(insider)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Verlof opnemen in de zomer" in page and "Verlofregeling directie" in page


def test_owners_name_co_owners_who_then_edit_and_see_the_suggestion_queue(client, space, owner):
    article = an_article(space, owner)
    colleague = MembershipFactory(space=space).user
    reader = MembershipFactory(space=space, role="reader").user
    stranger = UserFactory(org_role="guest")  # guests read only their own spaces
    url = reverse("knowledge:co_owners", args=[article.pk])
    client.force_login(colleague)
    assert client.post(url, {"emails": colleague.email}).status_code == 404
    client.force_login(owner)
    page = client.post(url, {"emails": "niemand@plein.example"}, follow=True, **EN)
    assert "No active colleague has the address niemand@plein.example." in page.content.decode()
    page = client.post(url, {"emails": stranger.email}, follow=True, **EN)
    assert "cannot read this space" in page.content.decode()
    assert not article.co_owners.exists()
    client.post(url, {"emails": f"{colleague.email}, {owner.email}"})
    assert list(article.co_owners.all()) == [colleague]
    services.suggest(proposer=reader, article=article, base_number=1, title=article.title,
                     body=TEXT + "\n\nAanvulling.", note="Aanvulling")  # fmt: skip
    client.force_login(colleague)
    assert client.get(reverse("knowledge:edit", args=[article.pk])).status_code == 200
    queue = client.get(reverse("knowledge:my_suggestions")).content.decode()
    assert article.title in queue and "Aanvulling" in queue
    client.force_login(reader)
    assert article.title not in client.get(reverse("knowledge:my_suggestions")).content.decode()


def test_outsiders_get_404_on_every_knowledge_page_and_action(client, space, owner):
    space.visibility, space.closed_reason = "private", "x"
    space.save(update_fields=["visibility", "closed_reason"])
    article = an_article(space, owner)
    reader = MembershipFactory(space=space, role="reader").user
    made = services.suggest(
        proposer=reader, article=article, base_number=1, title=article.title, body="Anders"
    )
    client.force_login(UserFactory())
    pk = article.pk
    for url in (
        reverse("knowledge:space", args=[space.slug]),
        reverse("knowledge:new", args=[space.slug]),
        reverse("knowledge:article", args=[pk]),
        reverse("knowledge:edit", args=[pk]),
        reverse("knowledge:suggest", args=[pk]),
        reverse("knowledge:suggestions", args=[pk]),
        reverse("knowledge:history", args=[pk]),
        reverse("knowledge:decide", args=[made.pk]),
        reverse("knowledge:export", args=[pk, "md"]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("knowledge:new_collection", args=[space.slug]), {"name": "Stiekem"}),
        (reverse("knowledge:restore", args=[pk]), {"number": 1}),
        (reverse("knowledge:reviewed", args=[pk]), {}),
        (reverse("knowledge:outdated", args=[pk]), {"reason": "Klopt niet meer"}),
        (reverse("knowledge:helpful", args=[pk]), {"helpful": "yes"}),
        (reverse("knowledge:decide", args=[made.pk]), {"decision": "accept"}),
        (reverse("knowledge:co_owners", args=[pk]), {"emails": ""}),
    ):
        assert client.post(url, data).status_code == 404, url
    article.refresh_from_db()
    made.refresh_from_db()
    assert article.helpful_yes == 0 and made.status == "open" and article.revision_count == 1
    assert not article.collection and not space.collections.exists()


def test_collections_and_helpful_votes_with_bad_input(client, space, owner):
    article = an_article(space, owner)
    client.force_login(owner)
    new = reverse("knowledge:new_collection", args=[space.slug])
    response = client.post(new, {"name": "Verlof"})
    collection = space.collections.get()
    assert response["Location"].endswith(f"?collection={collection.pk}")
    page = client.post(new, {"name": "verlof"}, follow=True, **EN).content.decode()
    assert "There is a collection with this name already." in page
    page = client.post(new, {"name": "x"}, follow=True, **EN).content.decode()
    assert "Give the collection a name of 2 to 120 characters." in page
    child = client.post(new, {"name": "Bijzonder verlof", "parent": collection.pk})
    assert child.status_code == 302 and space.collections.count() == 2
    grandchild = space.collections.get(name="Bijzonder verlof")
    page = client.post(new, {"name": "Te diep", "parent": grandchild.pk}, follow=True, **EN)
    assert "Collections nest one level" in page.content.decode()
    # Helpful: one vote per reader, changeable; anything but yes/no is refused.
    reader = MembershipFactory(space=space).user
    client.force_login(reader)
    helpful = reverse("knowledge:helpful", args=[article.pk])
    page = client.post(helpful, {"helpful": "misschien"}, follow=True, **EN).content.decode()
    assert "Choose yes or no." in page
    client.post(helpful, {"helpful": "yes"})
    client.post(helpful, {"helpful": "no"})
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (0, 1)


def test_search_filters_by_collection_owner_and_freshness(client, space, owner):
    from knowledge.models import Collection

    shelf = Collection.objects.create(space=space, name="Verlof")
    mine = an_article(space, owner, title="Verlof in de zomer", collection=shelf)
    other_owner = MembershipFactory(space=space).user
    theirs = an_article(space, other_owner, title="Verlof bij verhuizing")
    Article.objects.filter(pk=theirs.pk).update(
        review_at=timezone.localdate() - timezone.timedelta(days=1)
    )
    client.force_login(owner)
    search = reverse("knowledge:search")

    def found(**params):
        page = client.get(search, {"q": "verlof", **params}, **EN).content.decode()
        return {a.title for a in (mine, theirs) if f"/knowledge/{a.pk}/" in page}, page

    assert found()[0] == {mine.title, theirs.title}
    assert found(space=space.slug, collection=shelf.pk)[0] == {mine.title}
    assert found(owner=other_owner.email)[0] == {theirs.title}
    assert found(freshness="stale")[0] == {theirs.title}
    assert found(freshness="fresh")[0] == {mine.title}
    _titles, page = found(owner="niemand@plein.example")
    assert "No active colleague has this email address." in page
