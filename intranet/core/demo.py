"""The demo organisation `seed_demo` creates: a believable Dutch company. Later issues add
content through `register_step`, each step idempotent on its own."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

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


def seed_organisation() -> dict[str, int]:
    """Departments, people and one administrator. Creates what is missing and leaves what
    exists alone, so running it twice changes nothing."""
    User = get_user_model()
    created = {"departments": 0, "people": 0}
    with transaction.atomic():
        departments: dict[str, Department] = {}
        for slug, (name, parent_slug, color) in DEPARTMENTS.items():
            department, was_created = Department.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "parent": departments.get(parent_slug) if parent_slug else None,
                    "color": color,
                },
            )
            departments[slug] = department
            created["departments"] += was_created
        for first, last, dept_slug, title, manages in PEOPLE:
            email = email_for(first, last)
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    first_name=first,
                    last_name=last,
                    department=departments[dept_slug],
                    job_title=title,
                )
                _mark_verified(user)
                created["people"] += 1
            department = departments[dept_slug]
            if manages and department.manager_id is None:
                department.manager = user
                department.save(update_fields=["manager"])
        if not User.objects.filter(email__iexact=ADMIN_EMAIL).exists():
            admin = User.objects.create_superuser(
                email=ADMIN_EMAIL,
                password=DEMO_PASSWORD,
                first_name="Beheerder",
                last_name="Plein",
                department=departments["it"],
                job_title="Functioneel beheerder Plein",
            )
            _mark_verified(admin)
            created["people"] += 1
    return created


def _mark_verified(user) -> None:
    # Demo accounts sign in at once; real accounts verify their address (allauth).
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def seed_all() -> dict[str, int]:
    result = seed_organisation()
    for _, _, step in sorted(_steps, key=lambda item: item[0]):
        step()
    return result
