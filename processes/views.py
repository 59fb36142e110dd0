"""Process board pages. Thin: selectors read, services write; a board one may not see
answers 404, like one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.activity.selectors import comments_for
from intranet.core import files
from intranet.core.forms import perform, refusal_text
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from intranet.governance.selectors import access_module
from intranet.governance.selectors import departments as governance_departments
from processes import access, charts, forms, selectors, services
from processes.models import CardAttachment, ExceptionReport, PainPoint

STEP_ROWS = 8


def _board(request, board_id: int, action: str = Action.VIEW):
    """The board, if the reader may `action` on it; else 404 (before any input is read)."""
    return access.access_board(user=request.user, board_id=board_id, action=action)


def _card(request, card_id: int, action: str = Action.VIEW):
    return access.access_card(user=request.user, card_id=card_id, action=action)


def _board_context(request, board, tab: str) -> dict:
    # The board's spaces, named only to those who may know they exist.
    owner, shared = access.places(user=request.user, board=board)
    return {
        "board": board,
        "tab": tab,
        "may_work": access.may_work(user=request.user, board=board),
        "may_manage": access.may_manage(user=request.user, board=board),
        "home_place": owner,
        "shared_places": shared,
        # for the comments' moderation links
        "moderator": access.may_moderate(user=request.user, board=board),
        "may_report": not permissions.is_guest(request.user),
        "me": request.user.pk,
        "here": request.get_full_path(),
    }


# --- Boards --------------------------------------------------------------------------------------


@require_GET
def space_boards(request, slug: str):
    space_access = access_module(user=request.user, slug=slug, module=Module.BOARDS)
    return render(
        request,
        "processes/space.html",
        {
            "space": space_access.space,
            "access": space_access,
            "tab": "boards",
            "boards": list(selectors.boards_of_space(space=space_access.space, user=request.user)),
            "may_create": space_access.can(Action.CREATE_BOARD),
        },
    )


@require_http_methods(["GET", "POST"])
def new_board(request, slug: str):
    space_access = access_module(user=request.user, slug=slug, module=Module.BOARDS)
    if not space_access.can(Action.CREATE_BOARD):
        raise Http404
    form = forms.NewBoardForm(request.POST if request.method == "POST" else None)
    steps = forms.StepFormSet(
        request.POST if request.method == "POST" else None,
        rows=[f"step-{i}" for i in range(STEP_ROWS)],
    )
    error = None
    if request.method == "POST":
        board, error = perform(
            request,
            lambda: services.create_board(
                actor=request.user,
                space=space_access.space,
                **form.valid(),
                steps=[
                    {"name": row["name"], "department": row["department"], "wip_limit": row["wip"]}
                    for row in steps.valid()
                    if (row.get("name") or "").strip()
                ],
            ),
            quiet=True,
        )
        if board is not None:
            messages.success(request, _("The board is ready. Add the first cards."))
            return redirect(board.get_absolute_url())
    return render(
        request,
        "processes/new_board.html",
        {
            "space": space_access.space,
            "access": space_access,
            "tab": "boards",
            "departments": governance_departments(),
            "rows": [
                {
                    "name": row["name"].value() or "",
                    "department": getattr(row, "cleaned_data", {}).get("department"),
                    "wip_limit": row["wip"].value() or "",
                }
                for row in steps.forms
            ],
            "error": error,
            "values": form.data,
        },
        status=400 if error else 200,
    )


@require_GET
def board(request, board_id: int):
    from django.core.cache import cache as django_cache
    from django.utils.safestring import mark_safe

    from processes import cache

    board = _board(request, board_id)
    context = _board_context(request, board, "board")
    today = timezone.localdate()
    key = cache.columns_key(board_id=board.pk, language=get_language(), day=today)
    html = django_cache.get(key)
    if html is None:
        html = render_to_string(
            "processes/_columns.html", {"columns": selectors.columns(board=board)}
        )
        django_cache.set(key, html, cache.TTL)
    context["columns_html"] = mark_safe(html)  # noqa: S308 - rendered by our template above
    context["steps"] = list(board.steps.all())
    context["live_feed"] = f"board:{board.pk}"
    return render(request, "processes/board.html", context)


@require_http_methods(["GET", "POST"])
def board_settings(request, board_id: int):
    board = _board(request, board_id, Action.CREATE_BOARD)
    steps = list(board.steps.select_related("department"))
    # Only spaces the manager may know of and read: never every secret space's name.
    candidates = list(access.share_candidates(user=request.user, board=board))
    departments = governance_departments()
    if request.method == "POST":
        shares = forms.ShareForm(request.POST, candidates=candidates)
        if not shares.is_valid():
            raise Http404  # a space one may not share with is one that does not exist
        rows = forms.StepFormSet(
            request.POST, rows=[f"step-{s.pk}" for s in steps] + [f"new-{i}" for i in range(2)]
        )
        chosen = set(shares.cleaned_data["share"])
        _saved, error = perform(
            request,
            lambda: services.save_settings(
                actor=request.user,
                board=board,
                rows=_step_rows(rows.valid(), steps),
                spaces=[s for s in candidates if s.pk in chosen],
            ),
        )
        if error is None:
            messages.success(request, _("Saved."))
        return redirect("processes:settings", board_id=board.pk)
    context = _board_context(request, board, "settings")
    context.update(
        steps=steps,
        candidates=candidates,
        shared_ids={s.pk for s in board.shared_with.all()},
        departments=departments,
        new_rows=range(2),
    )
    return render(request, "processes/settings.html", context)


def _step_rows(rows: list[dict], steps) -> list[dict]:
    """The settings page's rows for services.save_settings, in their new order (a row without a
    position after the numbered ones, in the page's order)."""
    ids = [step.pk for step in steps] + [None] * (len(rows) - len(steps))
    found = [
        {
            "id": ident,
            "name": row.get("name") or "",
            "department": row.get("department"),
            "wip_limit": row.get("wip"),
            "remove": row.get("remove", False),
            "order": row.get("position") or 1000 + n,
        }
        for n, (ident, row) in enumerate(zip(ids, rows, strict=True))
    ]
    return sorted(found, key=lambda row: row["order"])


# --- Cards ---------------------------------------------------------------------------------------


@require_POST
def add_card(request, board_id: int):
    board = _board(request, board_id, Action.MOVE_CARD)
    form = forms.NewCardForm(request.POST, board=board)
    made, error = perform(
        request, lambda: services.add_card(actor=request.user, board=board, **form.valid())
    )
    if error is not None:
        return redirect(board.get_absolute_url())
    messages.success(request, _("Card added to “%(step)s”.") % {"step": made.step.name})
    return redirect(f"{board.get_absolute_url()}#card-{made.pk}")


@require_POST
def move(request, card_id: int):
    """Drag and drop, the keyboard and the card page's form all post here. htmx gets the
    board's fragments back (the card in its place now, both steps' headers) and, when the
    move was refused, the reason; a plain form goes back to where it came from."""
    card = _card(request, card_id, Action.MOVE_CARD)
    form = forms.MoveForm(request.POST)
    _moved, error = perform(
        request,
        lambda: services.move(actor=request.user, card_id=card.pk, **_move(form.valid())),
        quiet=bool(request.htmx),
    )
    if request.htmx:
        steps = selectors.steps_with_counts(board_id=card.board_id)
        html = render_to_string(
            "processes/_live.html",
            {
                "event": "move",
                "card": next(
                    iter(selectors.board_cards(board_id=card.board_id, card_ids=[card.pk])),
                    None,  # archived meanwhile: it leaves the board
                ),
                "card_id": card.pk,
                "steps": steps,
                "message": refusal_text(error) if error else "",
            },
            request=request,
        )
        status = 409 if isinstance(error, services.StaleMove) else 400 if error else 200
        return HttpResponse(html, status=status)
    if form.cleaned_data.get("back") == "card":
        return redirect(card.get_absolute_url())
    return redirect(f"{card.board.get_absolute_url()}#card-{card.pk}")


def _move(data: dict) -> dict:
    return {"to_step_id": data["to_step"] or 0, "from_step_id": data["from_step"] or 0}


@require_GET
def card(request, card_id: int):
    card = _card(request, card_id)
    board = card.board
    context = _board_context(request, board, "board")
    context.update(selectors.card_page(card=card))
    context.update(
        card=card,
        comments=comments_for(target=card, user=request.user),
        may_comment=access.may(user=request.user, board=board, action=Action.COMMENT),
        watching=request.user.pk in context["watcher_ids"],
        may_pain=not permissions.is_guest(request.user),
        frequencies=PainPoint.Frequency.choices,
        impacts=PainPoint.Impact.choices,
        max_mb=files.max_bytes() // (1024 * 1024),
        card_comment_url=reverse("processes:comment", args=[card.pk]),
    )
    return render(request, "processes/card.html", context)


@require_http_methods(["GET", "POST"])
def edit_card(request, card_id: int):
    card = _card(request, card_id, Action.MOVE_CARD)
    form = forms.CardForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST":
        _done, error = perform(
            request,
            lambda: services.update_card(actor=request.user, card=card, **form.valid()),
            quiet=True,
        )
        if error is None:
            messages.success(request, _("Saved."))
            return redirect(card.get_absolute_url())
    context = _board_context(request, card.board, "board")
    context.update(card=card, error=error, values=form.data if error else None)
    return render(request, "processes/edit_card.html", context, status=400 if error else 200)


@require_POST
def checklist(request, card_id: int):
    """Add an item, tick one off or take it back, remove one."""
    card = _card(request, card_id, Action.MOVE_CARD)
    form = forms.ChecklistForm(request.POST)
    form.is_valid()
    action, item_id = form.cleaned_data.get("action"), form.cleaned_data.get("item") or 0
    if action in ("done", "undo", "remove") and not card.checklist.filter(pk=item_id).exists():
        raise Http404
    calls = {
        "add": lambda: services.add_check_item(
            actor=request.user, card=card, text=form.cleaned_data["text"]
        ),
        "done": lambda: services.check(actor=request.user, item_id=item_id, done=True),
        "undo": lambda: services.check(actor=request.user, item_id=item_id, done=False),
        "remove": lambda: services.remove_check_item(actor=request.user, item_id=item_id),
    }
    _done, error = perform(request, calls.get(action, form.valid))
    if error is not None and action is None:
        return redirect(card.get_absolute_url())
    return redirect(f"{card.get_absolute_url()}#checklist")


@require_POST
def watch(request, card_id: int):
    card = _card(request, card_id)
    on = forms.SwitchForm(request.POST).valid()["on"]
    perform(request, lambda: services.watch(actor=request.user, card=card, on=on))
    messages.success(
        request,
        _("You will hear where this card goes.") if on else _("You no longer watch this card."),
    )
    return redirect(card.get_absolute_url())


@require_POST
def archive(request, card_id: int):
    card = _card(request, card_id, Action.MOVE_CARD)
    on = forms.SwitchForm(request.POST).valid()["on"]
    _done, error = perform(request, lambda: services.archive(actor=request.user, card=card, on=on))
    if error is not None:
        return redirect(card.get_absolute_url())
    if on:
        messages.success(request, _("Archived: off the board, with its history kept."))
        return redirect(card.board.get_absolute_url())
    messages.success(request, _("Back on the board."))
    return redirect(card.get_absolute_url())


@require_GET
def archived(request, board_id: int):
    board = _board(request, board_id)
    context = _board_context(request, board, "board")
    context["cards"] = list(
        board.cards.filter(archived_at__isnull=False)
        .select_related("step", "owner")
        .order_by("-archived_at")[:200]
    )
    return render(request, "processes/archived.html", context)


@require_POST
def upload(request, card_id: int):
    card = _card(request, card_id, Action.MOVE_CARD)
    form = forms.UploadForm(request.POST, request.FILES)
    _made, error = perform(
        request,
        lambda: services.attach(actor=request.user, card=card, upload=form.valid()["file"]),
    )
    if error is None:
        messages.success(request, _("Attached."))
    return redirect(f"{card.get_absolute_url()}#files")


@require_GET
def attachment(request, card_id: int, attachment_id: int, name: str):
    card = _card(request, card_id)
    found = card.attachments.filter(pk=attachment_id, name=name).first()
    if found is None:
        raise Http404
    return files.serve(found)


@require_POST
def remove_attachment(request, attachment_id: int):
    found = CardAttachment.objects.filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    card = _card(request, found.card_id, Action.MOVE_CARD)
    perform(request, lambda: services.detach(actor=request.user, attachment_id=found.pk))
    messages.success(request, _("The file is removed."))
    return redirect(f"{card.get_absolute_url()}#files")


@require_POST
def comment(request, card_id: int):
    card = _card(request, card_id, Action.COMMENT)
    form = forms.CommentForm(request.POST)
    made, error = perform(
        request, lambda: services.comment(author=request.user, target=card, **form.valid())
    )
    if error is not None:
        return redirect(f"{card.get_absolute_url()}#comments")
    return redirect(f"{card.get_absolute_url()}#comment-{made.pk}")


# --- Pain points ---------------------------------------------------------------------------------


@require_GET
def pains(request, board_id: int):
    board = _board(request, board_id)
    status = forms.PainFilterForm(request.GET).value()
    found = list(selectors.pain_points(board=board, status=status))
    context = _board_context(request, board, "pains")
    context.update(
        pains=found,
        status=status,
        statuses=PainPoint.Status.choices,
        mine=selectors.my_me_toos(user=request.user, pain_ids=[p.pk for p in found]),
        steps=list(board.steps.all()),
        frequencies=PainPoint.Frequency.choices,
        impacts=PainPoint.Impact.choices,
        may_pain=not permissions.is_guest(request.user),
        may_answer=access.may_answer_pain(user=request.user, board=board),
    )
    return render(request, "processes/pains.html", context)


@require_POST
def flag_pain(request, board_id: int):
    board = _board(request, board_id)
    form = forms.PainForm(request.POST, board=board)
    made, error = perform(
        request, lambda: services.flag_pain(actor=request.user, board=board, **_pain(form.valid()))
    )
    if error is not None:
        on_card = form.cleaned_data.get("card")
        return redirect(
            on_card.get_absolute_url() if on_card else reverse("processes:pains", args=[board.pk])
        )
    messages.success(request, _("Flagged. Colleagues who feel the same can say “me too”."))
    return redirect(made.get_absolute_url())


def _pain(data: dict) -> dict:
    """On a card, or else on a step."""
    return {**data, "step": None if data["card"] else data["step"]}


@require_GET
def pain(request, pain_id: int):
    found = access.access_pain(user=request.user, pain_id=pain_id)
    context = _board_context(request, found.board, "pains")
    context.update(
        pain=found,
        mine=selectors.my_me_toos(user=request.user, pain_ids=[found.pk]),
        comments=comments_for(target=found, user=request.user),
        may_comment=access.may(user=request.user, board=found.board, action=Action.COMMENT),
        statuses=PainPoint.Status.choices,
        may_answer=access.may_answer_pain(user=request.user, board=found.board),
    )
    return render(request, "processes/pain.html", context)


@require_POST
def me_too(request, pain_id: int):
    access.access_pain(user=request.user, pain_id=pain_id)
    _done, error = perform(
        request, lambda: services.me_too(actor=request.user, pain_point_id=pain_id)
    )
    if error is None:
        messages.success(request, _("Counted: you feel it too."))
    return redirect(reverse("processes:pain", args=[pain_id]))


@require_POST
def pain_status(request, pain_id: int):
    access.access_pain(user=request.user, pain_id=pain_id)
    form = forms.PainStatusForm(request.POST)
    done, error = perform(
        request,
        lambda: services.set_pain_status(actor=request.user, pain_point_id=pain_id, **form.valid()),
    )
    if error is None:
        messages.success(request, _("Status: %(status)s.") % {"status": done.get_status_display()})
    return redirect(reverse("processes:pain", args=[pain_id]))


@require_POST
def pain_comment(request, pain_id: int):
    found = access.access_pain(user=request.user, pain_id=pain_id, action=Action.COMMENT)
    form = forms.CommentForm(request.POST)
    made, error = perform(
        request, lambda: services.comment(author=request.user, target=found, **form.valid())
    )
    if error is not None:
        return redirect(found.get_absolute_url())
    return redirect(f"{found.get_absolute_url()}#comment-{made.pk}")


# --- Exceptions and signals ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def exceptions(request, board_id: int):
    """Register a case that did not fit (short and fast), and see how Plein grouped them."""
    board = _board(request, board_id)
    form = forms.ExceptionForm(request.POST if request.method == "POST" else None, board=board)
    error = None
    if request.method == "POST":
        report, error = perform(
            request,
            lambda: services.report_exception(reporter=request.user, board=board, **form.valid()),
            quiet=True,
        )
        if report is not None:
            signal = selectors.signal_of_group(group_id=report.group_id)
            messages.success(
                request,
                _("Registered. It is now part of a signal for leadership to answer.")
                if signal
                else _("Registered. When it keeps coming back, it becomes a signal."),
            )
            return redirect(
                f"{reverse('processes:exceptions', args=[board.pk])}#group-{report.group_id}"
            )
    context = _board_context(request, board, "exceptions")
    context.update(
        groups=selectors.exception_groups(board=board),
        steps=list(board.steps.all()),
        categories=ExceptionReport.Category.choices,
        policy=services.signal_policy(),
        may_report=not permissions.is_guest(request.user),
        may_group=access.may_moderate(user=request.user, board=board),
        error=error,
        values=form.data if error else {},
    )
    return render(request, "processes/exceptions.html", context, status=400 if error else 200)


@require_POST
def regroup(request, board_id: int):
    """Confirm Plein's grouping, or split one report off into a group of its own."""
    board = _board(request, board_id)
    form = forms.RegroupForm(request.POST)
    form.is_valid()
    back = reverse("processes:exceptions", args=[board.pk])
    if form.cleaned_data.get("action") == "confirm":
        group_id = form.cleaned_data.get("group") or 0
        if not board.exception_groups.filter(pk=group_id).exists():
            raise Http404
        _group, error = perform(
            request, lambda: services.confirm_group(actor=request.user, group_id=group_id)
        )
        if error is None:
            messages.success(request, _("Grouping confirmed."))
        return redirect(back)
    report_id = form.cleaned_data.get("report") or 0
    if not board.exceptions.filter(pk=report_id).exists():
        raise Http404
    group, error = perform(
        request, lambda: services.split_report(actor=request.user, report_id=report_id)
    )
    if error is not None:
        return redirect(back)
    messages.success(request, _("Split off into a group of its own."))
    return redirect(f"{back}#group-{group.pk}")


@require_GET
def signals(request):
    """Signals became the platform's (every kind, not only recurring exceptions): the
    follow-up page, showing what this page showed."""
    from intranet.signals.forms import FollowUpFilterForm

    # The follow-up page's own filter reads the state ("all" of before is no state there).
    _tab, state = FollowUpFilterForm({"state": "open", **request.GET.dict(), "tab": "all"}).value()
    url = reverse("signals:follow_up") + "?tab=all" + (f"&state={state}" if state else "")
    return redirect(url)


@require_GET
def signal(request, signal_id: int):
    """An address of before (notifications and emails link to it): to the signal's own page,
    for whoever may see it (404 for anyone else, like the page itself)."""
    from intranet.signals import access as signals

    return redirect(signals.access_signal(user=request.user, signal_id=signal_id))


@require_http_methods(["GET", "POST"])
def signal_settings(request):
    """When recurring exceptions become a signal: administrators only."""
    if not permissions.is_administrator(request.user):
        raise Http404
    policy = services.signal_policy()
    form = forms.SignalPolicyForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST":
        _done, error = perform(
            request,
            lambda: services.configure_signals(actor=request.user, **form.valid()),
            quiet=True,
        )
        if error is None:
            messages.success(request, _("Saved. New reports are grouped and counted this way."))
            return redirect("processes:signal_settings")
    return render(
        request,
        "processes/signal_settings.html",
        {"policy": policy, "error": error, "values": form.data if error else None},
        status=400 if error else 200,
    )


# --- Flow ----------------------------------------------------------------------------------------


@require_GET
def flow(request, board_id: int):
    board = _board(request, board_id)
    metrics = selectors.flow(board=board)
    for step in metrics.steps:
        step.stay_text = charts.duration(step.average_stay)
    context = _board_context(request, board, "flow")
    context.update(
        flow=metrics,
        charts=charts.for_flow(metrics, language=get_language()),
        handoffs=sorted(metrics.handoffs.items(), key=lambda kv: -kv[1]),
    )
    return render(request, "processes/flow.html", context)
