"""The roadmap content in every site language: django-modeltranslation adds title_en,
title_es, ... (resourcing/lib/translations.py says how they are used)."""

from modeltranslation.translator import translator

from resourcing.lib.translations import translation_options
from roadmaps.models import Milestone, Mineral, Roadmap, Sector, Target, Theme, ValueChainStage

for _model in (Sector, Roadmap, Theme, Target, Milestone, Mineral, ValueChainStage):
    translator.register(_model, translation_options(_model))
