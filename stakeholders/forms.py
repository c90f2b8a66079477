"""The login forms (the site's and the admin's)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed


class BoundedUsernameMixin:
    """A username longer than the user model allows is refused as wrong credentials.

    No account can have such a name, and django-axes stores the username it counts in a
    255-character column, which PostgreSQL refuses to overflow (a 500 to anyone). The
    attempt is still counted, under the name cut to the model's limit, so sending long names
    does not get around the throttling.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        limit = self.username_field.max_length
        if limit and len(username) > limit:
            # What django.contrib.auth.authenticate() sends for a failure; axes counts it.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": username[:limit]},
                request=self.request,
            )
            raise self.get_invalid_login_error()
        return super().clean()


class LoginForm(BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedUsernameMixin, AdminAuthenticationForm):
    pass
