from django.urls import path

from intranet.moderation import views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue, name="queue"),
    path("spaces/<slug:slug>/moderation/", views.space_queue, name="space"),
    path("moderation/report/", views.report, name="report"),
    path("moderation/hide/", views.hide, name="hide"),
    path("moderation/restore/", views.restore, name="restore"),
    path("moderation/dismiss/", views.dismiss, name="dismiss"),
    path("moderation/delete/", views.withdraw, name="withdraw"),
]
