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
    path("profile/", views.my_profile, name="mine"),
    path("profile/export/", views.export, name="export"),
]
