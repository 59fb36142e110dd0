"""The demo organisation `seed_demo` creates: a believable Dutch company. Later issues add
content through `register_step`, each step idempotent on its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from intranet.core import ratelimit
from intranet.governance.models import Department

DEMO_DOMAIN = "plein.example"
DEMO_PASSWORD = "plein-demo"  # noqa: S105 - printed on purpose: demo accounts only
ADMIN_EMAIL = f"beheer@{DEMO_DOMAIN}"

# slug: (name, parent slug, accent colour)
DEPARTMENTS = {
    "directie": ("Directie", None, "#3d4a8c"),
    "sales": ("Sales", "directie", "#b5532a"),
    "marketing": ("Marketing", "directie", "#a23b72"),
    "hr": ("HR", "directie", "#2e7d5b"),
    "it": ("IT", "directie", "#1d6fa3"),
    "finance": ("Finance", "directie", "#6b5b1e"),
    "operations": ("Operations", "directie", "#5a6470"),
    "klantenservice": ("Klantenservice", "directie", "#00796b"),
}

# (first name, last name, department slug, job title, manages department)
PEOPLE = [
    ("Chris", "Dekker", "it", "Manager IT", True),
    ("Mary", "Jansen", "operations", "Manager Operations", True),
    ("Steve", "Bakker", "sales", "Sales manager", True),
    ("Sandy", "Visser", "klantenservice", "Teamleider Klantenservice", True),
    ("Annelies", "de Vries", "directie", "Algemeen directeur", True),
    ("Pieter", "van den Berg", "finance", "Manager Finance", True),
    ("Fatima", "El Amrani", "hr", "HR-manager", True),
    ("Joost", "Smit", "marketing", "Marketingmanager", True),
    ("Marloes", "Mulder", "directie", "Directiesecretaris", False),
    ("Henk", "de Boer", "directie", "Financieel directeur", False),
    ("Lotte", "Meijer", "sales", "Accountmanager", False),
    ("Daan", "de Graaf", "sales", "Accountmanager", False),
    ("Sanne", "Hendriks", "sales", "Binnendienst sales", False),
    ("Bram", "van Dijk", "sales", "Accountmanager", False),
    ("Eva", "Bos", "marketing", "Contentmarketeer", False),
    ("Thijs", "Vos", "marketing", "Online marketeer", False),
    ("Noor", "Peters", "marketing", "Communicatieadviseur", False),
    ("Ingrid", "Kok", "hr", "HR-adviseur", False),
    ("Kees", "Jacobs", "hr", "Salarisadministrateur", False),
    ("Yara", "Willems", "hr", "Recruiter", False),
    ("Ruben", "van Leeuwen", "it", "Applicatiebeheerder", False),
    ("Mohamed", "Bouzid", "it", "Systeembeheerder", False),
    ("Femke", "de Jong", "it", "Informatieanalist", False),
    ("Stijn", "Dekkers", "it", "Developer", False),
    ("Wouter", "Schouten", "finance", "Controller", False),
    ("Ilse", "van der Meer", "finance", "Crediteurenadministratie", False),
    ("Gerrit", "Postma", "finance", "Debiteurenbeheer", False),
    ("Anouk", "Verbeek", "operations", "Planner", False),
    ("Martijn", "Huisman", "operations", "Logistiek medewerker", False),
    ("Priya", "Ramdin", "operations", "Procesverbeteraar", False),
    ("Jeroen", "Kuipers", "operations", "Inkoper", False),
    ("Esther", "Brouwer", "operations", "Kwaliteitsmedewerker", False),
    ("Tim", "Wijnands", "klantenservice", "Klantenservicemedewerker", False),
    ("Lisa", "Koster", "klantenservice", "Klantenservicemedewerker", False),
    ("Ahmet", "Yilmaz", "klantenservice", "Klantenservicemedewerker", False),
    ("Roos", "van Wijk", "klantenservice", "Kennisbankbeheerder", False),
    ("Niels", "Prins", "klantenservice", "Tweedelijns support", False),
    ("Merel", "Sanders", "marketing", "Eventmanager", False),
    ("Hugo", "Blom", "sales", "Sales support", False),
    ("Vera", "Dijkstra", "hr", "Opleidingscoördinator", False),
]


def email_for(first: str, last: str) -> str:
    local = f"{first}.{last.split(' ')[-1]}".lower()
    return f"{local}@{DEMO_DOMAIN}"


Step = Callable[[], None]
_steps: list[tuple[int, str, Step]] = []


def register_step(*, order: int, name: str, step: Step) -> None:
    """Feature apps add their demo content here (in AppConfig.ready())."""
    if all(existing != name for _, existing, _ in _steps):
        _steps.append((order, name, step))


# Communities and closed spaces: (slug, name, kind, visibility, reason, owner email local part,
# member local parts, description)
SPACES = [
    ("klantreis-verbeteren", "Klantreis verbeteren", "community", "open", "",
     "sandy.visser", ["chris.dekker", "mary.jansen", "tim.wijnands", "eva.bos", "priya.ramdin"],
     "Samen de reis van onze klanten verbeteren, van eerste contact tot factuur."),
    ("social-business-ambassadeurs", "Social Business ambassadeurs", "community", "open", "",
     "sandy.visser", ["chris.dekker", "noor.peters", "roos.wijk", "ruben.leeuwen"],
     "Ambassadeurs helpen collega's op weg met Plein en delen wat werkt."),
    ("project-nieuw-crm", "Project nieuw CRM", "project", "private",
     "Leveranciersofferte en contractonderhandeling lopen nog.",
     "chris.dekker", ["steve.bakker", "femke.jong", "lotte.meijer", "wouter.schouten"],
     "Selectie en invoering van het nieuwe CRM-systeem."),
    ("reorganisatie-operations", "Reorganisatie Operations", "project", "secret",
     "Personele gevolgen; de ondernemingsraad is nog niet geïnformeerd.",
     "annelies.vries", ["mary.jansen", "fatima.amrani", "henk.boer"],
     "Voorbereiding van de nieuwe inrichting van Operations."),
]  # fmt: skip


def seed_organisation() -> dict[str, int]:
    """Departments (each with its space), people, one administrator, communities and one private
    and one secret space. Creates what is missing and leaves what exists alone, so running it
    twice changes nothing. Writes go through the governance services, as in the app."""
    from intranet.governance import services
    from intranet.governance.constants import OrgRole, SpaceRole
    from intranet.governance.models import Membership, Space

    User = get_user_model()
    created = {"departments": 0, "people": 0, "spaces": 0}
    with transaction.atomic():
        departments: dict[str, Department] = {}
        for slug, (name, parent_slug, color) in DEPARTMENTS.items():
            department = Department.objects.filter(slug=slug).first()
            if department is None:
                department = services.save_department(
                    actor=None, name=name, parent=departments.get(parent_slug), color=color
                )
                created["departments"] += 1
            departments[slug] = department
        for first, last, dept_slug, title, manages in PEOPLE:
            email = email_for(first, last)
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, first_name=first, last_name=last,
                    job_title=title,
                )  # fmt: skip
                services.set_department_of(actor=None, user=user, department=departments[dept_slug])
                _mark_verified(user)
                created["people"] += 1
            department = departments[dept_slug]
            if manages and department.manager_id is None:
                services.save_department(
                    actor=None, department=department, name=department.name,
                    parent=department.parent, manager=user,
                )  # fmt: skip
        if not User.objects.filter(email__iexact=ADMIN_EMAIL).exists():
            admin = User.objects.create_superuser(
                email=ADMIN_EMAIL, password=DEMO_PASSWORD, first_name="Beheerder",
                last_name="Plein", job_title="Functioneel beheerder Plein",
                org_role=OrgRole.ADMINISTRATOR,
            )  # fmt: skip
            services.set_department_of(actor=None, user=admin, department=departments["it"])
            _mark_verified(admin)
            created["people"] += 1
        demo_people = User.objects.filter(email__endswith=DEMO_DOMAIN)
        # The demo organisation has worked here for years: its people are not "new accounts"
        # that write at a slower pace (intranet.core.ratelimit).
        demo_people.filter(date_joined__gt=timezone.now() - timedelta(days=30)).update(
            date_joined=timezone.now() - timedelta(days=730)
        )
        by_local = {u.email.split("@")[0]: u for u in demo_people}
        for slug, name, kind, visibility, reason, owner, members, description in SPACES:
            # A secret space's address carries a keyed suffix (services.secret_slug); a demo
            # seeded before that has it at the plain one: either means it is there.
            if Space.objects.filter(slug__in=[slug, services.secret_slug(slug)]).exists():
                continue
            space = services.create_space(
                actor=by_local[owner], kind=kind, name=name, slug=slug, description=description,
                visibility=visibility, closed_reason=reason,
            )  # fmt: skip
            for local in members:
                Membership.objects.get_or_create(
                    space=space, user=by_local[local], defaults={"role": SpaceRole.MEMBER}
                )
            created["spaces"] += 1
    return created


def _mark_verified(user) -> None:
    # Demo accounts sign in at once; real accounts verify their address (allauth).
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def seed_all() -> dict[str, int]:
    # The seed writes years of a whole organisation's work in seconds, on its people's behalf:
    # their rate limits are for people at a keyboard.
    with ratelimit.unlimited():
        result = seed_organisation()
        for _, _, step in sorted(_steps, key=lambda item: item[0]):
            step()
    return result
