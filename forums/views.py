"""Forum pages. Thin: selectors read, services write; what one may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forums import cache, selectors, services
from forums.access import access_answer, access_topic, forum_space, may_edit
from forums.forms import (
    AcceptForm,
    AnswerForm,
    CommentForm,
    FollowForm,
    ModerateForm,
    RequestAnswerForm,
    SearchForm,
    SimilarForm,
    TopicForm,
    TopicListForm,
    VoteForm,
)
from forums.models import Topic
from intranet.core.forms import perform, refusal_text
from intranet.core.redirects import safe_next
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from intranet.governance.forms import PageForm
from intranet.governance.selectors import access_module
from intranet.search import fulltext


def _forum_access(request, slug: str):
    return access_module(user=request.user, slug=slug, module=Module.FORUMS)


def _topic_access(request, topic_id: int):
    """(topic, access), or 404 for missing, forbidden and malformed alike (forums.access)."""
    return access_topic(user=request.user, topic_id=topic_id)


@require_GET
def space_forum(request, slug: str):
    """A space's topics. The list itself is rendered once per space, page, filter and
    language and reused until a topic in the space changes (forums.cache)."""
    access = _forum_access(request, slug)
    leadership = selectors.is_leadership_space(access.space)
    filters = TopicListForm(request.GET).values()
    scope, number = filters["show"], filters["page"]
    if scope == "leadership" and not leadership:
        scope = "all"
    context = {
        "space": access.space,
        "access": access,
        "tab": "forum",
        "scope": scope,
        "leadership": leadership,
        "may_ask": access.can(Action.ASK_QUESTION)
        or access.can(Action.POST)
        or (leadership and not permissions.is_guest(request.user)),
    }
    if scope == "leadership":
        # Drawn from every space the reader may read: rendered per request, not cached.
        topics = selectors.leadership_questions(user=request.user)
        context["page"] = _with_states(Paginator(topics, selectors.PAGE_SIZE).get_page(number))
        return render(request, "forums/space_forum.html", context)
    key = cache.list_key(space_id=access.space.pk, parts=(scope, str(number), get_language()))
    context["topic_list"] = django_cache.get(key)
    if context["topic_list"] is None:
        topics = selectors.topics_in(space=access.space, scope=scope)
        page = _with_states(Paginator(topics, selectors.PAGE_SIZE).get_page(number))
        context["topic_list"] = render_to_string(
            "forums/_topic_list.html", {**context, "page": page}, request=request
        )
        django_cache.set(key, context["topic_list"], timeout=cache.LIST_TTL)
    return render(request, "forums/space_forum.html", context)


def _with_states(page):
    """Questions to the leadership on the page show whether and how fast it answered."""
    page.object_list = selectors.with_leadership_states(page.object_list)
    return page


@require_http_methods(["GET", "POST"])
def ask(request, slug: str):
    access = _forum_access(request, slug)
    leadership = selectors.is_leadership_space(access.space) and not permissions.is_guest(
        request.user
    )
    if not (access.can(Action.ASK_QUESTION) or access.can(Action.POST) or leadership):
        raise Http404
    form = TopicForm(
        request.POST or None,
        initial={
            "kind": "question",
            "language": get_language()[:2],
            "ask_leadership": leadership,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400  # unless it is saved
        if form.is_valid():
            topic, refused = perform(
                request,
                lambda: services.ask(author=request.user, space=access.space, **form.cleaned_data),
                form=form,
            )
            if not refused:
                return redirect(topic.get_absolute_url())
    return render(
        request,
        "forums/ask.html",
        {"space": access.space, "access": access, "tab": "forum", "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def topic(request, topic_id: int):
    topic, access = _topic_access(request, topic_id)
    if topic.merged_into_id and request.method == "GET":
        messages.info(request, _("That question was a duplicate: its answers are here now."))
        return redirect("forums:topic", topic_id=topic.merged_into_id)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400  # unless it is saved
        if form.is_valid():
            reply, refused = perform(
                request,
                lambda: services.answer(author=request.user, topic=topic, **form.cleaned_data),
                form=form,
            )
            if not refused:
                return redirect(f"{topic.get_absolute_url()}#answer-{reply.pk}")
    moderator = access.can(Action.MODERATE)
    may_manage = selectors.may_manage(user=request.user, access=access, author_id=topic.author_id)
    open_for_posts = not (topic.locked or topic.is_hidden)
    context = {
        "topic": topic,
        "space": topic.space,
        "access": access,
        "tab": "forum",
        "form": form,
        "moderator": moderator,
        "may_answer": access.can(Action.ANSWER) and open_for_posts,
        "may_comment": access.can(Action.COMMENT) and open_for_posts,
        "may_report": not permissions.is_guest(request.user),
        "may_accept": topic.is_question and may_manage,
        "may_article": Module.KNOWLEDGE in (topic.space.modules or [])
        and access.can(Action.WRITE_ARTICLE),
        "may_edit": may_edit(user=request.user, access=access, post=topic),
        "here": topic.get_absolute_url(),
        "me": request.user.pk,
        "tags": list(topic.tags.all()),
        "move_spaces": selectors.move_targets(user=request.user, topic=topic) if moderator else [],
        "following": selectors.follows(user=request.user, topic=topic),
        "live_feed": f"topic:{topic.pk}",
        "leadership_state": selectors.leadership_state_of(topic=topic),
    }
    context.update(_answers_block(request, context))
    return render(request, "forums/topic.html", context, status=status)


def _answers_block(request, context: dict) -> dict:
    """The answers and comments of a question page, rendered once per topic state and kind of
    reader and shared (forums.cache), then made personal: this reader's token, votes and
    report links. A reader with hidden posts of their own here gets them rendered just for
    them (they see why they were hidden)."""
    topic, moderator = context["topic"], context["moderator"]
    mine = selectors.my_state(topic=topic, user=request.user)
    flags = tuple(int(bool(context[k])) for k in ("moderator", "may_accept", "may_comment",
                                                   "may_report", "may_article"))  # fmt: skip
    key = cache.answers_key(topic_id=topic.pk, parts=(get_language(), *flags))
    shared = not mine["hidden"] or moderator
    block = django_cache.get(key) if shared else None
    if block is None:
        page = selectors.question_page(topic=topic, user=request.user, moderator=moderator)
        placeholder = cache.csrf_placeholder()
        inner = {**context, **page, "csrf_token": placeholder, "me": 0}
        block = {
            "placeholder": placeholder,
            "count": len(page["answers"]),
            "answers": render_to_string("forums/_answers.html", inner, request=request),
            "topic_comments": render_to_string(
                "activity/_comments.html",
                {**inner, "comments": page["topic_comments"], "on": None},
                request=request,
            ),
        }
        if shared:
            django_cache.set(key, block, timeout=cache.ANSWERS_TTL)
    token = get_token(request)
    # (A block cached before the placeholder was kept with it used the fixed one.)
    placeholder = block.get("placeholder") or "__plein_csrf__"
    votes = {
        answer.pk: render_to_string("forums/_votes.html", {"answer": answer, "csrf_token": token})
        for answer in mine["voted"]
    }
    return {
        "answer_count": block["count"],
        "answers_html": mark_safe(  # noqa: S308 - rendered by our templates, escaped there
            cache.personalise(
                block["answers"],
                placeholder=placeholder,
                csrf_token=token,
                user_id=request.user.pk,
                votes=votes,
            )
        ),
        "topic_comments_html": mark_safe(  # noqa: S308 - as above
            cache.personalise(
                block["topic_comments"],
                placeholder=placeholder,
                csrf_token=token,
                user_id=request.user.pk,
                votes={},
            )
        ),
    }


@require_POST
def vote(request, answer_id: int):
    # Access first: an answer one may not read answers 404 whatever the value sent, and
    # a refusal below never shows the score of something one may not see.
    access_answer(user=request.user, answer_id=answer_id)
    form = VoteForm(request.POST)
    answer, refused = perform(
        request,
        lambda: services.vote(user=request.user, answer_id=answer_id, **form.valid()),
        quiet=bool(request.htmx),
    )
    if request.htmx and refused:
        # htmx swaps only successful responses: the refusal comes back inside the
        # unchanged vote buttons, with the status saying it was refused.
        unchanged = selectors.answer_with_my_vote(answer_id=answer_id, user=request.user)
        response = render(
            request, "forums/_votes.html", {"answer": unchanged, "error": refusal_text(refused)}
        )
        response["X-Plein-Refused"] = "1"
        return response
    if request.htmx:
        answer.my_vote = form.cleaned_data["value"]
        return render(request, "forums/_votes.html", {"answer": answer})
    topic_id = answer.topic_id if answer else selectors.topic_of_answer(answer_id)
    return redirect("forums:topic", topic_id=topic_id)


@require_POST
def accept(request, topic_id: int):
    topic, _access = _topic_access(request, topic_id)
    form = AcceptForm(request.POST)
    _accepted, refused = perform(
        request,
        lambda: services.accept(actor=request.user, topic=topic, answer_id=form.valid()["answer"]),
    )
    if not refused:
        messages.success(request, _("Answer accepted."))
        if request.htmx:
            # The order of the answers changes: the page reloads (htmx follows this header).
            return HttpResponse(headers={"HX-Redirect": topic.get_absolute_url()})
    return redirect(topic.get_absolute_url())


@require_http_methods(["GET", "POST"])
def edit(request, topic_id: int):
    topic, space_access = _topic_access(request, topic_id)
    if not selectors.may_manage(
        user=request.user, access=space_access, author_id=topic.author_id
    ) or not may_edit(user=request.user, access=space_access, post=topic):
        raise Http404
    initial = {
        "title": topic.title,
        "body": topic.body,
        "tags": ", ".join(t.name for t in topic.tags.all()),
    }
    form = TopicForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = 400  # unless it is saved
        if form.is_valid():
            _saved, refused = perform(
                request,
                lambda: services.edit_topic(actor=request.user, topic=topic, **form.cleaned_data),
                form=form,
            )
            if not refused:
                messages.success(request, _("Saved. The previous version is kept in the history."))
                return redirect(topic.get_absolute_url())
    return render(
        request,
        "forums/edit.html",
        {
            "space": topic.space,
            "access": space_access,
            "tab": "forum",
            "form": form,
            "topic": topic,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def edit_answer(request, answer_id: int):
    """Authors edit their answer, moderators any; the previous text is kept in the history.
    An answer a moderator hid is not for its author to rewrite: 404 until it is restored."""
    answer, space_access = access_answer(user=request.user, answer_id=answer_id)
    topic = answer.topic
    if not selectors.may_manage(
        user=request.user, access=space_access, author_id=answer.author_id
    ) or not may_edit(user=request.user, access=space_access, post=answer):
        raise Http404
    form = AnswerForm(request.POST or None, initial={"body": answer.body})
    status = 200
    if request.method == "POST":
        status = 400  # unless it is saved
        if form.is_valid():
            saved, refused = perform(
                request,
                lambda: services.edit_answer(
                    actor=request.user, answer_id=answer.pk, **form.cleaned_data
                ),
                form=form,
            )
            if not refused:
                messages.success(request, _("Saved. The previous version is kept in the history."))
                return redirect(saved.get_absolute_url())
    return render(
        request,
        "forums/edit_answer.html",
        {"space": topic.space, "access": space_access, "tab": "forum", "form": form,
         "topic": topic, "answer": answer},
        status=status,
    )  # fmt: skip


@require_GET
def history(request, topic_id: int):
    """Every earlier version of the question and of its answers."""
    topic, space_access = _topic_access(request, topic_id)
    revisions = selectors.revisions_of(topic=topic, moderator=space_access.can(Action.MODERATE))
    return render(
        request,
        "forums/history.html",
        {
            "space": topic.space,
            "access": space_access,
            "tab": "forum",
            "topic": topic,
            "revisions": revisions,
        },
    )


@require_GET
def similar(request):
    """ "Before you ask": topics like the title being typed (htmx, under the title field)."""
    title = SimilarForm(request.GET).values()["title"]
    topics = selectors.similar_questions(user=request.user, title=title)
    return render(request, "forums/_similar.html", {"topics": topics})


@require_GET
def unanswered(request):
    """Questions waiting for an answer in my spaces, with who might know."""
    if permissions.is_guest(request.user):
        raise Http404
    page = Paginator(selectors.unanswered_for(user=request.user), 20).get_page(
        PageForm(request.GET).number()
    )
    page.object_list = selectors.with_suggested_experts(user=request.user, topics=page.object_list)
    return render(request, "forums/unanswered.html", {"page": page})


@require_POST
def request_answer(request, topic_id: int):
    topic, _access = _topic_access(request, topic_id)
    form = RequestAnswerForm(request.POST)
    _asked, refused = perform(
        request,
        lambda: services.request_answer(actor=request.user, topic=topic, **form.valid()),
    )
    if not refused:
        person = form.cleaned_data["person"]
        messages.success(request, _("%(name)s is asked to answer.") % {"name": person.display_name})
    return redirect(safe_next(request, topic.get_absolute_url()))


@require_POST
def follow(request, topic_id: int):
    topic, _access = _topic_access(request, topic_id)
    following = FollowForm(request.POST).following()
    _done, refused = perform(
        request, lambda: services.follow_topic(user=request.user, topic=topic, follow=following)
    )
    if following and not refused:
        messages.success(request, _("You will hear about new answers."))
    return redirect(topic.get_absolute_url())


@require_POST
def follow_tag(request, slug: str):
    """Follow a tag by its address: the same answer for every well-formed tag, used or not,
    readable or not (a malformed one is 404), so nobody learns which tags exist."""
    following = FollowForm(request.POST).following()
    tag, refused = perform(
        request,
        lambda: services.follow_tag(user=request.user, tag_slug=slug, follow=following),
        quiet=True,
    )
    if refused:
        raise Http404
    if following:
        messages.success(request, _("You will hear about new answers on %(tag)s.") % {"tag": tag})
    return redirect(safe_next(request, reverse("forums:unanswered")))


@require_POST
def comment(request, topic_id: int):
    """A comment under the question or one of its answers."""
    topic, _access = _topic_access(request, topic_id)
    form = CommentForm(request.POST)
    made, refused = perform(
        request,
        lambda: services.comment(
            author=request.user,
            topic=topic,
            answer_id=form.valid()["answer"],
            body=form.cleaned_data["body"],
        ),
    )
    if refused:
        on = getattr(form, "cleaned_data", {}).get("answer")
        return redirect(topic.get_absolute_url() + (f"#answer-{on}" if on else ""))
    return redirect(f"{topic.get_absolute_url()}#comment-{made.pk}")


@require_POST
def moderate(request, topic_id: int):
    """Lock, unlock, pin, unpin, move or merge a topic (moderators of its space)."""
    topic, access = _topic_access(request, topic_id)
    if not access.can(Action.MODERATE):
        raise Http404
    form = ModerateForm(request.POST)

    def moderate_topic() -> tuple[str, str]:
        """(what was done, where to go next): one service per action."""
        data = form.valid()
        action, here = data["action"], topic.get_absolute_url()
        if action in ("lock", "unlock"):
            services.set_flags(actor=request.user, topic=topic, locked=action == "lock")
            return (_("Locked: no new answers.") if action == "lock" else _("Unlocked.")), here
        if action in ("pin", "unpin"):
            services.set_flags(actor=request.user, topic=topic, pinned=action == "pin")
            return (_("Pinned to the top.") if action == "pin" else _("Unpinned.")), here
        if action == "move":
            to_space = forum_space(user=request.user, slug=data["space"], action=Action.MODERATE)
            if to_space is None:
                raise ValidationError(
                    {"space": _("Choose a space with a forum that you moderate.")}
                )
            services.move(actor=request.user, topic=topic, to_space=to_space)
            return _("Moved to %(space)s.") % {"space": to_space.name}, here
        original = services.merge(actor=request.user, topic=topic, into_id=data["into"])
        return _("Merged: the answers are here now."), original.get_absolute_url()

    outcome, refused = perform(request, moderate_topic)
    if refused:
        return redirect(topic.get_absolute_url())
    done, next_url = outcome
    messages.success(request, done)
    return redirect(next_url)


@require_GET
def search(request):
    """Search the forums: ranked, with the words found highlighted, filtered by space, tag,
    answered or not, and language."""
    asked = SearchForm(request.GET).values()
    spaces = fulltext.spaces_with(user=request.user, module=Module.FORUMS)
    chosen = next((s for s in spaces if s.slug == asked["space"]), None)
    filters = selectors.SearchFilters(
        q=asked["q"],
        space_id=chosen.pk if chosen else None,
        tag=asked["tag"],
        answered=asked["answered"],
        language=asked["language"],
    )
    page = Paginator(selectors.search_forums(user=request.user, filters=filters), 20).get_page(
        asked["page"]
    )
    fulltext.highlight(page.object_list)
    return render(
        request,
        "forums/search.html",
        {
            "page": page,
            "filters": filters,
            "spaces": spaces,
            "chosen": chosen,
            "languages": Topic.Language.choices,
        },
    )
