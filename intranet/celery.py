"""Celery: digest email and periodic work. Beat keeps its schedule in the database
(django-celery-beat) so administrators can see and change it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")

app = Celery("plein")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
