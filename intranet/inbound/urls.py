from django.urls import path

from intranet.inbound import views

app_name = "inbound"

urlpatterns = [
    path("inbound/email/", views.receive_email, name="email"),
]
