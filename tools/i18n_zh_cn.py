"""Write each addon's i18n/zh_CN.po from its .pot and our glossary (tools/i18n_zh_cn.json).

    .venv/bin/python tools/i18n_zh_cn.py [todo.json]

With a file name, the untranslated texts are also written there as JSON
({english: ""}): fill in the Chinese and merge it into tools/i18n_zh_cn.json.

Untranslated strings are reported (and left empty, so Odoo shows English).
Keep the glossary consistent with Odoo's own zh_CN terms (线索, 商机, 销售团队).
"""
import ast
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GLOSSARY_FILE = os.path.join(ROOT, 'tools', 'i18n_zh_cn.json')


def load_glossary():
    """English text -> Chinese, from tools/i18n_zh_cn.json (sorted; add new
    strings there)."""
    with open(GLOSSARY_FILE, encoding='utf-8') as f:
        glossary = json.load(f)
    return glossary


def norm(text):
    return re.sub(r'\s+', ' ', text).strip()


def unquote(line):
    """The text of one quoted po line: "abc\\n" -> abc + newline."""
    return ast.literal_eval(line.strip())


def translate(pot_text, glossary, missing):
    """The pot's text with every msgstr filled from the glossary.

    Plain text processing keeps Odoo's `#:` references (model:..., code:...)
    exactly as Odoo wrote them; its po reader needs them."""
    out, msgid, in_msgid = [], None, False
    for line in pot_text.splitlines():
        if line.startswith('msgid '):
            msgid, in_msgid = unquote(line[6:]), True
        elif in_msgid and line.startswith('"'):
            msgid += unquote(line)
        elif line == 'msgstr ""' and msgid:
            in_msgid = False
            text = glossary.get(norm(msgid), '')
            if not text:
                missing.append(msgid)
            line = 'msgstr %s' % json.dumps(text, ensure_ascii=False)
        else:
            in_msgid = False
        out.append(line)
    return '\n'.join(out) + '\n'


def main():
    glossary = {norm(k): v for k, v in load_glossary().items()}
    missing = []
    for addon in sorted(os.listdir(os.path.join(ROOT, 'addons'))):
        pot = os.path.join(ROOT, 'addons', addon, 'i18n', '%s.pot' % addon)
        if not os.path.isfile(pot):
            continue
        with open(pot, encoding='utf-8') as f:
            text = f.read()
        text = text.replace('"Plural-Forms: \\n"', '"Language: zh_CN\\n"\n"Plural-Forms: \\n"', 1)
        todo = []
        text = translate(text, glossary, todo)
        missing += ['%s: %s' % (addon, m) for m in todo]
        with open(os.path.join(ROOT, 'addons', addon, 'i18n', 'zh_CN.po'), 'w', encoding='utf-8') as f:
            f.write(text)
    for line in missing:
        print('untranslated: %s' % line)
    if len(sys.argv) > 1 and missing:
        # tools/i18n_zh_cn.py todo.json: the untranslated texts, to translate and merge
        with open(sys.argv[1], 'w', encoding='utf-8') as f:
            json.dump({m.split(': ', 1)[1]: '' for m in missing}, f, ensure_ascii=False, indent=1)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
