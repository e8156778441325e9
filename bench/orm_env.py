"""An Odoo environment on the benchmark database, in this process, for
benchmarks of server-side work (assignment, scoring). Everything the
benchmark writes is rolled back, so `crm_bench` is left as it was."""
import contextlib
import os

from common import DB, ROOT


@contextlib.contextmanager
def rollback_env():
    os.chdir(ROOT)  # odoo.conf's paths are relative to the repository root
    import odoo
    odoo.tools.config.parse_config(['-c', os.path.join(ROOT, 'odoo.conf'), '-d', DB,
                                    '--log-level=warn'])
    with odoo.api.Environment.manage():
        registry = odoo.registry(DB)
        cr = registry.cursor()
        try:
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {'tracking_disable': True})
        finally:
            cr.rollback()
            cr.close()
