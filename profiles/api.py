"""People over the API: search, detail, me (read and update), skills, endorsements and the
expertise finder. Same selectors, services and 404 rules as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.core.api import refusal, request_object
from intranet.core.openapi import refusal as documented_refusal
from intranet.governance import permissions
from profiles import selectors, services
from profiles.models import FieldVisibility, User


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class PersonCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    job_title = serializers.CharField()
    department = DepartmentSerializer(allow_null=True)
    skills = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_skills(self, person) -> list[str]:
        if hasattr(person, "skill_list"):
            return [skill["name"] for skill in person.skill_list]
        return [skill.name for skill in person.skills.all()]

    def get_url(self, person) -> str:
        return person.get_absolute_url()


class ExpertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    job_title = serializers.CharField()
    department = DepartmentSerializer(allow_null=True)


class PersonSerializer(PersonCardSerializer):
    email = serializers.EmailField()
    bio_html = serializers.CharField()
    working_hours = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    ask_me_about = serializers.SerializerMethodField()
    manager = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()

    def get_ask_me_about(self, person) -> list[str]:
        return [skill.name for skill in person.ask_me_about.all()]

    def get_manager(self, person) -> int | None:
        return person.manager_id

    def _detail(self, person, field: str) -> str | None:
        viewer = self.context["request"].user
        visibility = getattr(person, f"{field}_visibility")
        if selectors.may_see_detail(viewer=viewer, person=person, visibility=visibility):
            return getattr(person, field)
        return None

    def get_phone(self, person) -> str | None:
        return self._detail(person, "phone")

    def get_location(self, person) -> str | None:
        return self._detail(person, "location")


class MeSerializer(PersonSerializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    language = serializers.CharField()
    bio = serializers.CharField()
    phone_visibility = serializers.CharField()
    location_visibility = serializers.CharField()
    is_administrator = serializers.SerializerMethodField()

    def get_is_administrator(self, user) -> bool:
        return permissions.is_administrator(user)


class PeopleView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name, typos allowed"),
            OpenApiParameter("department", int),
            OpenApiParameter("skill", str, description="skill slug"),
            OpenApiParameter("location", str),
            OpenApiParameter("page", int),
        ],
        operation_id="people_list",
        responses=inline_serializer(
            "PeoplePage",
            {
                "count": serializers.IntegerField(),
                "results": PersonCardSerializer(many=True),
                "next_page": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request):
        page_number = request.query_params.get("page", "1")
        if not page_number.isdecimal() or int(page_number) < 1:
            raise ApiValidationError({"page": _("A whole number from 1.")})
        query = selectors.DirectoryQuery.from_params(request.query_params)
        paginator = selectors.DirectoryPaginator(
            selectors.directory(viewer=request.user, query=query),
            50,
            viewer=request.user,
            query=query,
        )
        try:
            page = paginator.page(int(page_number))
        except EmptyPage:
            page = None
        return Response(
            {
                "count": paginator.count,
                "results": PersonCardSerializer(
                    selectors.with_skills(page.object_list) if page else [], many=True
                ).data,
                "next_page": page.next_page_number() if page and page.has_next() else None,
            }
        )


class PersonView(APIView):
    @extend_schema(responses=PersonSerializer)
    def get(self, request, user_id: int):
        person = selectors.person_for(viewer=request.user, user_id=user_id)
        if person is None:
            raise NotFound
        return Response(PersonSerializer(person, context={"request": request}).data)


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The signed-in user")
    def get(self, request):
        return Response(MeSerializer(self._me(request), context={"request": request}).data)

    @extend_schema(
        request=inline_serializer(
            "ProfileChange",
            {
                **{
                    field: serializers.CharField(required=False, max_length=limit)
                    for field, limit in services.PROFILE_LIMITS.items()
                },
                "bio": serializers.CharField(required=False, max_length=services.BIO_LIMIT),
                "languages": serializers.ListField(child=serializers.CharField(), required=False),
                "skills": serializers.ListField(child=serializers.CharField(), required=False),
                "ask_me_about": serializers.ListField(
                    child=serializers.CharField(), required=False
                ),
                "phone_visibility": serializers.ChoiceField(
                    FieldVisibility.choices, required=False
                ),
                "location_visibility": serializers.ChoiceField(
                    FieldVisibility.choices, required=False
                ),
            },
        ),
        responses=MeSerializer,
        summary="Update my profile (only the fields sent change; not `manager`)",
    )
    def patch(self, request):
        data = request_object(request)
        # `manager` is read-only: reporting lines come from the organisation (administrators
        # set them), since they open leadership views such as insights.
        allowed = {*services.PROFILE_LIMITS, "bio", "languages", "skills"}
        allowed |= {"ask_me_about", "phone_visibility", "location_visibility"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ApiValidationError(
                {key: [_("This field cannot be changed here.")] for key in unknown}
            )
        try:
            services.update_profile(actor=request.user, person=request.user, data=dict(data))
        except ValidationError as error:
            raise refusal(error) from error
        return Response(MeSerializer(self._me(request), context={"request": request}).data)

    @staticmethod
    def _me(request):
        return User.objects.select_related("department").get(pk=request.user.pk)


class SkillsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="the start of a skill name")],
        responses=list[str],
    )
    def get(self, request):
        return Response(selectors.skill_suggestions(prefix=request.query_params.get("q", "")))


SKILL = inline_serializer("Skill", {"skill": serializers.CharField(help_text="a skill's slug")})


class EndorsementView(APIView):
    @extend_schema(request=SKILL, responses={201: None})
    def post(self, request, user_id: int):
        person = self._person(request, user_id)
        skill = str(request_object(request).get("skill", ""))
        try:
            services.endorse(endorser=request.user, person=person, skill_slug=skill)
        except PermissionDenied as error:
            raise NotFound from error
        except ValidationError as error:
            raise refusal(error) from error
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SKILL,
        parameters=[OpenApiParameter("skill", str, description="a skill's slug")],
        responses={204: None},
    )
    def delete(self, request, user_id: int):
        person = self._person(request, user_id)
        data = request_object(request)
        skill = str(data.get("skill", "") or request.query_params.get("skill", ""))
        if not services.withdraw_endorsement(
            endorser=request.user, person=person, skill_slug=skill
        ):
            raise NotFound
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _person(request, user_id: int):
        person = selectors.person_for(viewer=request.user, user_id=user_id)
        if person is None:
            raise NotFound
        return person


class ExpertiseView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("topic", str, required=True)],
        responses={
            200: inline_serializer(
                "Expertise",
                {
                    "person": ExpertSerializer(),
                    "score": serializers.FloatField(),
                    "why": serializers.ListField(child=serializers.CharField()),
                },
                many=True,
            ),
            404: documented_refusal(404, "Guests do not use the expertise finder."),
        },
    )
    def get(self, request):
        if permissions.is_guest(request.user):
            raise NotFound
        text = " ".join(request.query_params.get("topic", "").split())
        if not text or len(text) > 60:
            raise ApiValidationError({"topic": _("Give a topic of 1 to 60 characters.")})
        topic, name = selectors.topic_of(text)
        return Response(
            [
                {
                    "person": ExpertSerializer(expert.person).data,
                    "score": round(expert.score, 3),
                    "why": expert.reasons,
                }
                for expert in selectors.experts(viewer=request.user, topic=topic, topic_name=name)
            ]
        )


urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("people/", PeopleView.as_view(), name="api-people"),
    path("people/<int:user_id>/", PersonView.as_view(), name="api-person"),
    path("people/<int:user_id>/endorsements/", EndorsementView.as_view(), name="api-endorse"),
    path("skills/", SkillsView.as_view(), name="api-skills"),
    path("expertise/", ExpertiseView.as_view(), name="api-expertise"),
]
