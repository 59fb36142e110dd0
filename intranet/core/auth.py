"""Password hashing (Argon2idHasher, below) and the authentication backend: allauth's (email
login, rate limits) with one change to permission checks. Plein's own permissions
(governance.*, profiles.*, activity.* ...) are `rules` predicates; asking Django's model
permissions about them as well cost two queries on every page whose rule said no. Model
permissions (the Django admin's) still work as before."""

import rules
from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.hashers import Argon2PasswordHasher


class AccountBackend(AuthenticationBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False  # decided by rules.permissions.ObjectPermissionBackend alone
        return super().has_perm(user_obj, perm, obj)


class Argon2idHasher(Argon2PasswordHasher):
    """Passwords are stored with Argon2id at OWASP's recommended minimum (19 MiB of memory,
    two passes, one lane; OWASP Password Storage Cheat Sheet). Memory-hard, so guessing on
    graphics cards costs far more than with PBKDF2, while a sign-in spends ~20 ms hashing
    instead of PBKDF2's 250 ms at Django's 1,000,000 iterations. Hashes made with other settings
    (or with PBKDF2, listed after this one) still verify and are rehashed at the next sign-in."""

    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1
