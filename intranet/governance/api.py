"""Spaces, memberships and the caller's effective permissions. Reads go through the same
visibility rules as the pages: a space you may not see is a 404 here too."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from intranet.core.api import ApiView
from intranet.core.openapi import paginated
from intranet.governance import selectors
from intranet.governance.constants import Action, SpaceKind
from intranet.governance.models import Space


class SpaceSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    my_role = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Space
        fields = ["id", "slug", "name", "kind", "visibility", "description", "modules",
                  "member_count", "my_role"]  # fmt: skip
        read_only_fields = fields


class MemberSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(source="user.id")
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()
    since = serializers.DateTimeField(source="created_at")


class PermissionsSerializer(serializers.Serializer):
    space = serializers.SlugField()
    role = serializers.CharField(allow_null=True)
    permissions = serializers.DictField(child=serializers.BooleanField())


class SpaceFilters(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=SpaceKind.choices, required=False, allow_blank=True, help_text="only this kind"
    )
    scope = serializers.ChoiceField(
        choices=[("all", "all"), ("mine", "mine")],
        default="all",
        help_text="all: every space you may see; mine: the spaces you are a member of",
    )


class SpaceListView(ApiView):
    """The spaces you may see, a page at a time (?limit=, ?offset=)."""

    get_query = SpaceFilters

    @extend_schema(operation_id="spaces_list", responses=paginated(SpaceSerializer))
    def get(self, request):
        filters = self.query(request)
        spaces = selectors.space_directory(
            user=request.user, kind=filters.get("kind", ""), scope=filters["scope"]
        )
        return self.page(request, spaces, SpaceSerializer)


class SpaceDetailView(ApiView):
    """One space you may see (a secret one only when you are a member)."""

    @extend_schema(responses=SpaceSerializer)
    def get(self, request, slug: str):
        space = selectors.space_directory(user=request.user).filter(slug=slug).first()
        if space is None:
            raise NotFound
        return Response(SpaceSerializer(space).data)


class SpaceMembersView(ApiView):
    """The members of a space whose content you may read, a page at a time."""

    @extend_schema(responses=paginated(MemberSerializer))
    def get(self, request, slug: str):
        access = selectors.access_space(user=request.user, slug=slug, action=Action.VIEW)
        memberships = access.space.memberships.select_related("user").order_by(
            "user__first_name", "user__last_name", "pk"
        )
        return self.page(request, memberships, MemberSerializer)


class SpacePermissionsView(ApiView):
    """Your role in a space and what it lets you do there."""

    @extend_schema(responses=PermissionsSerializer)
    def get(self, request, slug: str):
        access = selectors.access_space(user=request.user, slug=slug, action=None)
        data = {"space": access.space.slug, "role": access.role,
                "permissions": {a: a in access.permissions for a in Action.values}}  # fmt: skip
        return Response(PermissionsSerializer(data).data)


# The names the router of the former SpaceViewSet gave them.
urlpatterns = [
    path("spaces/", SpaceListView.as_view(), name="space-list"),
    path("spaces/<slug:slug>/", SpaceDetailView.as_view(), name="space-detail"),
    path("spaces/<slug:slug>/members/", SpaceMembersView.as_view(), name="space-members"),
    path(
        "spaces/<slug:slug>/permissions/",
        SpacePermissionsView.as_view(),
        name="space-permissions",
    ),
]
