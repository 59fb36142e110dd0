"""Insight pages. Thin: selectors read the stored snapshots, services write (settings, grants,
opt-out) and open the person-level views (audited). What one may not see answers 404."""

from __future__ import annotations

import csv
import functools
from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insights import access, charts, phases, selectors, services, tasks
from insights import value as value_figures
from insights.forms import (
    ExportFilterForm,
    GrantForm,
    NetworkFilterForm,
    OptOutForm,
    PeopleLookForm,
    SettingsForm,
    ThresholdsForm,
    ValueFilterForm,
    WhichForm,
)
from insights.models import WINDOWS, Analyst, Layer, Phase
from intranet.core.forms import perform

PAGE_ROWS = 25
FORMULA = ("=", "+", "-", "@", "\t", "\r")
EXPORT_ROWS = 100_000


def _viewer(request) -> None:
    if not access.may_view(request.user):
        raise Http404


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text (tab
        # and carriage return too: some spreadsheets drop them and read what follows). An
        # empty cell stays empty.
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA) else v
                         for v in row])  # fmt: skip
    return response


def _page(request, template: str, context: dict) -> HttpResponse:
    """Render with what the tabs need to know about the reader."""
    can = {
        "view": access.may_view(request.user),
        "people": access.may_view_people(request.user),
        "configure": access.may_configure(request.user),
    }
    return render(request, template, {**context, "can": can})


def _svg(filename: str, svg: str) -> HttpResponse:
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _once(compute):
    """A value the template asks for only when its cached part is missing (templates call
    callables), computed at most once."""
    return functools.cache(compute)


@require_GET
def network(request):
    _viewer(request)
    filters = NetworkFilterForm(request.GET).values()
    window, export = filters["window"], filters["export"]
    settings = selectors.insight_settings()
    # The page says when the snapshot was made; its figures are read only when the cached
    # part of the page has to be rendered again (or for an export).
    snapshot = _once(lambda: selectors.latest(window=window, figures=False))
    figures = _once(lambda: selectors.latest(window=window))
    min_group = settings.min_group
    departments = _once(
        lambda: selectors.shown_departments(figures(), min_group=min_group) if figures() else []
    )
    ties = _once(lambda: selectors.shown_ties(figures(), min_group=min_group) if figures() else [])
    title = _("Who works with whom across departments, last %(days)s days") % {"days": window}
    chart = _once(
        lambda: (
            charts.network(departments=departments(), ties=ties(), title=title)
            if figures()
            else None
        )
    )
    if export == "departments":
        return _csv(
            f"departments-{window}d.csv",
            [_("Department"), _("Members"), _("Active in the network"), _("Ties inside"),
             _("Ties outside"), _("Outside share"), _("Partner departments"), _("Silo"),
             _("Bridge")],
            ([d["name"], d["members"], d["active"], d["internal"], d["external"],
              d["outside_share"], d["partners"], d["silo"], d["bridge"]] for d in departments()),
        )  # fmt: skip
    if export == "ties":
        return _csv(
            f"department-ties-{window}d.csv",
            [_("Department"), _("Department"), _("Weight")],
            ([t["a"], t["b"], t["weight"]] for t in ties()),
        )
    if export == "svg" and chart():
        return _svg(f"network-{window}d.svg", chart())
    return _page(
        request,
        "insights/network.html",
        {
            "section": "network",
            "window": window,
            "windows": WINDOWS,
            "snapshot": snapshot,
            "departments": departments,
            "ties": _once(lambda: ties()[:30]),
            "chart": chart,
            "settings": settings,
            "fragment": selectors.fragment_key("network", window),
            "fragment_seconds": selectors.FRAGMENT_SECONDS,
        },
    )


@require_GET
def adoption(request):
    _viewer(request)
    settings = selectors.insight_settings()
    rows = _once(lambda: selectors.phase_table(min_group=settings.min_group))
    end = timezone.localdate()
    start = end - timedelta(days=180)
    history = _once(lambda: selectors.timeline(min_group=settings.min_group))
    chart = _once(
        lambda: (
            charts.timeline(
                rows=history(), start=start, end=end, title=_("Adoption phase over time")
            )
            if history()
            else None
        )
    )
    # Leadership participation: the layers' share over time (recorded with the phases) and
    # each shown department's leaders' own activity (from the rows above, no more queries).
    layers = _once(lambda: selectors.layer_history(min_group=settings.min_group))
    layer_chart = _once(
        lambda: (
            charts.share_lines(
                series=[(label, values) for _layer, label, values in layers().series],
                start=layers().start,
                end=layers().end,
                title=_("Who posted, asked, answered or commented, per layer"),
            )
            if any(values for _layer, _label, values in layers().series)
            else None
        )
    )
    export = ExportFilterForm(request.GET).values()["export"]
    if export == "layers":
        return _csv(
            "adoption-layers.csv",
            [_("Day"), _("Layer"), _("Posted, asked, answered or commented")],
            ([day.isoformat(), str(Layer(layer).label),
              _("too small to show") if share is None else share]
             for day, layer, share in layers().points),
        )  # fmt: skip
    if export == "layers_svg" and layer_chart():
        return _svg("adoption-layers.svg", layer_chart())
    if export == "csv":
        return _csv(
            "adoption-phases.csv",
            [_("Department"), _("Phase"), _("Pilot"), _("Members")]
            + [str(rule.label) for rule in phases.RULES],
            ([r.department.name, str(Phase(r.phase).label), r.pilot, r.figures.get("members")]
             + [c.value for c in r.checks] for r in rows()),
        )  # fmt: skip
    if export == "timeline":
        return _csv(
            "adoption-timeline.csv",
            [_("Department"), _("Since"), _("Phase")],
            ([str(d), day.isoformat(), str(Phase(p).label)] for d, steps in history().items()
             for day, p in steps),
        )  # fmt: skip
    if export == "svg" and chart():
        return _svg("adoption-timeline.svg", chart())
    return _page(
        request,
        "insights/adoption.html",
        {
            "section": "adoption",
            "rows": rows,
            "rules": phases.RULES,
            "phases": list(Phase)[1:],
            "thresholds": {**phases.DEFAULTS, **settings.thresholds},
            "pilot": _once(lambda: selectors.pilot_comparison(rows())),
            "pilot_changes": _once(lambda: selectors.pilot_before_after(rows())),
            "chart": chart,
            "layers": layers,
            "layer_chart": layer_chart,
            "leaders": _once(lambda: selectors.leader_rows(rows())),
            "settings": settings,
            "fragment": selectors.fragment_key("adoption"),
            "fragment_seconds": selectors.FRAGMENT_SECONDS,
        },
    )


@require_GET
def value(request):
    """What Plein returned per month (insights.value says how each figure is counted): a
    table, a chart of the months and one of the running totals, and the CSV."""
    _viewer(request)
    form = ValueFilterForm(request.GET)
    filters = form.values()
    months, export = filters["months"], filters["export"]
    rows = selectors.value_over_time(months=months)
    main = [c for c in value_figures.COLUMNS if c.main]
    days = [row.month for row in rows]
    if export == "csv":
        return _csv(
            f"value-{months}-months.csv",
            [_("Month")]
            + [str(c.label) for c in value_figures.COLUMNS]
            + [_("%(figure)s so far") % {"figure": c.label} for c in main],
            ([f"{row.month:%Y-%m}"] + [row.values[c.key] for c in value_figures.COLUMNS]
             + [row.so_far[c.key] for c in main] for row in rows),
        )  # fmt: skip
    monthly = charts.lines(
        months=days,
        series=[(str(c.label), [row.values[c.key] for row in rows]) for c in main],
        title=_("What Plein returned per month, last %(months)s months") % {"months": months},
    )
    so_far = charts.lines(
        months=days,
        series=[(str(c.label), [row.so_far[c.key] for row in rows]) for c in main],
        title=_("What Plein returned so far, over the last %(months)s months") % {"months": months},
    )
    if export == "svg":
        return _svg(f"value-{months}-months.svg", monthly)
    if export == "svg_total":
        return _svg(f"value-so-far-{months}-months.svg", so_far)
    totals = value_figures.totals(rows)
    return _page(
        request,
        "insights/value.html",
        {
            "section": "value",
            "months": months,
            "month_choices": value_figures.MONTH_CHOICES,
            "refused": form.refused(),
            "default_months": value_figures.DEFAULT_MONTHS,
            "columns": value_figures.COLUMNS,
            "main": main,
            "rows": [
                {"month": row.month, "values": [row.values[c.key] for c in value_figures.COLUMNS],
                 "so_far": [row.so_far[c.key] for c in main]}
                for row in reversed(rows)
            ],
            "totals": [totals[c.key] for c in value_figures.COLUMNS],
            "reading": {c.key: totals[c.key] for c in value_figures.COLUMNS},
            "first": days[0],
            "chart": monthly,
            "chart_so_far": so_far,
            "settings": selectors.insight_settings(),
        },
    )  # fmt: skip


@require_GET
def follow_up(request):
    _viewer(request)
    export = ExportFilterForm(request.GET).values()["export"]
    # The page lists the first rows (overdue first); the CSV exports have every row.
    limit = EXPORT_ROWS if export else PAGE_ROWS
    user = request.user
    # Read only when the cached part of the page is rendered again (or for an export).
    signals = _once(lambda: selectors.signals(user=user, limit=limit))
    pains = _once(lambda: selectors.pain_points(user=user, limit=limit))
    leaders = _once(lambda: selectors.leader_record(user=user))
    now = timezone.now()
    if export == "signals":
        return _csv(
            "signals.csv",
            [_("Signal"), _("Space"), _("Status"), _("Owner"), _("Raised"), _("Deadline"),
             _("Answered"), _("Overdue")],
            ([s.title, s.space.name if s.space else "", s.get_status_display(),
              s.owner.display_name if s.owner else "", s.created_at.isoformat(),
              s.due_at.isoformat(), s.responded_at.isoformat() if s.responded_at else "",
              s.is_overdue] for s in signals()),
        )  # fmt: skip
    if export == "pains":
        return _csv(
            "pain-points.csv",
            [_("Pain point"), _("Board"), _("Status"), _("Me too"), _("Flagged"),
             _("Status changed")],
            ([p.what, p.board.name, p.get_status_display(), p.me_too_count,
              p.created_at.isoformat(),
              p.status_changed_at.isoformat() if p.status_changed_at else ""] for p in pains()),
        )  # fmt: skip
    if export == "leaders":
        return _csv(
            "signal-owners.csv",
            [_("Owner"), _("Signals"), _("Answered"), _("In time"), _("Median days"),
             _("Overdue now")],
            ([r["name"], r["signals"], r["answered"], r["in_time"], r["median_days"],
              r["overdue"]] for r in leaders()),
        )  # fmt: skip
    return _page(
        request,
        "insights/follow_up.html",
        {
            "section": "follow_up",
            "signals": signals,
            "pains": pains,
            "leaders": leaders,
            "now": now,
            "counts": _once(lambda: selectors.follow_up_counts(user=user)),
            "fragment": selectors.follow_up_key(user=user),
            "fragment_seconds": selectors.FRAGMENT_SECONDS,
        },
    )


@require_http_methods(["GET", "POST"])
def people(request):
    """Named people: only with the organisation's setting and a grant. Opening the page shows
    the choice of measure and period; the look itself (the rows or the CSV) is a POST with
    the CSRF token, and each look is audited: an image or a link elsewhere cannot make an
    analyst appear to have looked at anyone."""
    if not access.may_view_people(request.user):
        raise Http404
    look = PeopleLookForm(request.POST if request.method == "POST" else request.GET).values()
    window, measure = look["window"], look["measure"]
    context = {
        "section": "people",
        "window": window,
        "windows": WINDOWS,
        "measure": measure,
        "measures": [
            ("leaders", _("Informal leaders")),
            ("brokers", _("Brokers")),
            ("spreaders", _("Fast spreaders")),
            ("newcomers", _("Newcomers to welcome")),
        ],
        "settings": selectors.insight_settings(),
    }
    if request.method != "POST":
        return _page(request, "insights/people.html", {**context, "rows_html": None})
    if look["export"] == "csv":
        rows, _refused = perform(
            request,
            lambda: services.open_person_view(
                actor=request.user, window=window, measure=measure, export=True,
                limit=EXPORT_ROWS,
            ),
            quiet=True,
        )  # fmt: skip
        return _csv(
            f"people-{measure}-{window}d.csv",
            [_("Person"), _("Department"), _("Colleagues"), _("Outside their department"),
             _("PageRank"), _("Betweenness"), _("Median hours to reach another department")],
            ([r.user.display_name, r.department.name if r.department else "", r.ties,
              r.outside_ties, round(r.pagerank, 5), round(r.betweenness, 5), r.spread_hours]
             for r in rows),
        )  # fmt: skip
    # The rows are the same for everyone granted (opt-outs and new snapshots move the
    # generation), so they are rendered once per change; every look is still recorded.
    # Administrators get an "Invite" link per row (gamification: informal leaders get room,
    # with consent), so their copy is kept apart.
    may_invite = access.may_configure(request.user)
    key = selectors.fragment_key("people", measure, window, get_language(), may_invite)
    found = cache.get(key)
    if found is None:
        rows = selectors.named_people(window=window, measure=measure, limit=PAGE_ROWS)
        html = render_to_string(
            "insights/_people_rows.html",
            {"rows": rows, "measure": measure, "window": window, "may_invite": may_invite},
        )
        found = (html, len(rows))
        cache.set(key, found, selectors.FRAGMENT_SECONDS)
    html, shown = found
    services.record_person_view(actor=request.user, window=window, measure=measure, shown=shown)
    return _page(
        request,
        "insights/people.html",
        {**context, "rows_html": mark_safe(html)},  # noqa: S308 - rendered by our template
    )


@require_http_methods(["GET", "POST"])
def mine(request):
    """Everyone: am I in the person-level views, and leave or rejoin them."""
    if request.method == "POST":
        form = OptOutForm(request.POST)
        form.is_valid()  # never refused: "1" leaves, anything else rejoins
        _done, refused = perform(
            request, lambda: services.set_opt_out(user=request.user, out=form.cleaned_data["out"])
        )
        if not refused:
            messages.success(request, _("Saved. This applies to every view from now on."))
        return redirect("insights:mine")
    return _page(
        request,
        "insights/mine.html",
        {
            "section": "mine",
            "status": selectors.included(user=request.user),
            "settings": selectors.insight_settings(),
        },
    )


def _refusal(form) -> ValidationError | None:
    """The form's messages (its own and the service's) for the banner above it."""
    return ValidationError(form.errors.as_data()) if form.errors else None


@require_http_methods(["GET", "POST"])
def configure(request):
    if not access.may_configure(request.user):
        raise Http404
    settings = selectors.insight_settings()
    error = threshold_error = None
    typed = {}
    which = WhichForm(request.POST).values()["form"] if request.method == "POST" else None
    if which == "settings":
        form = SettingsForm(request.POST)
        if form.is_valid():
            _done, refused = perform(
                request,
                lambda: services.save_settings(actor=request.user, **form.cleaned_data),
                form=form,
            )
            if not refused:
                messages.success(request, _("Insight settings saved."))
                return redirect("insights:configure")
        error, typed = _refusal(form), form.data
    elif which == "thresholds":
        form = ThresholdsForm(request.POST)
        if form.is_valid():
            _done, refused = perform(
                request,
                lambda: services.save_thresholds(actor=request.user, values=form.thresholds()),
                form=form,
            )
            if not refused:
                messages.success(request, _("Thresholds saved. Phases follow them from now on."))
                return redirect("insights:configure")
        threshold_error, typed = _refusal(form), form.data
    thresholds = {**phases.DEFAULTS, **settings.thresholds}
    return _page(
        request,
        "insights/configure.html",
        {
            "section": "configure",
            "settings": settings,
            "error": error,
            "threshold_error": threshold_error,
            "typed": typed,
            "rules": [
                (
                    rule,
                    typed.get(rule.key)
                    if typed
                    else (
                        round(thresholds[rule.key] * 100) if rule.share else thresholds[rule.key]
                    ),
                )
                for rule in phases.RULES
            ],
            "analysts": Analyst.objects.select_related("user", "granted_by").order_by("pk"),
        },
    )


@require_POST
def grant(request):
    if not access.may_configure(request.user):
        raise Http404
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a person."))
        return redirect("insights:configure")
    person = form.cleaned_data["user"]
    if form.cleaned_data["revoke"]:
        _done, refused = perform(request, lambda: services.revoke(actor=request.user, user=person))
        if not refused:
            messages.success(request, _("%(name)s no longer sees named people.") % {
                "name": person.display_name})  # fmt: skip
    else:
        _done, refused = perform(request, lambda: services.grant(actor=request.user, user=person))
        if not refused:
            messages.success(request, _("%(name)s may now open the person-level views.") % {
                "name": person.display_name})  # fmt: skip
    return redirect("insights:configure")


@require_POST
def recompute(request):
    if not access.may_configure(request.user):
        raise Http404
    tasks.refresh_insights.delay()
    messages.success(request, _("Recomputing: the new figures appear in a minute or two."))
    return redirect("insights:network")
