# One image for every service; docker-compose.yml picks the service by its command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HARDSHIP_VAR_DIR=/app/var
WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY shared ./shared
COPY services ./services
COPY hardship_cli ./hardship_cli
RUN pip install --no-cache-dir -c constraints.txt . && useradd --create-home hardship && mkdir -p /app/var && chown hardship /app/var
USER hardship
