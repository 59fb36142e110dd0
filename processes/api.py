"""Process boards over the API: the same services and selectors (and 404 rules) as the pages.
A stale move answers 409 with where the card is now."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.core.api import call_service, request_object
from intranet.governance.constants import Action
from processes import access, selectors, services
from processes.models import Board, ExceptionReport, PainPoint, Signal


class StepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.IntegerField()
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    wip_limit = serializers.IntegerField(allow_null=True)
    card_count = serializers.IntegerField(required=False)
    pain_count = serializers.IntegerField(required=False)


class CardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    board = serializers.IntegerField(source="board_id")
    step = serializers.IntegerField(source="step_id")
    title = serializers.CharField()
    owner = serializers.EmailField(source="owner.email", allow_null=True, default=None)
    due_date = serializers.DateField(allow_null=True)
    labels = serializers.ListField(child=serializers.CharField())
    entered_step_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_absolute_url")


class BoardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    space = serializers.SerializerMethodField(
        help_text="The owning space's slug; null when the reader may not know it exists."
    )
    url = serializers.CharField(source="get_absolute_url")

    def get_space(self, board) -> str | None:
        # Set by the views from processes.access: a secret space is never named to others.
        return board.space.slug if getattr(board, "owner_listed", False) else None


class PainSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.IntegerField(source="step_id", allow_null=True)
    card = serializers.IntegerField(source="card_id", allow_null=True)
    what = serializers.CharField()
    frequency = serializers.CharField()
    impact = serializers.CharField()
    status = serializers.CharField()
    me_too_count = serializers.IntegerField()


class ExceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.IntegerField(source="step_id", allow_null=True)
    category = serializers.CharField()
    text = serializers.CharField()
    group = serializers.IntegerField(source="group_id", allow_null=True)
    created_at = serializers.DateTimeField()


class SignalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    board = serializers.IntegerField(source="group.board_id")
    title = serializers.CharField(source="group.title")
    owner = serializers.EmailField(source="owner.email", allow_null=True, default=None)
    status = serializers.CharField()
    response = serializers.CharField()
    due_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue")


class BoardDetailSerializer(BoardSerializer):
    """What BoardView answers: the board with its steps and cards."""

    steps = StepSerializer(many=True)
    cards = CardSerializer(many=True)


# Request bodies, for the schema: the views read these fields from a JSON object.
NEW_CARD = inline_serializer(
    "NewCard",
    {
        "title": serializers.CharField(),
        "step": serializers.IntegerField(required=False, allow_null=True),
        "description": serializers.CharField(required=False),
        "labels": serializers.ListField(child=serializers.CharField(), required=False),
    },
)
MOVE = inline_serializer(
    "Move", {"to_step": serializers.IntegerField(), "from_step": serializers.IntegerField()}
)
STALE_MOVE = inline_serializer(
    "StaleMove",
    {
        "detail": serializers.ListField(child=serializers.CharField()),
        "step": serializers.IntegerField(help_text="The step the card is in now."),
    },
)
NEW_PAIN = inline_serializer(
    "NewPain",
    {
        "what": serializers.CharField(),
        "frequency": serializers.ChoiceField(PainPoint.Frequency.choices),
        "impact": serializers.ChoiceField(PainPoint.Impact.choices),
        "step": serializers.IntegerField(required=False, allow_null=True),
        "card": serializers.IntegerField(required=False, allow_null=True),
    },
)
NEW_EXCEPTION = inline_serializer(
    "NewException",
    {
        "category": serializers.ChoiceField(ExceptionReport.Category.choices),
        "text": serializers.CharField(),
        "step": serializers.IntegerField(required=False, allow_null=True),
    },
)
SIGNAL_ANSWER = inline_serializer(
    "SignalAnswer",
    {
        "status": serializers.ChoiceField(Signal.Status.choices),
        "response": serializers.CharField(required=False),
    },
)
FLOW = inline_serializer(
    "Flow",
    {
        "steps": inline_serializer(
            "FlowStep",
            {
                "step": serializers.IntegerField(),
                "name": serializers.CharField(),
                "cards": serializers.IntegerField(),
                "average_stay_hours": serializers.FloatField(allow_null=True),
                "stays": serializers.IntegerField(),
            },
            many=True,
        ),
        "bottleneck": serializers.IntegerField(allow_null=True),
        "handoffs": inline_serializer(
            "Handoff",
            {
                "from": serializers.CharField(help_text="A department's name, or a dash."),
                "to": serializers.CharField(help_text="A department's name, or a dash."),
                "count": serializers.IntegerField(),
            },
            many=True,
        ),
        "throughput": serializers.DictField(
            child=serializers.IntegerField(), help_text='Cards done per ISO week ("2026-W47").'
        ),
    },
)


def _board(request, board_id: int, action: str = Action.VIEW):
    """The board, if the reader may `action` on it; else 404, before any input is read."""
    try:
        board = access.access_board(user=request.user, board_id=board_id, action=action)
    except Http404 as missing:
        raise NotFound from missing
    home, _shared = access.places(user=request.user, board=board)
    board.owner_listed = home is not None
    return board


def _found(load):
    try:
        return load()
    except Http404 as missing:
        raise NotFound from missing


def _id(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiValidationError({field: [_("A number.")]})
    return value


class BoardsView(APIView):
    @extend_schema(responses=BoardSerializer(many=True))
    def get(self, request):
        boards = access.with_owner_listed(
            Board.objects.readable_by(request.user).select_related("space"), user=request.user
        )
        return Response(BoardSerializer(boards.order_by("name", "pk")[:200], many=True).data)


class BoardView(APIView):
    @extend_schema(responses=BoardDetailSerializer)
    def get(self, request, board_id: int):
        board = _board(request, board_id)
        steps = selectors.steps_with_counts(board_id=board.pk)
        cards = selectors.board_cards(board_id=board.pk)
        return Response(
            {
                **BoardSerializer(board).data,
                "steps": StepSerializer(steps, many=True).data,
                "cards": CardSerializer(cards, many=True).data,
            }
        )


class BoardCardsView(APIView):
    @extend_schema(request=NEW_CARD, responses={201: CardSerializer})
    def post(self, request, board_id: int):
        board = _board(request, board_id, Action.MOVE_CARD)
        data = request_object(request)
        step = None
        if data.get("step") is not None:
            step = board.steps.filter(pk=_id(data.get("step"), "step")).first()
            if step is None:
                raise ApiValidationError({"step": [_("Choose a step of this board.")]})
        card = call_service(
            lambda: services.add_card(
                actor=request.user,
                board=board,
                title=str(data.get("title", "")),
                step=step,
                description=str(data.get("description", "")),
                labels=data.get("labels") or [],
            )
        )
        return Response(CardSerializer(card).data, status=status.HTTP_201_CREATED)


class MoveView(APIView):
    @extend_schema(request=MOVE, responses={200: CardSerializer, 409: STALE_MOVE})
    def post(self, request, card_id: int):
        """Move a card: `to_step`, and `from_step` where you saw it. 409 when someone moved
        it meanwhile (with its current step), 400 when refused (WIP limit, another board)."""
        card = _found(
            lambda: access.access_card(user=request.user, card_id=card_id, action=Action.MOVE_CARD)
        )
        data = request_object(request)
        to_step, from_step = (
            _id(data.get("to_step"), "to_step"),
            _id(data.get("from_step"), "from_step"),
        )
        try:
            moved = call_service(
                lambda: services.move(
                    actor=request.user,
                    card_id=card.pk,
                    to_step_id=to_step,
                    from_step_id=from_step,
                )
            )
        except ApiValidationError as error:
            if isinstance(error.__cause__, services.StaleMove):
                card.refresh_from_db(fields=["step"])
                return Response(
                    {"detail": error.__cause__.messages, "step": card.step_id},
                    status=status.HTTP_409_CONFLICT,
                )
            raise
        return Response(CardSerializer(moved).data)


class PainsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["open", *PainPoint.Status.values]),
        ],
        responses=PainSerializer(many=True),
    )
    def get(self, request, board_id: int):
        board = _board(request, board_id)
        pains = selectors.pain_points(board=board, status=request.query_params.get("status", ""))
        return Response(PainSerializer(pains[:500], many=True).data)

    @extend_schema(request=NEW_PAIN, responses={201: PainSerializer})
    def post(self, request, board_id: int):
        board = _board(request, board_id, access.REPORT)
        data = request_object(request)
        step = card = None
        if data.get("step") is not None:
            step = board.steps.filter(pk=_id(data["step"], "step")).first()
        if data.get("card") is not None:
            card = board.cards.filter(pk=_id(data["card"], "card")).first()
        pain = call_service(
            lambda: services.flag_pain(
                actor=request.user,
                board=board,
                what=str(data.get("what", "")),
                frequency=str(data.get("frequency", "")),
                impact=str(data.get("impact", "")),
                step=step,
                card=card,
            )
        )
        return Response(PainSerializer(pain).data, status=status.HTTP_201_CREATED)


class MeTooView(APIView):
    @extend_schema(request=None, responses={200: PainSerializer})
    def post(self, request, pain_id: int):
        _found(lambda: access.access_pain(user=request.user, pain_id=pain_id))
        pain = call_service(lambda: services.me_too(actor=request.user, pain_point_id=pain_id))
        return Response(PainSerializer(pain).data)


class ExceptionsView(APIView):
    @extend_schema(responses=ExceptionSerializer(many=True))
    def get(self, request, board_id: int):
        board = _board(request, board_id)
        return Response(ExceptionSerializer(board.exceptions.all()[:500], many=True).data)

    @extend_schema(request=NEW_EXCEPTION, responses={201: ExceptionSerializer})
    def post(self, request, board_id: int):
        board = _board(request, board_id, access.REPORT)
        data = request_object(request)
        step = None
        if data.get("step") is not None:
            step = board.steps.filter(pk=_id(data["step"], "step")).first()
        report: ExceptionReport = call_service(
            lambda: services.report_exception(
                reporter=request.user,
                board=board,
                category=str(data.get("category", "")),
                text=str(data.get("text", "")),
                step=step,
            )
        )
        return Response(ExceptionSerializer(report).data, status=status.HTTP_201_CREATED)


class SignalsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=["open", "overdue", "answered"])],
        responses=SignalSerializer(many=True),
    )
    def get(self, request):
        found = selectors.signals_for(user=request.user, state=request.query_params.get("state"))
        return Response(SignalSerializer(found, many=True).data)


class SignalView(APIView):
    @extend_schema(responses=SignalSerializer)
    def get(self, request, signal_id: int):
        found = _found(lambda: access.access_signal(user=request.user, signal_id=signal_id))
        return Response(SignalSerializer(found).data)

    @extend_schema(request=SIGNAL_ANSWER, responses={200: SignalSerializer})
    def patch(self, request, signal_id: int):
        """The owner (or an administrator) answers: `status` and `response`."""
        _found(
            lambda: access.access_signal(
                user=request.user, signal_id=signal_id, action=access.RESPOND
            )
        )
        data = request_object(request)
        signal = call_service(
            lambda: services.respond(
                actor=request.user,
                signal_id=signal_id,
                status=str(data.get("status", "")),
                response=str(data.get("response", "")),
            )
        )
        return Response(SignalSerializer(signal).data)


class MetricsView(APIView):
    @extend_schema(responses=FLOW)
    def get(self, request, board_id: int):
        flow = selectors.flow(board=_board(request, board_id))
        return Response(
            {
                "steps": [
                    {
                        "step": s.step_id,
                        "name": s.name,
                        "cards": s.cards_now,
                        "average_stay_hours": round(s.average_stay.total_seconds() / 3600, 2)
                        if s.average_stay
                        else None,
                        "stays": s.stays,
                    }
                    for s in flow.steps
                ],
                "bottleneck": flow.bottleneck.step_id if flow.bottleneck else None,
                "handoffs": [
                    {"from": a, "to": b, "count": n} for (a, b), n in flow.handoffs.items()
                ],
                "throughput": flow.throughput,
            }
        )


urlpatterns = [
    path("boards/", BoardsView.as_view(), name="api-boards"),
    path("boards/<int:board_id>/", BoardView.as_view(), name="api-board"),
    path("boards/<int:board_id>/cards/", BoardCardsView.as_view(), name="api-board-cards"),
    path("boards/<int:board_id>/pain-points/", PainsView.as_view(), name="api-pains"),
    path("boards/<int:board_id>/exceptions/", ExceptionsView.as_view(), name="api-exceptions"),
    path("boards/<int:board_id>/metrics/", MetricsView.as_view(), name="api-metrics"),
    path("cards/<int:card_id>/move/", MoveView.as_view(), name="api-move"),
    path("pain-points/<int:pain_id>/me-too/", MeTooView.as_view(), name="api-me-too"),
    path("signals/", SignalsView.as_view(), name="api-signals"),
    path("signals/<int:signal_id>/", SignalView.as_view(), name="api-signal"),
]
