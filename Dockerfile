# The CRM suite's Odoo image: Python 3.7 with the same pinned requirements
# and the same lessc as the native set-up (see README, docker-compose.yml).
FROM python:3.7-slim-bullseye

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        build-essential libpq-dev libldap2-dev libsasl2-dev libxml2-dev libxslt1-dev \
        libjpeg-dev zlib1g-dev libffi-dev nodejs npm postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/crm

# vatnumber and suds-jurko build with use_2to3: setuptools < 58, no isolation
COPY requirements.txt ./
RUN pip install --no-cache-dir "pip<24" "setuptools<58" wheel \
    && pip install --no-cache-dir --no-build-isolation -r requirements.txt

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
ENV PATH=/opt/crm/node_modules/.bin:$PATH

COPY tools ./tools
COPY odoo.conf ./
RUN useradd --create-home odoo && mkdir -p var && chown odoo var
USER odoo

EXPOSE 8069
# create the `crm` database with the addons and demo data when it is
# missing (update it when the addons changed), then serve
CMD ["sh", "-c", "python tools/crmdb.py ensure crm && exec python tools/odoo-bin -c odoo.conf"]
