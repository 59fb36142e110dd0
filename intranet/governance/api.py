"""Spaces, memberships and the caller's effective permissions. Reads go through the same
visibility rules as the pages: a space you may not see is a 404 here too."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

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


class SpaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SpaceSerializer
    lookup_field = "slug"

    def get_queryset(self):
        kind = self.request.query_params.get("kind", "")
        if kind and kind not in SpaceKind.values:
            raise serializers.ValidationError({"kind": f"Choose one of {SpaceKind.values}."})
        return selectors.space_directory(
            user=self.request.user, kind=kind, scope=self.request.query_params.get("scope", "all")
        )

    @extend_schema(responses=MemberSerializer(many=True))
    @action(detail=True)
    def members(self, request, slug=None):
        access = selectors.access_space(user=request.user, slug=slug, action=Action.VIEW)
        page = selectors.space_members(access=access, page=request.query_params.get("page"))
        return Response(
            {
                "count": page["page"].paginator.count,
                "page": page["page"].number,
                "pages": page["page"].paginator.num_pages,
                "results": MemberSerializer(page["memberships"], many=True).data,
            }
        )

    @extend_schema(responses=PermissionsSerializer)
    @action(detail=True)
    def permissions(self, request, slug=None):
        access = selectors.access_space(user=request.user, slug=slug, action=None)
        data = {"space": access.space.slug, "role": access.role,
                "permissions": {a: a in access.permissions for a in Action.values}}  # fmt: skip
        return Response(PermissionsSerializer(data).data)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("spaces", SpaceViewSet, basename="space")
urlpatterns = [path("", include(router.urls))]
