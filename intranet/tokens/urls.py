from django.urls import path

from intranet.tokens import views

app_name = "tokens"

urlpatterns = [
    path("account/tokens/", views.my_tokens, name="mine"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke, name="revoke"),
    path("governance/service-accounts/", views.service_accounts, name="service_accounts"),
    path(
        "governance/service-accounts/<int:account_id>/",
        views.service_account,
        name="service_account",
    ),
    path(
        "governance/service-accounts/<int:account_id>/deactivate/",
        views.deactivate,
        name="deactivate",
    ),
]
