"""Process boards over the API: the same services and selectors (and 404 rules) as the pages.
A stale move answers 409 with where the card is now."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from intranet.core.api import ApiView, call_service
from intranet.core.openapi import paginated
from intranet.governance.access import object_id
from intranet.governance.constants import Action
from intranet.signals import access as signals_access
from intranet.signals.api import SignalAnswerInput
from processes import access, selectors, services
from processes.models import Board, ExceptionReport, PainPoint


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
    """A signal from recurring exceptions (the platform's signals, source "exceptions")."""

    id = serializers.IntegerField()
    board = serializers.IntegerField(source="board_id", allow_null=True, default=None)
    title = serializers.CharField()
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


# --- What the API reads: request bodies and query parameters (shape only; services decide) ---


class PageQuery(serializers.Serializer):
    """?limit= and ?offset= of a list that comes in pages (intranet.core.api.Pagination)."""

    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="rows per page (50 if not given)"
    )
    offset = serializers.IntegerField(required=False, min_value=0, help_text="rows to skip")


def _id_field(**kwargs):
    # An id as a JSON number; beyond what the database holds is no id of ours.
    return serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, error_messages={"invalid": _("A number.")}, **kwargs
    )


class NewCardInput(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    step = _id_field(
        required=False, allow_null=True, help_text="A step of this board; its first if none."
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    labels = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )


class MoveInput(serializers.Serializer):
    to_step = _id_field(help_text="The step to move the card to.")
    from_step = _id_field(help_text="The step you saw the card in.")


class PainQuery(PageQuery):
    status = serializers.ChoiceField(
        ["open", *PainPoint.Status.values],
        required=False,
        help_text="Not given: every pain point; open: those not solved.",
    )


class NewPainInput(serializers.Serializer):
    what = serializers.CharField(allow_blank=True)
    frequency = serializers.ChoiceField(PainPoint.Frequency.choices)
    impact = serializers.ChoiceField(PainPoint.Impact.choices)
    step = _id_field(required=False, allow_null=True, help_text="A step of this board, or:")
    card = _id_field(required=False, allow_null=True, help_text="a card of this board.")


class NewExceptionInput(serializers.Serializer):
    category = serializers.ChoiceField(ExceptionReport.Category.choices)
    text = serializers.CharField(allow_blank=True)
    step = _id_field(required=False, allow_null=True)


class SignalQuery(PageQuery):
    state = serializers.ChoiceField(
        ["open", "overdue", "answered"], required=False, help_text="Not given: every signal."
    )


STALE_MOVE = inline_serializer(
    "StaleMove",
    {
        "detail": serializers.ListField(child=serializers.CharField()),
        "step": serializers.IntegerField(help_text="The step the card is in now."),
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


def _step(board, step_id: int | None):
    """A step of the board by id (None: none given); another is refused as input."""
    if step_id is None:
        return None
    step = board.steps.filter(pk=step_id).first()
    if step is None:
        raise ApiValidationError({"step": [_("Choose a step of this board.")]})
    return step


class BoardsView(ApiView):
    get_query = PageQuery

    @extend_schema(operation_id="boards_list", responses=paginated(BoardSerializer))
    def get(self, request):
        self.query(request)
        boards = Board.objects.readable_by(request.user).select_related("space")
        rows = access.with_owner_listed(boards.order_by("name", "pk"), user=request.user)
        return self.page(request, rows, BoardSerializer)


class BoardView(ApiView):
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


class BoardCardsView(ApiView):
    post_input = NewCardInput

    @extend_schema(
        responses={201: CardSerializer},
        examples=[
            OpenApiExample(
                "A card in the first step",
                value={"title": "Order 2001", "description": "Spoed", "labels": ["spoed"]},
                request_only=True,
            )
        ],
    )
    def post(self, request, board_id: int):
        board = _board(request, board_id, Action.MOVE_CARD)
        data = self.body(request)
        step = _step(board, data.pop("step", None))
        card = call_service(
            lambda: services.add_card(actor=request.user, board=board, step=step, **data)
        )
        return Response(CardSerializer(card).data, status=status.HTTP_201_CREATED)


class MoveView(ApiView):
    post_input = MoveInput

    @extend_schema(
        responses={200: CardSerializer, 409: STALE_MOVE},
        examples=[
            OpenApiExample(
                "From the first step to the second",
                value={"to_step": 12, "from_step": 11},
                request_only=True,
            )
        ],
    )
    def post(self, request, card_id: int):
        """Move a card: `to_step`, and `from_step` where you saw it. 409 when someone moved
        it meanwhile (with its current step), 400 when refused (WIP limit, another board)."""
        card = _found(
            lambda: access.access_card(user=request.user, card_id=card_id, action=Action.MOVE_CARD)
        )
        data = self.body(request)
        try:
            moved = call_service(
                lambda: services.move(
                    actor=request.user,
                    card_id=card.pk,
                    to_step_id=data["to_step"],
                    from_step_id=data["from_step"],
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


class PainsView(ApiView):
    get_query = PainQuery
    post_input = NewPainInput

    @extend_schema(operation_id="boards_pain_points_list", responses=paginated(PainSerializer))
    def get(self, request, board_id: int):
        board = _board(request, board_id)
        query = self.query(request)
        pains = selectors.pain_points(board=board, status=query.get("status", ""))
        return self.page(
            request, pains.order_by("-me_too_count", "-created_at", "-pk"), PainSerializer
        )

    @extend_schema(
        responses={201: PainSerializer},
        examples=[
            OpenApiExample(
                "On a step",
                value={
                    "what": "Dubbel invoeren",
                    "frequency": "daily",
                    "impact": "low",
                    "step": 11,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, board_id: int):
        board = _board(request, board_id, access.REPORT)
        data = self.body(request)
        step_id, card_id = data.pop("step", None), data.pop("card", None)
        step = board.steps.filter(pk=step_id).first() if step_id is not None else None
        card = board.cards.filter(pk=card_id).first() if card_id is not None else None
        pain = call_service(
            lambda: services.flag_pain(
                actor=request.user, board=board, step=step, card=card, **data
            )
        )
        return Response(PainSerializer(pain).data, status=status.HTTP_201_CREATED)


class MeTooView(ApiView):
    post_input = None

    @extend_schema(responses={200: PainSerializer})
    def post(self, request, pain_id: int):
        _found(lambda: access.access_pain(user=request.user, pain_id=pain_id))
        pain = call_service(lambda: services.me_too(actor=request.user, pain_point_id=pain_id))
        return Response(PainSerializer(pain).data)


class ExceptionsView(ApiView):
    get_query = PageQuery
    post_input = NewExceptionInput

    @extend_schema(operation_id="boards_exceptions_list", responses=paginated(ExceptionSerializer))
    def get(self, request, board_id: int):
        board = _board(request, board_id)
        self.query(request)
        return self.page(
            request, board.exceptions.order_by("-created_at", "-pk"), ExceptionSerializer
        )

    @extend_schema(
        responses={201: ExceptionSerializer},
        examples=[
            OpenApiExample(
                "A wish the process does not cover",
                value={"category": "customer_wish", "text": "Klant wil in termijnen betalen"},
                request_only=True,
            )
        ],
    )
    def post(self, request, board_id: int):
        board = _board(request, board_id, access.REPORT)
        data = self.body(request)
        step_id = data.pop("step", None)
        step = board.steps.filter(pk=step_id).first() if step_id is not None else None
        report: ExceptionReport = call_service(
            lambda: services.report_exception(reporter=request.user, board=board, step=step, **data)
        )
        return Response(ExceptionSerializer(report).data, status=status.HTTP_201_CREATED)


class SignalsView(ApiView):
    get_query = SignalQuery

    @extend_schema(operation_id="signals_list", responses=paginated(SignalSerializer))
    def get(self, request):
        query = self.query(request)
        found = selectors.signals_for(user=request.user, state=query.get("state", ""))
        return self.page(request, found, SignalSerializer)


class SignalView(ApiView):
    @extend_schema(responses=SignalSerializer)
    def get(self, request, signal_id: int):
        found = _found(lambda: _exceptions_signal(request.user, signal_id))
        return Response(SignalSerializer(found).data)

    patch_input = SignalAnswerInput

    @extend_schema(
        responses={200: SignalSerializer},
        examples=[
            OpenApiExample(
                "Trying it out",
                value={"status": "experiment", "response": "We proberen termijnbetaling in Q1."},
                request_only=True,
            )
        ],
    )
    def patch(self, request, signal_id: int):
        """The owner (or an administrator) answers: `status` and `response`."""
        found = _found(lambda: _exceptions_signal(request.user, signal_id))
        if not signals_access.may_answer(user=request.user, signal=found):
            raise NotFound
        data = self.body(request)
        call_service(lambda: services.respond(actor=request.user, signal_id=found.pk, **data))
        return Response(SignalSerializer(_exceptions_signal(request.user, signal_id)).data)


def _exceptions_signal(user, signal_id):
    """A signal from recurring exceptions `user` may see (with its board), else 404."""
    found = selectors.signals_for(user=user).filter(pk=object_id(signal_id)).first()
    if found is None:
        raise NotFound
    return found


class MetricsView(ApiView):
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
