from django.apps import AppConfig


class TokensConfig(AppConfig):
    """Personal access tokens and service accounts for the API."""

    name = "intranet.tokens"
    label = "tokens"
    default_auto_field = "django.db.models.BigAutoField"
