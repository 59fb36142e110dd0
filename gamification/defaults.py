"""The rules and badges an organisation starts with. The data migration installs them; the demo
calls `ensure()` too, so a database emptied by a test run (or an administrator's cleanup) gets
them back. Existing rows are never changed: administrators own them once they exist."""

# key: (points, daily cap). Asking is cheap (no reward for flooding); helping others pays most.
# Every rule has a daily cap: nothing can be farmed without limit.
RULES = {
    "question_asked": (2, 10),
    "answer_accepted": (15, 60),
    "article_published": (10, 30),
    "suggestion_accepted": (5, 25),
    "pain_point_solved": (8, 40),
    "story_published": (20, 40),
    "story_reused": (10, 50),
}

# Rules paid by another person's decision: at most these points a week between the same two
# people (both directions together). Three accepted answers a week between two colleagues.
PAIR_CAPS = {
    "answer_accepted": 45,
    "suggestion_accepted": 15,
    "pain_point_solved": 16,
    "story_reused": 20,
}

# (name, name_nl, description, description_nl, deed, bronze, silver, gold, period_days)
BADGES = [
    ("Helping hand", "Helpende hand", "Answered colleagues' questions.",
     "Beantwoordde vragen van collega's.", "answer_posted", 1, 10, 50, None),
    ("Problem solver", "Probleemoplosser", "Gave answers that were accepted.",
     "Gaf antwoorden die geaccepteerd werden.", "answer_accepted", 1, 5, 25, None),
    ("Curious mind", "Nieuwsgierig", "Asked questions in the open.",
     "Stelde vragen in het openbaar.", "question_asked", 1, 10, 30, None),
    ("Author", "Auteur", "Shared knowledge as articles.",
     "Deelde kennis als artikelen.", "article_published", 1, 5, 20, None),
    ("Improver", "Verbeteraar", "Made articles better with accepted suggestions.",
     "Maakte artikelen beter met geaccepteerde voorstellen.", "suggestion_accepted", 1, 5, 20,
     None),
    ("Process spotter", "Knelpuntzoeker", "Flagged pain points in processes.",
     "Signaleerde knelpunten in processen.", "pain_point_flagged", 1, 5, 20, None),
    ("Storyteller", "Verhalenverteller", "Took part in success stories.",
     "Deed mee aan succesverhalen.", "story_published", 1, 3, 10, None),
    ("Inspirer", "Inspirator", "Stories one took part in helped other teams.",
     "Verhalen waaraan je meedeed hielpen andere teams.", "story_reused", 1, 5, 15, None),
    ("On a roll", "Op dreef", "Five answers within 30 days.",
     "Vijf antwoorden binnen 30 dagen.", "answer_posted", 5, None, None, 30),
    ("Ambassador", "Ambassadeur", "Helps colleagues get going on Plein.",
     "Helpt collega's op weg met Plein.", "ambassador", 1, None, None, None),
    ("Complete profile", "Compleet profiel", "Filled in name, job, photo and skills.",
     "Vulde naam, functie, foto en vaardigheden in.", "profile_completed", 1, None, None, None),
]  # fmt: skip


def ensure(point_rule_model=None, badge_model=None) -> None:
    """Create what is missing (the models are passed in by the migration, which must use its
    historical models)."""
    if point_rule_model is None or badge_model is None:
        from gamification.models import Badge, PointRule

        point_rule_model, badge_model = PointRule, Badge
    # The first data migration runs before the pair cap existed: only set it once it does.
    has_pair_cap = any(f.name == "pair_cap" for f in point_rule_model._meta.get_fields())
    for key, (points, cap) in RULES.items():
        values = {"points": points, "daily_cap": cap}
        if has_pair_cap:
            values["pair_cap"] = PAIR_CAPS.get(key)
        point_rule_model.objects.get_or_create(key=key, defaults=values)
    for name, name_nl, text, text_nl, deed, bronze, silver, gold, days in BADGES:
        badge_model.objects.get_or_create(
            name=name,
            defaults={
                "name_nl": name_nl,
                "description": text,
                "description_nl": text_nl,
                "deed": deed,
                "bronze": bronze,
                "silver": silver,
                "gold": gold,
                "period_days": days,
            },
        )
