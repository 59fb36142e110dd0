from django.urls import path

from intranet.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("governance/webhooks/", views.index, name="index"),
    path("governance/webhooks/<int:subscription_id>/", views.detail, name="detail"),
    path("governance/webhooks/<int:subscription_id>/test/", views.ping, name="ping"),
    path("governance/webhooks/<int:subscription_id>/pause/", views.pause, name="pause"),
    path("governance/webhooks/<int:subscription_id>/resume/", views.resume, name="resume"),
    path("governance/webhooks/<int:subscription_id>/secret/", views.renew_secret, name="secret"),
    path("governance/webhooks/<int:subscription_id>/delete/", views.delete, name="delete"),
]
