"""Helpers for the lead capture tests: files in memory and the wizard."""
import base64
import csv
import io

import xlsxwriter


def xlsx_bytes(rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {'in_memory': True})
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return out.getvalue()


def csv_bytes(rows, delimiter=',', encoding='utf-8'):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def import_wizard(env, content, filename, **values):
    """An import wizard on `content`, columns mapped from the titles."""
    wizard = env['crm.sales.lead.import'].create(dict(
        values, file=base64.b64encode(content), filename=filename))
    wizard.action_parse()
    return wizard
