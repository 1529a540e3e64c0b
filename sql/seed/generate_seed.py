#!/usr/bin/env python3
"""Generates sql/migrations/0011_reference_seed.sql from the CSV files beside it.

usage: python3 sql/seed/generate_seed.py > sql/migrations/0011_reference_seed.sql

Standard library only. Output is deterministic (file order), every statement is
INSERT ... ON CONFLICT DO NOTHING, and every row is checked here against the
same patterns the tables enforce, so the migration cannot fail on bad data.
Rows that do not fit are skipped and listed on stderr and in the SQL comments.
"""
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BANK_CODE = re.compile(r'^[A-Z0-9]{2,11}$')
ECONOMIC_CODE = re.compile(r'^[0-9]{4}$')
CHAPTER_CODE = re.compile(r'^[0-9]{3}$')
SECTOR_CODE = re.compile(r'^[0-9]{3}$')
TREASURY_CODE = re.compile(r'^[0-9]{4}$')
DATE = re.compile(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$')


def read(name):
    with open(os.path.join(HERE, name), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def lit(value):
    """SQL literal for a string, or NULL."""
    if value is None or value == '':
        return 'NULL'
    return "'" + value.replace("'", "''") + "'"


def date_lit(value):
    if value is None or value == '':
        return 'NULL'
    if not DATE.match(value):
        raise SystemExit('bad date: %r' % value)
    return "DATE '%s'" % value


skipped = []
renamed = []


def skip(what, why):
    skipped.append('%s: %s' % (what, why))
    print('skipped %s: %s' % (what, why), file=sys.stderr)


def banks():
    rows, seen = [], set()
    for r in read('banks.csv'):
        code = r['short_code'].strip()
        if not BANK_CODE.match(code):
            # Fall back to the VietQR code when the short code does not fit.
            alt = r['vietqr_code'].strip()
            if BANK_CODE.match(alt) and alt not in seen:
                renamed.append('bank %s loaded as %s (vietqr_code): the short code does not match ^[A-Z0-9]{2,11}$' % (code, alt))
                code = alt
            else:
                skip('bank ' + code, 'code does not match ^[A-Z0-9]{2,11}$')
                continue
        if code in seen:
            skip('bank ' + code, 'duplicate code')
            continue
        seen.add(code)
        name = r['short_name'].strip() or r['name_en'].strip()
        rows.append('(%s, %s)' % (lit(code), lit(name)))
    return ('INSERT INTO treasury.banks (code, name) VALUES\n    ' + ',\n    '.join(rows)
            + '\nON CONFLICT (code) DO NOTHING;\n')


def codes(kind, rows):
    return ('INSERT INTO treasury.classification_codes (kind, code, name, valid_to) VALUES\n    '
            + ',\n    '.join('(%s, %s, %s, %s)' % (lit(kind), lit(c), lit(n), date_lit(v)) for c, n, v in rows)
            + '\nON CONFLICT (kind, code) DO NOTHING;\n')


def economic():
    rows = []
    for r in read('economic_codes.csv'):
        code = r['code'].strip()
        if not ECONOMIC_CODE.match(code):
            skip('economic code ' + code, 'not 4 digits')
            continue
        name = r['name_vi'].strip() or r['name_en'].strip()
        rows.append((code, name, ''))
    return codes('ECONOMIC', rows)


def chapters():
    rows = []
    for r in read('chapters.csv'):
        code = r['code'].strip()
        if not CHAPTER_CODE.match(code):
            skip('chapter ' + code, 'not 3 digits')
            continue
        name = r['name_vi'].strip() or r['name_en'].strip()
        rows.append((code, name, r['valid_to'].strip()))
    return codes('CHAPTER', rows)


def sectors():
    rows = []
    for r in read('sectors.csv'):
        code = r['code'].strip()
        if not SECTOR_CODE.match(code):
            skip('sector ' + code, 'not a 3-digit code')
            continue
        rows.append((code, r['name_vi'].strip() or r['name_en'].strip(), ''))
    return codes('SECTOR', rows)


def hai_duong():
    rows = read('hai_duong.csv')
    province = [r for r in rows if r['row_type'] == 'PROVINCE']
    if len(province) != 1:
        raise SystemExit('hai_duong.csv: expected one PROVINCE row')
    province = province[0]
    root_area = province['gso_code'].strip().zfill(5)
    root_treasury = province['kbnn_code'].strip()
    assert root_treasury == '0360', root_treasury

    areas = ['(%s, %s, NULL)' % (lit(root_area), lit(province['name_vi']))]
    treasuries = ['(%s, %s, %s, NULL)' % (lit(root_treasury), lit(province['kbnn_name_vi']), lit('PROVINCE'))]
    for r in rows:
        if r['row_type'] == 'DISTRICT' and r['gso_code'].strip():
            areas.append('(%s, %s, %s)' % (lit(r['gso_code'].strip().zfill(5)), lit(r['name_vi']), lit(root_area)))
        code = r['kbnn_code'].strip()
        if r['row_type'] == 'PROVINCE' or not code:
            continue
        if not TREASURY_CODE.match(code):
            skip('treasury ' + code, 'not 4 digits')
            continue
        # Provincial offices serve the province; district treasuries serve the district level.
        level = 'DISTRICT' if r['row_type'] == 'DISTRICT' else 'PROVINCE'
        name = r['kbnn_name_vi'].strip() or r['name_vi'].strip()
        treasuries.append('(%s, %s, %s, %s)' % (lit(code), lit(name), lit(level), lit(root_treasury)))
    return ('INSERT INTO treasury.areas (code, name, parent_code) VALUES\n    ' + ',\n    '.join(areas)
            + '\nON CONFLICT (code) DO NOTHING;\n\n'
            + 'INSERT INTO treasury.treasuries (code, name, budget_level, parent_code) VALUES\n    '
            + ',\n    '.join(treasuries) + '\nON CONFLICT (code) DO NOTHING;\n')


def main():
    parts = [banks(), economic(), chapters(), sectors(), hai_duong()]
    out = sys.stdout
    out.write('-- 0011: reference data seed: commercial banks, budget classification codes (ECONOMIC,\n'
              '-- CHAPTER, SECTOR), and the areas and treasuries of Hai Duong province. The budget levels\n'
              '-- are not here: 0002_reference.sql creates them with their table.\n'
              '-- Every statement is INSERT ... ON CONFLICT DO NOTHING: the seed adds missing rows and\n'
              '-- never overwrites a row an administrator changed through the API.\n'
              '-- GENERATED by sql/seed/generate_seed.py from the CSV files in sql/seed/ (copied from the\n'
              '-- project\'s shared data, compiled 2025-11-29; see sql/seed/README.md and SOURCES.md).\n'
              '-- Do not edit by hand: change the CSV or the generator and regenerate.\n')
    for s in skipped:
        out.write('-- skipped %s\n' % s)
    for s in renamed:
        out.write('-- note: %s\n' % s)
    out.write('SET LOCAL ROLE treasury_owner;\n\n')
    out.write('\n'.join(parts))


if __name__ == '__main__':
    main()
