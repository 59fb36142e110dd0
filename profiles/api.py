"""People over the API: search, detail, me (read and update), skills, endorsements and the
expertise finder. Same selectors, services and 404 rules as the pages."""

from __future__ import annotations

from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from intranet.core.api import ApiView, PageQuery, call_service
from intranet.core.openapi import paginated
from intranet.core.openapi import refusal as documented_refusal
from intranet.governance import permissions
from profiles import selectors, services
from profiles.models import FieldVisibility, User


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class PersonCardList(serializers.ListSerializer):
    def to_representation(self, data):
        # Everyone's skills in one query (selectors.with_skills), not one query per person.
        return super().to_representation(selectors.with_skills(data))


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

    class Meta:
        list_serializer_class = PersonCardList


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


class PeopleQuery(PageQuery):
    q = serializers.CharField(required=False, allow_blank=True, help_text="name, typos allowed")
    department = serializers.IntegerField(required=False)
    skill = serializers.CharField(required=False, allow_blank=True, help_text="skill slug")
    location = serializers.CharField(required=False, allow_blank=True)

    # As the directory page reads them (profiles.forms.DirectoryForm).
    def validate_q(self, value: str) -> str:
        return " ".join(value.split())[:100]

    def validate_skill(self, value: str) -> str:
        return slugify(value)[:60]

    def validate_location(self, value: str) -> str:
        return value[:120]


class PeopleView(ApiView):
    """The directory: colleagues by name (typos allowed), department, skill or location."""

    get_query = PeopleQuery

    @extend_schema(operation_id="people_list", responses=paginated(PersonCardSerializer))
    def get(self, request):
        found = self.query(request)
        query = selectors.DirectoryQuery(
            q=found.get("q", ""),
            department=found.get("department"),
            skill=found.get("skill", ""),
            location=found.get("location", ""),
        )
        return self.page(
            request, selectors.directory(viewer=request.user, query=query), PersonCardSerializer
        )


class PersonView(ApiView):
    """A colleague's profile, with what they show to the reader."""

    @extend_schema(responses=PersonSerializer)
    def get(self, request, user_id: int):
        person = selectors.person_for(viewer=request.user, user_id=user_id)
        if person is None:
            raise NotFound
        return Response(PersonSerializer(person, context={"request": request}).data)


def _text(field: str) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, max_length=services.PROFILE_LIMITS[field]
    )


class ProfileChange(serializers.Serializer):
    """The fields of my profile to change; the others stay as they are. Not `manager`:
    reporting lines come from the organisation (administrators set them), since they open
    leadership views such as insights."""

    first_name = _text("first_name")
    last_name = _text("last_name")
    job_title = _text("job_title")
    location = _text("location")
    phone = _text("phone")
    working_hours = _text("working_hours")
    bio = serializers.CharField(required=False, allow_blank=True, max_length=services.BIO_LIMIT)
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    skills = serializers.ListField(child=serializers.CharField(), required=False)
    ask_me_about = serializers.ListField(child=serializers.CharField(), required=False)
    phone_visibility = serializers.ChoiceField(FieldVisibility.choices, required=False)
    location_visibility = serializers.ChoiceField(FieldVisibility.choices, required=False)

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {key: [_("This field cannot be changed here.")] for key in unknown}
            )
        return super().to_internal_value(data)


class MeView(ApiView):
    """My profile: read it, or change some of its fields."""

    patch_input = ProfileChange

    @extend_schema(responses=MeSerializer, summary="The signed-in user")
    def get(self, request):
        return Response(MeSerializer(self._me(request), context={"request": request}).data)

    @extend_schema(
        responses=MeSerializer,
        summary="Update my profile (only the fields sent change; not `manager`)",
        examples=[
            OpenApiExample(
                "A new job title and skills",
                value={"job_title": "Contentmarketeer", "skills": ["SEO", "Schrijven"]},
                request_only=True,
            )
        ],
    )
    def patch(self, request):
        data = self.body(request)
        call_service(
            lambda: services.update_profile(actor=request.user, person=request.user, data=data)
        )
        return Response(MeSerializer(self._me(request), context={"request": request}).data)

    @staticmethod
    def _me(request):
        return User.objects.select_related("department").get(pk=request.user.pk)


class SkillsQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, help_text="the start of a skill name"
    )


class SkillsView(ApiView):
    """At most 10 suggestions, best first."""

    get_query = SkillsQuery

    @extend_schema(responses=list[str])
    def get(self, request):
        prefix = self.query(request).get("q", "")
        return Response(selectors.skill_suggestions(prefix=prefix))


class EndorsementInput(serializers.Serializer):
    skill = serializers.CharField(help_text="a skill's slug")


class WithdrawalInput(serializers.Serializer):
    skill = serializers.CharField(
        required=False, allow_blank=True, help_text="a skill's slug (or ?skill=)"
    )


class WithdrawalQuery(serializers.Serializer):
    skill = serializers.CharField(required=False, allow_blank=True, help_text="a skill's slug")


class EndorsementView(ApiView):
    """Endorse a skill a colleague lists, or withdraw that endorsement."""

    post_input = EndorsementInput
    delete_input = WithdrawalInput
    delete_query = WithdrawalQuery

    @extend_schema(
        responses={201: None},
        examples=[OpenApiExample("Endorse Python", value={"skill": "python"}, request_only=True)],
    )
    def post(self, request, user_id: int):
        person = self._person(request, user_id)
        skill = self.body(request)["skill"]
        call_service(
            lambda: services.endorse(endorser=request.user, person=person, skill_slug=skill)
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={204: None},
        examples=[
            OpenApiExample("Withdraw for Python", value={"skill": "python"}, request_only=True)
        ],
    )
    def delete(self, request, user_id: int):
        person = self._person(request, user_id)
        skill = self.body(request).get("skill") or self.query(request).get("skill", "")
        withdrawn = call_service(
            lambda: services.withdraw_endorsement(
                endorser=request.user, person=person, skill_slug=skill
            )
        )
        if not withdrawn:
            raise NotFound
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _person(request, user_id: int):
        person = selectors.person_for(viewer=request.user, user_id=user_id)
        if person is None:
            raise NotFound
        return person


TOPIC = _("Give a topic of 1 to 60 characters.")


class ExpertiseQuery(serializers.Serializer):
    topic = serializers.CharField(
        help_text="1 to 60 characters",
        trim_whitespace=False,
        error_messages={"required": TOPIC, "blank": TOPIC},
    )

    def validate_topic(self, value: str) -> str:
        text = " ".join(value.split())
        if not text or len(text) > 60:
            raise serializers.ValidationError(TOPIC)
        return text


class ExpertiseView(ApiView):
    """The best 20 colleagues for a topic, best first."""

    get_query = ExpertiseQuery

    @extend_schema(
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
        topic, name = selectors.topic_of(self.query(request)["topic"])
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
