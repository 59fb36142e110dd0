"""Abstract models that feature apps share."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class StoredFile(models.Model):
    """A file kept in Django's storage (local disk, or S3-compatible storage in production),
    validated by its content (intranet.core.files) and served only to those who may see what
    it belongs with. Each app adds the foreign key to what it belongs with and a `file`
    field with its own folder."""

    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
