"""What the admin's read-only screens share."""


class ReadOnlyAdmin:
    """A ModelAdmin or inline that shows rows and never adds, changes or deletes one: a
    history, proposals, measurements (their writers are the services, not the admin)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
