from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "intranet.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from intranet.core import navigation
        from intranet.governance import handlers, permissions, selectors
        from intranet.search import registry as search

        handlers.register()  # MFA changes into the audit log

        search.register(
            search.Source(key="spaces", label=_("Spaces"), order=20, search=selectors.search_spaces)
        )

        navigation.register(
            navigation.NavItem(
                key="spaces",
                label=_("Spaces"),
                url_name="governance:directory",
                icon="users",
                order=10,
            )
        )
        navigation.register(
            navigation.NavItem(
                key="organisation",
                label=_("Organisation"),
                url_name="governance:org_chart",
                icon="org",
                order=20,
                visible=lambda user: not permissions.is_guest(user),
            )
        )
        navigation.register(
            navigation.NavItem(
                key="governance",
                label=_("Governance"),
                url_name="governance:admin_overview",
                icon="shield",
                order=900,
                visible=lambda user: user.has_perm("governance.view_report"),
            )
        )
