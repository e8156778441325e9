"""Reading a lead file and mapping its columns (pure Python, no database).

`read_table(content, filename)` returns the header row and the data rows
(lists of strings) of an .xlsx, .xls or .csv file; `guess_target(header)`
maps an English or Chinese column title to a crm.lead field.
"""
import csv
import datetime
import io
import re
import unicodedata

try:
    import xlrd
except ImportError:  # declared in the manifest's external_dependencies
    xlrd = None


class FileError(Exception):
    """The file cannot be read; the message says why, for the user."""


# crm.lead field -> column titles that mean it (compared without case,
# spaces or punctuation)
TARGET_HEADERS = {
    'name': ['title', 'lead', 'leadname', 'leadtitle', 'subject', 'opportunity', 'name',
             '线索', '线索名称', '标题', '主题', '商机', '商机名称', '名称'],
    'partner_name': ['company', 'companyname', 'customer', 'customername', 'account',
                     'organization', 'organisation', '公司', '公司名称', '企业', '企业名称',
                     '客户', '客户名称', '单位', '单位名称'],
    'contact_name': ['contact', 'contactname', 'contactperson', 'person', 'fullname',
                     '联系人', '姓名', '联系人姓名'],
    'phone': ['phone', 'telephone', 'tel', 'phonenumber', 'landline', 'workphone',
              '电话', '座机', '联系电话', '固定电话', '电话号码'],
    'mobile': ['mobile', 'cell', 'cellphone', 'mobilephone', 'mobilenumber', '手机',
               '手机号', '手机号码', '移动电话'],
    'email_from': ['email', 'mail', 'emailaddress', 'email地址', '邮箱', '电子邮件',
                   '电子邮箱', '邮件', '邮箱地址'],
    'country_id': ['country', 'countryregion', '国家', '国家地区', '国别'],
    'state_id': ['province', 'state', 'provincestate', 'region', '省份', '省', '州', '省市'],
    'city': ['city', 'town', '城市', '市', '所在城市'],
    'zip': ['zip', 'zipcode', 'postcode', 'postalcode', '邮编', '邮政编码'],
    'street': ['street', 'address', 'streetaddress', '地址', '街道', '详细地址'],
    'source_id': ['source', 'leadsource', 'channel', '来源', '线索来源', '客户来源', '渠道'],
    'industry_id': ['industry', 'sector', '行业', '所属行业'],
    'vat': ['vat', 'taxid', 'taxnumber', 'vatnumber', 'tin', '税号', '纳税人识别号',
            '统一社会信用代码'],
    'description': ['notes', 'note', 'description', 'comment', 'comments', 'remarks',
                    '备注', '描述', '说明'],
    'function': ['jobtitle', 'jobposition', 'position', 'function', '职位', '职务'],
    'website': ['website', 'web', 'url', 'site', '网站', '网址'],
    'product_interest_id': ['product', 'productinterest', 'interest', '产品', '意向产品',
                            '感兴趣的产品'],
    'planned_revenue': ['expectedrevenue', 'revenue', 'amount', 'budget', '预计收入',
                        '金额', '预算'],
}
_HEADER_INDEX = {title: target for target, titles in TARGET_HEADERS.items() for title in titles}
_NOT_WORD = re.compile(r'[\W_]+', re.UNICODE)


def header_key(header):
    return _NOT_WORD.sub('', unicodedata.normalize('NFKC', header or '').lower())


def guess_target(header):
    """The crm.lead field a column title means, or None."""
    return _HEADER_INDEX.get(header_key(header))


def _cell_text(value, ctype, datemode):
    if ctype == xlrd.XL_CELL_NUMBER:
        return '%d' % value if float(value).is_integer() else repr(value)
    if ctype == xlrd.XL_CELL_DATE:
        try:
            parts = xlrd.xldate_as_tuple(value, datemode)
            return datetime.datetime(*parts).strftime('%Y-%m-%d %H:%M:%S').replace(' 00:00:00', '')
        except (ValueError, xlrd.XLDateError):
            return str(value)
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return 'TRUE' if value else 'FALSE'
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ''
    return str(value).strip()


def _read_excel(content):
    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
    except Exception as exc:  # xlrd raises many kinds of errors on a broken file
        raise FileError('The spreadsheet cannot be read (%s).' % exc)
    if not book.nsheets:
        raise FileError('The spreadsheet has no sheet.')
    sheet = book.sheet_by_index(0)
    rows = []
    for i in range(sheet.nrows):
        rows.append([_cell_text(v, t, book.datemode)
                     for v, t in zip(sheet.row_values(i), sheet.row_types(i))])
    return rows


def decode_text(content):
    """Text of a CSV file: UTF-8 with or without BOM, else GB18030 (GBK)."""
    if content.startswith(b'\xef\xbb\xbf'):
        return content[3:].decode('utf-8', errors='replace')
    for encoding in ('utf-8', 'gb18030'):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode('latin-1')


def _read_csv(content):
    text = decode_text(content)
    if '\x00' in text[:4096]:
        raise FileError('This is not a text file: upload an .xlsx, .xls or .csv file.')
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=',;\t|').delimiter
    except csv.Error:
        delimiter = ','
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [[cell.strip() for cell in row] for row in reader]


_BINARY_SIGNATURES = [b'%PDF', b'\x89PNG', b'\xff\xd8\xff', b'GIF8', b'\x1f\x8b', b'Rar!',
                      b'7z\xbc\xaf', b'MZ', b'\x7fELF']


def read_table(content, filename=''):
    """(headers, rows) of the first sheet of an .xlsx/.xls file or of a CSV
    file; blank rows are dropped, rows are padded to the header's width.
    Raises FileError with a message for the user."""
    if not content:
        raise FileError('The file is empty.')
    name = (filename or '').lower()
    if content[:4] == b'PK\x03\x04' or content[:8] == b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1':
        rows = _read_excel(content)
    elif any(content.startswith(sig) for sig in _BINARY_SIGNATURES) or \
            name.endswith(('.pdf', '.doc', '.docx', '.png', '.jpg', '.jpeg', '.zip', '.exe')):
        raise FileError('Wrong file type (%s): upload an .xlsx, .xls or .csv file.'
                        % (filename or 'unknown'))
    else:
        rows = _read_csv(content)
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise FileError('The file is empty.')
    headers = [h or 'Column %d' % (i + 1) for i, h in enumerate(rows[0])]
    data = rows[1:]
    if not data:
        raise FileError('The file has a header row but no lead below it.')
    width = len(headers)
    for row in data:
        if len(row) < width:
            row.extend([''] * (width - len(row)))
    return headers, data
