"""The API shell: session-authenticated DRF with an OpenAPI schema. Feature apps add their
routers in later issues; they call the same services and selectors as the pages."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    is_administrator = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "job_title",
            "language",
            "department",
            "is_administrator",
        ]
        read_only_fields = fields

    def get_is_administrator(self, user) -> bool:
        return user.has_perm("intranet.view_administration")


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The signed-in user")
    def get(self, request):
        user = get_user_model().objects.select_related("department").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)
