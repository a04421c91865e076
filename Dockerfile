# KCC Monitor: one image for the worker, the simulator and every other `kcc-monitor` command.
#   docker build -t kcc-monitor .
#   docker run --rm kcc-monitor --help
# The package is installed from /app in editable mode on purpose: the configuration
# (config/municipalities, config/prometheus, config/grafana) is found next to the code,
# as in a checkout, so every command runs with the same defaults as on a workstation.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KCC_DATA_DIR=/var/lib/kcc

RUN groupadd --system --gid 10001 kcc \
 && useradd --system --uid 10001 --gid kcc --home-dir /app --shell /usr/sbin/nologin kcc \
 && mkdir -p /var/lib/kcc \
 && chown kcc:kcc /var/lib/kcc

WORKDIR /app
# Dependencies first (cached while only the code changes).
COPY pyproject.toml README.md ./
COPY monitor/__init__.py monitor/__init__.py
COPY streams/__init__.py streams/__init__.py
COPY dashboards/__init__.py dashboards/__init__.py
COPY kcc/__init__.py kcc/__init__.py
COPY wallboard/__init__.py wallboard/__init__.py
RUN pip install -e . && pip uninstall -y kcc-monitor

COPY monitor monitor
COPY streams streams
COPY dashboards dashboards
COPY kcc kcc
COPY wallboard wallboard
COPY config config
RUN pip install --no-deps -e . \
 && python -c "import kcc.cli, monitor.config; monitor.config.load_config()"

USER kcc:kcc
# The worker's web server (/metrics), see KCC_WORKER_PORT; the wallboard (kcc-monitor wallboard --port).
EXPOSE 6066 8080
ENTRYPOINT ["kcc-monitor"]
CMD ["worker"]
