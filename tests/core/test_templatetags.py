from datetime import timedelta

from django.utils import timezone, translation

from intranet.core.templatetags.plein import avatar, icon, reltime
from profiles.models import User


def test_relative_time_keeps_the_exact_time_for_hover_and_screen_readers():
    moment = timezone.now() - timedelta(minutes=5)
    with translation.override("nl"):
        html = reltime(moment)
    assert "5\xa0minuten geleden" in html or "5 minuten geleden" in html
    assert f'datetime="{timezone.localtime(moment).isoformat()}"' in html
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") in html
    with translation.override("en"):
        assert "just now" in reltime(timezone.now())
    assert reltime(None) == ""


def test_avatar_shows_initials_on_a_stable_colour():
    person = User(email="a@plein.example", first_name="Roos", last_name="van Wijk")
    html = avatar(person)
    assert ">RW<" in html
    assert f"--avatar-hue: {person.avatar_hue}" in html
    assert avatar(person) == html  # the same person keeps the same colour
    assert ">X<" in avatar(User(email="x@plein.example"))


def test_icon_is_decorative_unless_labelled():
    assert 'aria-hidden="true"' in icon("home")
    labelled = icon("home", label='Start "<b>"')
    assert 'aria-label="Start &quot;&lt;b&gt;&quot;"' in labelled
    assert "<b>" not in labelled
