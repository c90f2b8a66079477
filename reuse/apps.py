from django.apps import AppConfig


class ReuseConfig(AppConfig):
    name = "reuse"
    verbose_name = "Reuse beyond the site: badges, embeds, printable report"
