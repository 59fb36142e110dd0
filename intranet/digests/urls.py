from django.urls import path

from intranet.digests import views

app_name = "digests"

urlpatterns = [
    path("digests/preferences/", views.preferences, name="preferences"),
    path("digests/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("digests/admin/", views.admin, name="admin"),
    path("digests/test/", views.send_test, name="test"),
    path("digests/outbox/", views.outbox, name="outbox"),
    path("digests/outbox/<int:message_id>/", views.outbox_message, name="outbox_message"),
]
