"""Indicators' titles and descriptions in every site language (django-modeltranslation;
resourcing/lib/translations.py)."""

from modeltranslation.translator import translator

from indicators.models import Indicator
from resourcing.lib.translations import translation_options

translator.register(Indicator, translation_options(Indicator))
