from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from intranet.core import views as core_views

admin.site.site_header = "Plein"
admin.site.site_title = "Plein"
# Administrators sign in through allauth only (its rate limits and the two-step verification
# apply): the admin's own login page sends them there, with `next` back to the admin.
admin.site.login = secure_admin_login(admin.site.login)

API_V1 = [
    path("", include(module))
    for module in (
        "intranet.governance.api",
        "intranet.activity.api",
        "profiles.api",
        "intranet.search.api",
        "forums.api",
        "knowledge.api",
        "processes.api",
        "gamification.api",
        "insights.api",
        "intranet.tokens.api",
        "intranet.webhooks.api",
        "intranet.signals.api",
    )
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("profiles.urls")),
    path("", include("profiles.people_urls")),
    path("", include("intranet.governance.urls")),
    path("", include("intranet.activity.urls")),
    path("", include("intranet.search.urls")),
    path("", include("forums.urls")),
    path("", include("intranet.moderation.urls")),
    path("", include("knowledge.urls")),
    path("", include("processes.urls")),
    path("", include("gamification.urls")),
    path("", include("insights.urls")),
    path("", include("intranet.digests.urls")),
    path("", include("intranet.tokens.urls")),
    path("", include("intranet.webhooks.urls")),
    path("", include("intranet.inbound.urls")),
    path("", include("intranet.signals.urls")),
    # The API is versioned: /api/v1/ is the address to use and the one the schema documents;
    # the unversioned paths of before stay as aliases of v1 (listed first, so that reverse()
    # gives the versioned address: Django reverses to the last pattern of a name).
    path("api/", include(API_V1)),
    path("api/v1/", include(API_V1)),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/schema/", SpectacularAPIView.as_view()),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
