from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.network, name="network"),
    path("insights/adoption/", views.adoption, name="adoption"),
    path("insights/follow-up/", views.follow_up, name="follow_up"),
    path("insights/value/", views.value, name="value"),
    path("insights/people/", views.people, name="people"),
    path("insights/me/", views.mine, name="mine"),
    path("insights/settings/", views.configure, name="configure"),
    path("insights/settings/grant/", views.grant, name="grant"),
    path("insights/recompute/", views.recompute, name="recompute"),
]
