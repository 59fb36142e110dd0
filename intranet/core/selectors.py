from django.contrib.auth import get_user_model
from django.db.models import Count, Q

User = get_user_model()


def home_context(*, user) -> dict:
    """Everything the home page shows, in a fixed number of queries. The platform reads people
    through get_user_model() only, never by importing profiles (DESIGN.md)."""
    colleagues = []
    department = None
    if user.department_id is not None:
        department = user.department
        colleagues = list(
            User.objects.filter(
                department_id=user.department_id, is_active=True, service_account__isnull=True
            )
            .exclude(pk=user.pk)
            .only("id", "first_name", "last_name", "email", "job_title")
            .order_by("first_name", "last_name")[:12]
        )
    counts = User.objects.aggregate(
        people=Count("id", filter=Q(is_active=True, service_account__isnull=True)),
        colleagues=Count(
            "id",
            filter=Q(is_active=True, service_account__isnull=True, department_id=user.department_id)
            & ~Q(pk=user.pk),
        ),
    )
    return {
        "department": department,
        "colleagues": colleagues,
        "colleague_count": counts["colleagues"] if department else 0,
        "people_count": counts["people"],
        "has_mfa": user.authenticator_set.exists(),
    }
