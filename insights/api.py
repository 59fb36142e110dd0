"""Insights over the API, read-only, with the same privacy rules as the pages: the minimum
group size applies to every figure, person-level answers need the organisation's setting and a
grant and are written in the audit log, opted-out people are never in them. Not allowed is
404; a bad parameter is 400 with a message."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from insights import access, selectors, services
from insights.models import WINDOWS, Phase
from intranet.core.api import ApiView, PageQuery, call_service
from intranet.core.openapi import paginated, refusal

API_ROWS = 100  # named people per look, best first (paged with ?limit= and ?offset=)


class WindowQuery(serializers.Serializer):
    window = serializers.ChoiceField(
        choices=list(WINDOWS),
        default=90,
        help_text="the period in days",
        error_messages={"invalid_choice": _("Choose 30, 90 or 365 days.")},
    )


# Who may not view insights is answered 404, as an address that does not exist.
HIDDEN = refusal(404, "Not found: insights are not open to you.")


def _viewer(request) -> None:
    if not access.may_view(request.user):
        raise NotFound


# Named apart from the other apps' departments, people and signals: one component name each.
@extend_schema_serializer(component_name="InsightsDepartment")
class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.IntegerField()
    active = serializers.IntegerField()
    internal = serializers.FloatField()
    external = serializers.FloatField()
    outside_share = serializers.FloatField(allow_null=True)
    partners = serializers.IntegerField()
    silo = serializers.BooleanField()
    bridge = serializers.BooleanField()


class TieSerializer(serializers.Serializer):
    a = serializers.IntegerField(source="a_id")
    b = serializers.IntegerField(source="b_id")
    weight = serializers.FloatField()


class NetworkSerializer(serializers.Serializer):
    window = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    min_group = serializers.IntegerField()
    departments = DepartmentSerializer(many=True)
    ties = TieSerializer(many=True)


class NetworkView(ApiView):
    """Departments and the ties between them in the latest snapshot of a period."""

    get_query = WindowQuery

    @extend_schema(responses={200: NetworkSerializer, 404: HIDDEN})
    def get(self, request):
        _viewer(request)
        window = self.query(request)["window"]
        settings = selectors.insight_settings()
        snapshot = selectors.latest(window=window)
        return Response(
            NetworkSerializer(
                {
                    "window": window,
                    "computed_at": snapshot.computed_at if snapshot else None,
                    "min_group": settings.min_group,
                    "departments": selectors.shown_departments(
                        snapshot, min_group=settings.min_group
                    )
                    if snapshot
                    else [],
                    "ties": selectors.shown_ties(snapshot, min_group=settings.min_group)
                    if snapshot
                    else [],
                }
            ).data
        )


class CheckSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.key")
    value = serializers.FloatField(allow_null=True)
    threshold = serializers.FloatField()
    met = serializers.BooleanField()


class PhaseSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department.pk")
    name = serializers.CharField(source="department.name")
    phase = serializers.IntegerField()
    phase_name = serializers.SerializerMethodField()
    pilot = serializers.BooleanField()
    checks = CheckSerializer(many=True)

    def get_phase_name(self, row) -> str:
        return str(Phase(row.phase).label)


class PhasesView(ApiView):
    """Each department's adoption phase and the checks behind it."""

    get_query = PageQuery

    @extend_schema(
        responses={200: paginated(PhaseSerializer, "PaginatedInsightsPhaseList"), 404: HIDDEN}
    )
    def get(self, request):
        _viewer(request)
        self.query(request)
        rows = selectors.phase_table(min_group=selectors.insight_settings().min_group)
        return self.page(request, rows, PhaseSerializer)


@extend_schema_serializer(component_name="InsightsSignal")
class SignalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    board = serializers.CharField(
        source="space.name", default="", help_text="the space the signal was raised in"
    )
    status = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue")


class OwnerSerializer(serializers.Serializer):
    owner = serializers.IntegerField(source="owner_id")
    name = serializers.CharField()
    signals = serializers.IntegerField()
    answered = serializers.IntegerField()
    in_time = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()


class FollowUpSerializer(serializers.Serializer):
    signals = SignalSerializer(many=True)
    owners = OwnerSerializer(many=True)


class FollowUpView(ApiView):
    """The signals (at most 200, overdue first) and the owners' record: one bounded answer."""

    @extend_schema(responses={200: FollowUpSerializer, 404: HIDDEN})
    def get(self, request):
        _viewer(request)
        return Response(
            FollowUpSerializer(
                {
                    "signals": selectors.signals(user=request.user),
                    "owners": selectors.leader_record(user=request.user),
                }
            ).data
        )


@extend_schema_serializer(component_name="InsightsPerson")
class PersonSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.display_name")
    department = serializers.IntegerField(source="department_id", allow_null=True)
    ties = serializers.IntegerField()
    outside_ties = serializers.IntegerField()
    pagerank = serializers.FloatField()
    betweenness = serializers.FloatField()
    spread_hours = serializers.FloatField(allow_null=True)
    newcomer = serializers.BooleanField()


class PeopleLookInput(serializers.Serializer):
    measure = serializers.ChoiceField(choices=list(selectors.MEASURES), default="leaders")
    window = serializers.ChoiceField(choices=list(WINDOWS), default=90)


class PeopleView(ApiView):
    """A look at named people is audited, so it is a POST (with the CSRF token for a
    browser session): an image or a link elsewhere cannot make someone look. One look reads
    the best 100 people; ?limit= and ?offset= page through them."""

    post_input = PeopleLookInput
    post_query = PageQuery

    @extend_schema(
        responses={200: paginated(PersonSerializer, "PaginatedInsightsPersonList"), 404: HIDDEN},
        examples=[
            OpenApiExample(
                "Brokers of the last 30 days",
                value={"measure": "brokers", "window": 30},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        if not access.may_view_people(request.user):
            raise NotFound
        look = self.body(request)
        self.query(request)
        rows = call_service(
            lambda: services.open_person_view(actor=request.user, limit=API_ROWS, **look)
        )
        return self.page(request, rows, PersonSerializer)


urlpatterns = [
    path("insights/network/", NetworkView.as_view(), name="api-insights-network"),
    path("insights/phases/", PhasesView.as_view(), name="api-insights-phases"),
    path("insights/follow-up/", FollowUpView.as_view(), name="api-insights-follow-up"),
    path("insights/people/", PeopleView.as_view(), name="api-insights-people"),
]
