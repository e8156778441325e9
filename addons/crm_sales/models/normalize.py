"""Normalised keys for finding duplicate leads and partners (pure Python).

Used by the stored keys on crm.lead and res.partner, by the lead import
(to validate rows) and by the tests; nothing here touches the database.

- e-mail: trimmed and lower-cased, checked for a plausible syntax;
- phone: E.164 (``+8613800138000``) with ``phonenumbers``, the region
  coming from the record's country, else its company's;
- company name: NFKC (full-width to half-width), lower case, no
  punctuation or spaces, legal-form suffixes removed (有限公司,
  股份有限公司, Co., Ltd., Inc., GmbH...), so that "ACME Co., Ltd." and
  "acme" match, as do "杭州陶瓷有限公司" and "杭州陶瓷";
- VAT / tax ID: upper case, letters and digits only.
"""
import re
import unicodedata

try:
    import phonenumbers
except ImportError:  # declared in the manifest's external_dependencies
    phonenumbers = None

EMAIL_RE = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")

# legal forms removed from the end of a company name: whole words of a
# Latin-script name, and endings of a Chinese one (the longest first)
_LATIN_SUFFIXES = {
    'co', 'company', 'ltd', 'limited', 'inc', 'incorporated', 'corp', 'corporation',
    'llc', 'llp', 'plc', 'gmbh', 'ag', 'sarl', 'sas', 'sa', 'srl', 'spa', 'bv', 'nv',
    'oy', 'ab', 'kk', 'pty', 'pte', 'group',
}
_CJK_SUFFIXES = sorted(['股份有限公司', '有限责任公司', '有限公司', '集团公司', '集团', '公司'],
                       key=len, reverse=True)
_NOT_WORD = re.compile(r'[\W_]+', re.UNICODE)


def normalize_email(value):
    """The normalised e-mail, or None when empty or not an e-mail."""
    value = (value or '').strip().lower()
    if value.startswith('mailto:'):
        value = value[7:]
    if not value or not EMAIL_RE.match(value):
        return None
    return value


def is_email(value):
    return normalize_email(value) is not None


def normalize_phone(value, region=None):
    """The number in E.164, or None when empty or not a valid number.

    `region` is a two-letter country code used for numbers written without
    their international prefix (13800138000 in China)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = '%d' % value     # spreadsheets store phone numbers as floats
    value = str(value).strip()
    if not value:
        return None
    if value.startswith('00'):
        value = '+' + value[2:]
    try:
        number = phonenumbers.parse(value, (region or '').upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_company(value):
    """The comparable form of a company name, or None when empty."""
    if not value:
        return None
    tokens = [t for t in _NOT_WORD.split(unicodedata.normalize('NFKC', str(value)).lower()) if t]
    while len(tokens) > 1 and tokens[-1] in _LATIN_SUFFIXES:
        tokens.pop()
    value = ''.join(tokens)
    stripped = True
    while stripped:
        stripped = False
        for suffix in _CJK_SUFFIXES:
            if value.endswith(suffix) and len(value) > len(suffix):
                value = value[:-len(suffix)]
                stripped = True
                break
    return value or None


def normalize_vat(value):
    """Letters and digits of a VAT / tax number in upper case, or None."""
    if not value:
        return None
    value = unicodedata.normalize('NFKC', str(value)).upper()
    value = re.sub(r'[^0-9A-Z]', '', value)
    return value or None


def normalize_name(value):
    """A lookup key for names (countries, provinces, sources): NFKC, lower
    case, single spaces."""
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = '%d' % value
    return ' '.join(unicodedata.normalize('NFKC', str(value)).lower().split())


# Chinese names of countries a Chinese file commonly names (ISO code)
COUNTRY_ZH = {
    '中国': 'CN', '中华人民共和国': 'CN', '中国大陆': 'CN', '香港': 'HK', '中国香港': 'HK',
    '澳门': 'MO', '中国澳门': 'MO', '台湾': 'TW', '中国台湾': 'TW', '美国': 'US', '英国': 'GB',
    '日本': 'JP', '韩国': 'KR', '德国': 'DE', '法国': 'FR', '意大利': 'IT', '西班牙': 'ES',
    '加拿大': 'CA', '澳大利亚': 'AU', '新西兰': 'NZ', '新加坡': 'SG', '马来西亚': 'MY',
    '泰国': 'TH', '越南': 'VN', '印度': 'IN', '印度尼西亚': 'ID', '菲律宾': 'PH', '俄罗斯': 'RU',
    '巴西': 'BR', '墨西哥': 'MX', '荷兰': 'NL', '比利时': 'BE', '瑞士': 'CH', '瑞典': 'SE',
    '挪威': 'NO', '丹麦': 'DK', '芬兰': 'FI', '波兰': 'PL', '奥地利': 'AT', '爱尔兰': 'IE',
    '葡萄牙': 'PT', '希腊': 'GR', '土耳其': 'TR', '以色列': 'IL', '阿联酋': 'AE',
    '沙特阿拉伯': 'SA', '南非': 'ZA', '埃及': 'EG', '阿根廷': 'AR', '智利': 'CL',
}

# Chinese provinces: ISO 3166-2:CN code, English name, Chinese name
CN_PROVINCES = [
    ('BJ', 'Beijing', '北京'), ('TJ', 'Tianjin', '天津'), ('HE', 'Hebei', '河北'),
    ('SX', 'Shanxi', '山西'), ('NM', 'Inner Mongolia', '内蒙古'), ('LN', 'Liaoning', '辽宁'),
    ('JL', 'Jilin', '吉林'), ('HL', 'Heilongjiang', '黑龙江'), ('SH', 'Shanghai', '上海'),
    ('JS', 'Jiangsu', '江苏'), ('ZJ', 'Zhejiang', '浙江'), ('AH', 'Anhui', '安徽'),
    ('FJ', 'Fujian', '福建'), ('JX', 'Jiangxi', '江西'), ('SD', 'Shandong', '山东'),
    ('HA', 'Henan', '河南'), ('HB', 'Hubei', '湖北'), ('HN', 'Hunan', '湖南'),
    ('GD', 'Guangdong', '广东'), ('GX', 'Guangxi', '广西'), ('HI', 'Hainan', '海南'),
    ('CQ', 'Chongqing', '重庆'), ('SC', 'Sichuan', '四川'), ('GZ', 'Guizhou', '贵州'),
    ('YN', 'Yunnan', '云南'), ('XZ', 'Tibet', '西藏'), ('SN', 'Shaanxi', '陕西'),
    ('GS', 'Gansu', '甘肃'), ('QH', 'Qinghai', '青海'), ('NX', 'Ningxia', '宁夏'),
    ('XJ', 'Xinjiang', '新疆'),
]
_PROVINCE_SUFFIXES = ('维吾尔自治区', '壮族自治区', '回族自治区', '自治区', '特别行政区',
                      '省', '市')


def normalize_province(value):
    """A lookup key for a province: Chinese names without 省/市/自治区."""
    key = normalize_name(value)
    for suffix in _PROVINCE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[:-len(suffix)]
    return key
