from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resourcing.lib import natural_keys
from resourcing.lib.translations import TranslationReview, translation_review_constraints
from resourcing.lib.validators import validate_no_control_characters


class User(AbstractUser):
    """The project's user; custom from the first migration so it can grow without pain."""

    # Shown as the author of status updates on pages and in the Atom feed: no control
    # characters (AbstractUser's fields, with the validator added).
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_no_control_characters]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_no_control_characters]
    )

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class StakeholderGroupQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return natural_keys.get(self, slug=slug)


class StakeholderGroup(TranslationReview):
    """Policy makers, industry, civil society: who a target or milestone is addressed to."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[validate_no_control_characters])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_control_characters]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = StakeholderGroupQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")
        constraints = translation_review_constraints("stakeholdergroup")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stakeholders:group-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)
