# Pocket Director: the bot, with its own ffmpeg (from imageio-ffmpeg) and fonts (from PyPI).
# One image for both roles: `pocket-director run` (the bot, the default) and
# `pocket-director worker` (a render worker of the farm; docker-compose.yml runs both).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/data \
    NUMBA_CACHE_DIR=/var/cache/pocket-director/numba

WORKDIR /app
# The pinned set from the lock (scripts/lock.sh), then the project alone.
COPY requirements/base.txt ./requirements/
RUN pip install -r requirements/base.txt
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY prompts ./prompts
RUN pip install --no-deps . && useradd --create-home --uid 1000 director && mkdir -p /data \
    && chown director /data
# librosa's numba functions compile on first use (about 35 s): compile them into the image, so
# neither a container's first song nor a worker waits for it. numba only reads a cache folder it
# could also write, so the folder belongs to the user the bot runs as.
RUN mkdir -p "$NUMBA_CACHE_DIR" \
    && python -c "from bot.media import beats; beats.warm_up()" \
    && chown -R director "$NUMBA_CACHE_DIR"

USER director
VOLUME ["/data"]
# Relative paths (the demo's output, say) land in the volume.
WORKDIR /data
CMD ["pocket-director", "run"]
