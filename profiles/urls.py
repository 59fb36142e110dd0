from django.urls import path

from profiles import views

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path("people/invite/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
