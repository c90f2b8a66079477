from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from roadmaps.translation_admin import TranslatedContentAdmin
from stakeholders.models import StakeholderGroup, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_superuser"]


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
