"""allauth.mfa's signals, each handed to the governance service that writes the audit entry;
no decisions here."""

from allauth.mfa import signals
from allauth.mfa.models import Authenticator

from intranet.governance import services


def _recorder(change: str):
    def receive(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
        services.record_mfa_change(
            actor=getattr(request, "user", None), user=user, change=change,
            kind=authenticator.type,
        )  # fmt: skip

    receive.__name__ = f"audit_mfa_{change}"
    return receive


_RECEIVERS = {
    signals.authenticator_added: _recorder("added"),
    signals.authenticator_removed: _recorder("removed"),
    signals.authenticator_reset: _recorder("reset"),
}


def register() -> None:
    for signal, receiver in _RECEIVERS.items():
        signal.connect(
            receiver, sender=Authenticator, dispatch_uid=f"governance.{receiver.__name__}"
        )
