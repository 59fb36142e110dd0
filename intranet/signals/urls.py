from django.urls import path

from intranet.signals import views

app_name = "signals"

urlpatterns = [
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/settings/", views.settings, name="settings"),
    path("follow-up/raise/", views.raise_signal, name="raise"),
    path("follow-up/<int:followup_id>/", views.detail, name="detail"),
    path("follow-up/<int:followup_id>/assign/", views.assign, name="assign"),
    path("follow-up/<int:followup_id>/support/", views.support, name="support"),
    path("spaces/<slug:slug>/ideas/", views.ideas, name="ideas"),
    path("ideas/<int:idea_id>/", views.idea, name="idea"),
    path("ideas/<int:idea_id>/support/", views.support_idea, name="support_idea"),
]
