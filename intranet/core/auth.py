"""Authentication backend: allauth's (email login, rate limits) with one change to permission
checks. Plein's own permissions (governance.*, profiles.*, activity.* ...) are `rules`
predicates; asking Django's model permissions about them as well cost two queries on every
page whose rule said no. Model permissions (the Django admin's) still work as before."""

import rules
from allauth.account.auth_backends import AuthenticationBackend


class AccountBackend(AuthenticationBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False  # decided by rules.permissions.ObjectPermissionBackend alone
        return super().has_perm(user_obj, perm, obj)
