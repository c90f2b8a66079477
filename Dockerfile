# The RE-SOURCING Roadmap Tracker: one stateless app server (gunicorn + whitenoise).
# Configuration comes from the environment at run time (docs/deploy.md); nothing secret is
# baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first (pyproject.toml with empty packages), so a code change does not
# reinstall them. The code itself runs from /app (PYTHONPATH), where templates and static
# files are.
COPY pyproject.toml ./
COPY resourcing/__init__.py resourcing/__init__.py
COPY roadmaps/__init__.py roadmaps/__init__.py
COPY stakeholders/__init__.py stakeholders/__init__.py
COPY pagecache/__init__.py pagecache/__init__.py
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app

COPY . .

# The translation catalogues, compiled in Python (polib; .mo files are never committed).
RUN python -m resourcing.catalogues

# Hashed, compressed static files for whitenoise. The key exists only for this build step:
# settings refuse to start without one when DEBUG is off.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --no-input \
    && chown -R app:app /app/staticfiles

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"

# Migrations run once per release, not in every container: docs/deploy.md. The request log
# comes from the app (resourcing.middleware, one line per request on stdout), so gunicorn's
# own access log stays off. The worker timeout (gunicorn's default, stated) bounds every request:
# the admin's import page takes only files it finishes well within it (docs/deploy.md).
CMD ["gunicorn", "resourcing.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30"]
