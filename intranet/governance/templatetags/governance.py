from django import template
from django.utils.html import format_html

from intranet.governance.constants import Visibility

register = template.Library()


@register.simple_tag
def visibility_badge(space):
    """The open/private/secret badge. A tag, not an include: directory rows render it 50 times."""
    return format_html(
        '<span class="badge badge--{}">{}</span>',
        space.visibility,
        Visibility(space.visibility).label,
    )


@register.simple_tag
def space_tabs(space):
    """The tabs feature apps registered for the modules switched on in this space."""
    from intranet.governance import tabs

    return tabs.tabs_for(space)
