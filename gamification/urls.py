from django.urls import path

from gamification import views

app_name = "gamification"

urlpatterns = [
    path("recognition/", views.leaderboard, name="leaderboard"),
    path("recognition/me/", views.mine, name="mine"),
    path("recognition/me/privacy/", views.privacy, name="privacy"),
    path("recognition/badges/", views.badges, name="badges"),
    path("recognition/badges/new/", views.edit_badge, name="new_badge"),
    path("recognition/badges/<int:badge_id>/", views.badge, name="badge"),
    path("recognition/badges/<int:badge_id>/edit/", views.edit_badge, name="edit_badge"),
    path("recognition/challenges/", views.challenges, name="challenges"),
    path("recognition/challenges/<int:challenge_id>/join/", views.join, name="join"),
    path("points/rules/", views.rules, name="rules"),
    path("points/settings/", views.save_settings, name="settings"),
    path("ambassadors/", views.ambassadors, name="ambassadors"),
    path("ambassadors/appoint/", views.appoint, name="appoint"),
    path("ambassadors/invite/<int:user_id>/", views.invite, name="invite"),
    path("ambassadors/invitations/", views.leadership_sent, name="leadership_sent"),
    path(
        "ambassadors/invitations/<int:invitation_id>/withdraw/",
        views.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path("ambassadors/log/", views.ambassador_log, name="ambassador_log"),
    path("ambassadors/hours/", views.ambassador_hours, name="ambassador_hours"),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<int:invitation_id>/",
        views.answer_invitation,
        name="answer_invitation",
    ),
    path("stories/", views.stories, name="stories"),
    path("stories/<int:story_id>/", views.story, name="story"),
    path("stories/<int:story_id>/reuse/", views.reuse, name="reuse"),
    path("stories/<int:story_id>/feature/", views.feature, name="feature"),
    path("stories/<int:story_id>/images/<int:image_id>/", views.image, name="image"),
    path("spaces/<slug:slug>/stories/", views.space_stories, name="space"),
    path("spaces/<slug:slug>/stories/new/", views.new_story, name="new"),
]
