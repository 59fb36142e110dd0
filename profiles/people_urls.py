from django.urls import path

from profiles import people_views as views

app_name = "profiles"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/edit/", views.edit, name="edit"),
    path("people/<int:user_id>/photo/", views.photo_upload, name="photo_upload"),
    path("people/<int:user_id>/photo/<str:name>", views.photo, name="photo"),
    path("people/<int:user_id>/endorse/", views.endorse, name="endorse"),
    path("people/skills/", views.skill_options, name="skill_options"),
    path("people/expertise/", views.expertise, name="expertise"),
    path("people/mentoring/", views.mentoring, name="mentoring"),
    path("people/cohorts/", views.cohorts, name="cohorts"),
    path("people/cohorts/new/", views.cohort_new, name="cohort_new"),
    path("people/cohorts/<int:cohort_id>/", views.cohort, name="cohort"),
    path("people/cohorts/<int:cohort_id>/pairs/", views.cohort_pairs, name="cohort_pairs"),
    path("people/cohorts/<int:cohort_id>/sessions/", views.cohort_session, name="cohort_session"),
    path("people/cohorts/<int:cohort_id>/end/", views.cohort_end, name="cohort_end"),
    path(
        "people/cohorts/<int:cohort_id>/evaluation/",
        views.cohort_evaluation,
        name="cohort_evaluation",
    ),
    path("profile/", views.my_profile, name="mine"),
    path("profile/export/", views.export, name="export"),
]
