"""Small building blocks every page uses: icons, avatars and relative times."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()

# Inline SVG paths (24x24, stroke icons drawn here), so no icon font or external host.
_ICONS = {
    "home": '<path d="M3 11.5 12 4l9 7.5"/><path d="M5 10v10h14V10"/><path d="M10 20v-6h4v6"/>',
    "settings": '<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M4.9 4.9l2.1 2.1M17 17l2.1'
    ' 2.1M2 12h3M19 12h3M4.9 19.1 7 17M17 7l2.1-2.1"/>',
    "menu": '<path d="M4 6h16M4 12h16M4 18h16"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14'
    ' 0 0 0 0 18"/>',
    "logout": '<path d="M15 4h4v16h-4"/><path d="M10 8l-4 4 4 4M6 12h10"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1.5-4 4.5-6 8-6s6.5 2 8 6"/>',
    "shield": '<path d="M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z"/><path d="m9 12 2 2 4-4"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/>',
    "users": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c1-3.5 3.5-5 6.5-5s5.5 1.5 6.5 5"/>'
    '<path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 15c2 .6 3.3 2.2 4 5"/>',
    "org": '<rect x="9" y="3" width="6" height="5" rx="1"/><rect x="3" y="16" width="6" height="5"'
    ' rx="1"/><rect x="15" y="16" width="6" height="5" rx="1"/><path d="M12 8v4M6 16v-4h12v4"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 20a2 2 0 0 0 4 0"/>',
    "api": '<path d="m8 7-5 5 5 5M16 7l5 5-5 5M13 5l-2 14"/>',
    "people": '<circle cx="12" cy="8" r="4"/><path d="M4 21v-1a8 8 0 0 1 16 0v1"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>',
    "star": '<path d="m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"/>',
    "network": '<circle cx="5" cy="6" r="2.5"/><circle cx="19" cy="6" r="2.5"/>'
    '<circle cx="12" cy="18" r="2.5"/><path d="M7.5 6h9M6.3 8.2l4.4 7.6M17.7 8.2l-4.4 7.6"/>',
    "trophy": '<path d="M8 4h8v5a4 4 0 0 1-8 0z"/>'
    '<path d="M8 6H5a3 3 0 0 0 3 4M16 6h3a3 3 0 0 1-3 4M12 13v4M8 20h8M9 17h6"/>',
    # Signals and follow-up: a flag raised.
    "flag": '<path d="M5 21V4"/><path d="M5 4h11l-2 4 2 4H5"/>',
}


@register.simple_tag
def icon(name: str, label: str = "", size: int = 20):
    """An inline SVG icon; decorative (aria-hidden) unless a label is given."""
    paths = _ICONS.get(name, _ICONS["home"])
    aria = format_html('role="img" aria-label="{}"', label) if label else 'aria-hidden="true"'
    svg = (
        f'<svg class="icon" width="{int(size)}" height="{int(size)}" viewBox="0 0 24 24" '
        f'fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" '
        f'stroke-linejoin="round" focusable="false" {aria}>{paths}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 - paths are constants above; the label is escaped


@register.simple_tag
def avatar(user, size: str = "md"):
    """The person's photo, else initials on a colour derived from the name. A user loaded
    without the photo column (feed rows load few columns) gets initials, never an extra query."""
    deferred = user.get_deferred_fields() if hasattr(user, "get_deferred_fields") else {"photo"}
    if "photo" not in deferred and user.photo:
        return format_html(
            '<img class="avatar avatar--{}" src="{}" alt="" loading="lazy" width="64" height="64">',
            size,
            user.photo_url,
        )
    return format_html(
        '<span class="avatar avatar--{}" style="--avatar-hue: {}" aria-hidden="true">{}</span>',
        size,
        user.avatar_hue,
        user.initials,
    )


@register.filter
def reltime(value):
    """'5 minuten geleden' with the exact time on hover and for screen readers."""
    if not value:
        return ""
    local = timezone.localtime(value)
    delta = timezone.now() - value
    if delta.total_seconds() < 60:
        text = _("just now")
    else:
        text = _("%(time)s ago") % {"time": timesince(value, depth=1)}
    exact = local.strftime("%Y-%m-%d %H:%M")
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(), exact, text)


@register.simple_tag
def verb_line(item):
    """What the actor did, from the target's registered verbs: "posted in <a>IT</a>". The
    text is escaped; only the space link is markup."""
    text = (item.target_spec.verbs.get(item.verb) if item.target_spec else None) or ""
    before, _sep, after = str(text).partition("{space}")
    if not _sep or item.space is None:
        return format_html("{}", before + after)
    link = format_html('<a href="{}">{}</a>', item.space.get_absolute_url(), item.space.name)
    return format_html("{}{}{}", before, link, after)


@register.simple_tag(takes_context=True)
def panels(context, place: str, **values):
    """The sections feature apps registered for this place (intranet.core.panels)."""
    from intranet.core import panels as registry

    return registry.render(place, context["request"], **values)
