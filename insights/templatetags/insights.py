from django import template

from insights.models import Phase

register = template.Library()


def _format(value, share: bool) -> str:
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%" if share else f"{value:g}"


@register.simple_tag
def threshold(thresholds: dict, rule) -> str:
    return _format(thresholds.get(rule.key), rule.share)


@register.simple_tag
def figure(check) -> str:
    return _format(check.value, check.rule.share)


@register.filter
def phase_label(value) -> str:
    return str(Phase(int(value)).label)


@register.filter
def percent(value) -> str:
    """A share (0 to 1) as a whole percentage; "—" for none."""
    return _format(value, True)
