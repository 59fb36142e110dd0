from django.urls import reverse

SIGNUP_PASSWORD = "een-lang-wachtwoord-42"


def signup(client, email: str, *, first_name: str = "Noor", last_name: str = "Peters",
           password2: str = SIGNUP_PASSWORD, **extra):  # fmt: skip
    """Post the sign-up form as a person would fill it in."""
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "password1": SIGNUP_PASSWORD,
        "password2": password2,
    }
    return client.post(reverse("account_signup"), data, **extra)
