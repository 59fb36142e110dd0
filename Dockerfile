# Plein production image: one image, several roles (web, ws, worker, beat); see docker-compose.yml.
FROM python:3.12-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PLEIN_ENV=production STATIC_ROOT=/app/static-root MEDIA_ROOT=/data/media
WORKDIR /app
RUN useradd --create-home --uid 1000 plein
COPY pyproject.toml README.md ./
COPY intranet ./intranet
COPY profiles ./profiles
RUN pip install .
COPY . .
# Static files and compiled catalogues are part of the image; collectstatic needs no services.
# Production settings refuse a weak SECRET_KEY even here: a throwaway one, gone with this layer.
RUN export SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost \
 && python manage.py compile_catalogues \
 && python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /data/media && chown -R plein /data
USER plein
EXPOSE 8000 8001
# Pages through WSGI (gunicorn); docker-compose.yml overrides the command for ws, worker, beat.
CMD ["gunicorn", "intranet.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
