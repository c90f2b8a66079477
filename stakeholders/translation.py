"""Stakeholder groups' names and descriptions in every site language (django-modeltranslation;
resourcing/lib/translations.py)."""

from modeltranslation.translator import translator

from resourcing.lib.translations import translation_options
from stakeholders.models import StakeholderGroup

translator.register(StakeholderGroup, translation_options(StakeholderGroup))
