from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from resourcing import views
from stakeholders.forms import AdminLoginForm, LoginForm

# Both login forms refuse usernames longer than the user model allows (stakeholders/forms.py).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # One address, in English: the admin edits every language's content side by side, and its
    # address stays the one in the docs, e-mails and the import's size limit.
    path("admin/", admin.site.urls),
    # Every page in every language: English at its address, the others under /es/, /fr/,
    # /pt/, /de/ (resourcing/lib/languages.py). Data endpoints among them are marked
    # language_neutral: English, at their unprefixed address only.
    *i18n_patterns(
        path(
            "accounts/login/",
            auth_views.LoginView.as_view(authentication_form=LoginForm),
            name="login",
        ),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("stakeholders/", include("stakeholders.urls")),
        # Badges, embeds and the printable report; the read API's description.
        path("", include("reuse.urls")),
        path("api/", include("api.urls")),
        path("", include("indicators.urls")),
        path("", include("review.urls")),
        path("", include("roadmaps.urls")),
        prefix_default_language=False,
    ),
]

# 404 in the content type the client asked for: JSON for the API, SVG for a badge.
handler404 = "api.views.not_found"
