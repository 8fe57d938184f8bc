#!/usr/bin/env python3
"""Writes the bad-input corpus files under tests/corpus/ (run from the repository root).

Each case is listed in tests/corpus/cases.toml with the command, the exit code and the exact
message fragment expected; this script only makes the input files, several of which are not
UTF-8 (Latin-1, Windows-1252, UTF-16, NUL bytes, binary) and so are easier made than typed.
"""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)))
H = "activity,quantity,unit\n"
GAS = "1_100_1004_6"


def put(rel, data):
    p = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(p, "wb") as f:
        f.write(data)


# --- activity CSVs -----------------------------------------------------------------------
numbers = {
    "double-minus": "--5",
    "minus-space-minus": "- -5",
    "minus-pound-minus": "-£-5",
    "plus-minus": "+-5",
    "nan": "NaN",
    "inf": "inf",
    "negative-inf": "-inf",
    "sixty-digits": "9" * 60,
    "exp-30": "1e30",
    "exp-tiny": "1e-40",
    "european-decimal": '"1.234,50"',
    "accounting-brackets": "(100)",
    "fullwidth-digits": "\uff11\uff10\uff10",
    "unicode-minus": "\u22125",
    "thousands-misplaced": '"12,34"',
    "two-dots": "1.2.3",
    "hex": "0x10",
    "underscore": "1_000",
    "trailing-letters": "100kWh",
    "blank": "",
    "spaces-only": "   ",
    "negative": "-5",
    "too-precise": "0." + "0" * 28 + "1",
    "nbsp-inside": "1\u00a0000",
}
for name, q in numbers.items():
    put(f"activity/number-{name}.csv", f"{H}{GAS},{q},kWh\n")

put("activity/empty.csv", "")
put("activity/only-newline.csv", "\n")
put("activity/header-only.csv", H)
put("activity/no-activity-column.csv", "fuel,quantity,unit\ngas,1,kWh\n")
put("activity/no-quantity-column.csv", "activity,unit\n" + GAS + ",kWh\n")
put("activity/no-unit-column.csv", "activity,quantity\n" + GAS + ",5\n")
put("activity/binary-garbage.csv", bytes((i * 37 + 11) % 256 for i in range(300)))
put("activity/nul-in-quantity.csv", H.encode() + GAS.encode() + b",1\x0000,kWh\n")
put("activity/nul-only.csv", b"\0" * 64)
put("activity/unknown-activity.csv", f"{H}natural gaz,100,kWh\n")
put("activity/unknown-unit.csv", f"{H}{GAS},100,kilowatt-hourz\n")
put("activity/unit-odd-case.csv", f"{H}{GAS},100,KWH\n{GAS},0.1,mwh\n")
put("activity/wrong-dimension.csv", f"{H}{GAS},100,litres\n")
put("activity/empty-unit.csv", f"{H}{GAS},100,\n")
put("activity/empty-activity.csv", f"{H},100,kWh\n")
put("activity/extra-field.csv", f"{H}{GAS},1,234,kWh\n")
put("activity/date-feb-30.csv", "activity,quantity,unit,period\n" + GAS + ",1,kWh,2024-02-30\n")
put("activity/date-month-13.csv", "activity,quantity,unit,period\n" + GAS + ",1,kWh,2024-13\n")
put("activity/date-fy-backwards.csv", "activity,quantity,unit,period\n" + GAS + ",1,kWh,2024/23\n")
put("activity/date-words.csv", "activity,quantity,unit,period\n" + GAS + ",1,kWh,last year\n")
put("activity/market-factor-scope-1.csv", "activity,quantity,unit,market_factor\n" + GAS + ",1,kWh,0.1\n")
put("activity/market-factor-negative.csv", "activity,quantity,unit,market_factor\n7_400_4000_5,1,kWh,-0.1\n")
put("activity/market-factor-junk.csv", "activity,quantity,unit,market_factor\n7_400_4000_5,1,kWh,green\n")
put("activity/overflow.csv", f"{H}7_400_4000_5,79228162514264337593543950335,GWh\n")
put("activity/bom-utf8.csv", "\ufeff" + H + GAS + ",100,kWh\n")
put("activity/crlf.csv", (H + GAS + ",100,kWh\n" + GAS + ",x,kWh\n").replace("\n", "\r\n"))
put("activity/latin1-whole-row.csv", "activity,quantity,unit,site\n".encode() + GAS.encode() + b",100,kWh,H\xf4pital\n" + GAS.encode() + b",y,kWh,H\xf4pital\n")
put("activity/cp1252-quote.csv", "activity,quantity,unit,site\n".encode() + GAS.encode() + b",z,kWh,\x93Main\x94\n")
put("activity/spend-bad-price-year.csv", "activity,amount,price_year\nsic-21,100,1700\n")
put("activity/spend-no-index.csv", "activity,amount,period\nsic-21,100,1990\n")
put("activity/spend-dollar-to-gbp.csv", "activity,amount\nsic-21,$100\n")
put("activity/spend-unknown-currency.csv", "activity,amount,currency\nsic-21,100,EUR\n")
put("activity/spend-pound-on-energy.csv", "activity,amount\n" + GAS + ",£5\n")

# --- factor sets -------------------------------------------------------------------------
SET = """[set]
id = "corpus-set"
publisher = "test"
edition = 2025
title = "corpus"
licence = "test"
gwp = "AR5"
kind = "activity"
"""
F = """
[[factor]]
key = "gas"
scope = "1"
labels = ["Gas"]
unit = "kWh"
kg_co2e = "0.2"
"""
put("factors/not-toml.toml", "[set\nid = corpus\n")
put("factors/empty.toml", "")
put("factors/binary.toml", bytes((i * 53 + 7) % 256 for i in range(200)))
put("factors/utf16.toml", (SET + F).encode("utf-16"))
put("factors/no-set-table.toml", F)
put("factors/no-id.toml", SET.replace('id = "corpus-set"\n', "") + F)
put("factors/duplicate-key.toml", SET + F + F)
put("factors/bad-scope.toml", SET + F.replace('scope = "1"', 'scope = "4"'))
put("factors/negative-factor.toml", SET + F.replace('"0.2"', '"-0.2"'))
put("factors/number-junk.toml", SET + F.replace('"0.2"', '"0,2"'))
put("factors/number-nan.toml", SET + F.replace('"0.2"', '"NaN"'))
put("factors/number-huge.toml", SET + F.replace('"0.2"', '"1e30"'))
put("factors/unknown-unit.toml", SET + F.replace('unit = "kWh"', 'unit = "furlongs"'))
put("factors/scope-3-no-category.toml", SET + F.replace('scope = "1"', 'scope = "3"'))
put("factors/gas-sum.toml", SET + F.replace('"0.2"', '"0.20000"') + 'co2 = "0.10000"\nch4 = "0.01000"\nn2o = "0.01000"\n')
put("factors/link-missing.toml", SET + F + 'upstream = ["nowhere"]\n')
put("factors/link-self.toml", SET + F + 'upstream = ["gas"]\n')
WTT = """
[[factor]]
key = "wtt"
scope = "3"
category = 3
labels = ["WTT"]
unit = "kWh"
kg_co2e = "0.03"
"""
put("factors/link-loop.toml", SET + F + WTT + 'upstream = ["wtt2"]\n' + WTT.replace('"wtt"', '"wtt2"') + 'upstream = ["wtt"]\n')
put("factors/link-scope-1.toml", SET + F + 'upstream = ["oil"]\n' + F.replace('"gas"', '"oil"'))
put("factors/link-wrong-unit.toml", SET + F + 'upstream = ["wtt"]\n' + WTT.replace('unit = "kWh"', 'unit = "litres"'))
put("factors/link-unpublished.toml", SET + F + 'upstream = ["wtt"]\n' + WTT.replace('kg_co2e = "0.03"', "published = false"))
put("factors/spend-not-currency.toml", SET.replace('kind = "activity"', 'kind = "spend"\ncurrency = "GBP"\nprice_year = 2022') + F.replace('scope = "1"', 'scope = "3"\ncategory = 1'))
put("factors/shadow/desnz-2025.toml", (SET + F).replace('id = "corpus-set"', "id = 'desnz-2025'"))
put("factors/twins/a.toml", SET + F)
put("factors/twins/b.toml", (SET + F).replace('id = "corpus-set"', '"id" = "corpus-set" # again'))

# --- alias files -------------------------------------------------------------------------
put("aliases/not-toml.toml", "[[alias]\nname = gas\n")
put("aliases/missing-key.toml", '[[alias]]\nname = "boiler gas"\n')
put("aliases/empty-name.toml", '[[alias]]\nname = ""\nkey = "1_100_1004_6"\n')
put("aliases/binary.toml", bytes((i * 91 + 3) % 256 for i in range(120)))
put("aliases/duplicate-name.toml", '[[alias]]\nname = "boiler gas"\nkey = "1_100_1004_6"\n\n[[alias]]\nname = "Boiler  Gas"\nkey = "1_100_1004_7"\n')
put("aliases/number-key.toml", '[[alias]]\nname = "boiler gas"\nkey = 12\n')
put("aliases/unknown-key.toml", '[[alias]]\nname = "boiler gas"\nkey = "no-such-factor"\n')
put("aliases/activity.csv", H + "boiler gas,100,kWh\n")

# --- run directories ---------------------------------------------------------------------
put("rundir/a.csv", H + GAS + ",100,kWh\n")
put("rundir/manifest-not-json.json", "{ not json")
put("rundir/manifest-empty.json", "")
put("rundir/manifest-wrong-schema.json", '{"schema": "ghg-manifest/99"}')
put("rundir/manifest-latin1.json", b'{"schema": "ghg-manifest/1", "x": "\xe9"}')
put("rundir/manifest-array.json", "[]")
put("rundir/inventory-not-json.json", "{")
put("rundir/ledger-garbage.csv", b"\x00\x01\x02garbage\n")
put("rundir/ledger-forged.csv", "file,line\na.csv,2\n")
put("rundir/stray.txt", "not a run output\n")

# --- activity workbooks ------------------------------------------------------------------
# Written with the standard library (an .xlsx is a zip of XML parts; an .ods a zip with a
# stored mimetype and content.xml), as a spreadsheet saves them.
import io
import zipfile
from xml.sax.saxutils import escape

XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}</Types>'
)
XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>'
)


def zi(name, deflate=True):
    """A zip entry with a fixed date, so the corpus files are the same bytes on every run."""
    i = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    i.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    return i


def col_letters(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx_cell(ref, v):
    """A number, a string, ("err", "#DIV/0!"), ("bool", 1) or None (no cell)."""
    if v is None:
        return ""
    if isinstance(v, tuple) and v[0] == "err":
        return f'<c r="{ref}" t="e"><v>{escape(v[1])}</v></c>'
    if isinstance(v, tuple) and v[0] == "bool":
        return f'<c r="{ref}" t="b"><v>{v[1]}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'


def xlsx(sheets):
    """The bytes of an .xlsx with `sheets`: [(name, rows)]."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zi("[Content_Types].xml"), XLSX_TYPES.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(sheets)))))
        z.writestr(zi("_rels/.rels"), XLSX_RELS)
        z.writestr(zi("xl/workbook.xml"),
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   + "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                             for i, (n, _) in enumerate(sheets))
                   + "</sheets></workbook>")
        z.writestr(zi("xl/_rels/workbook.xml.rels"),
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                             for i in range(len(sheets)))
                   + "</Relationships>")
        for i, (_, rows) in enumerate(sheets):
            body = "".join(
                f'<row r="{r}">' + "".join(xlsx_cell(f"{col_letters(c)}{r}", v) for c, v in enumerate(row, 1)) + "</row>"
                for r, row in enumerate(rows, 1))
            z.writestr(zi(f"xl/worksheets/sheet{i + 1}.xml"),
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                       f"<sheetData>{body}</sheetData></worksheet>")
    return buf.getvalue()


def ods(sheets):
    """The bytes of an .ods (OpenDocument spreadsheet) with `sheets`: [(name, rows)]."""
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v!r}"><text:p>{v!r}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(n)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for n, rows in sheets)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # The mimetype comes first and uncompressed, as the OpenDocument package format asks.
        z.writestr(zi("mimetype", False), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(zi("META-INF/manifest.xml"), manifest)
        z.writestr(zi("content.xml"), content)
    return buf.getvalue()


WH = ["Site", "activity", "quantity", "unit"]
put("workbook/ok.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, 100, "kWh"]])]))
put("workbook/text-number.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, 100, "kWh"], ["RX1", GAS, "12O", "kWh"]])]))
put("workbook/error-cell.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, ("err", "#DIV/0!"), "kWh"]])]))
put("workbook/bool-cell.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, ("bool", 1), "kWh"]])]))
put("workbook/negative.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, -5, "kWh"]])]))
put("workbook/huge.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, 1e30, "kWh"]])]))
put("workbook/unknown-unit.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, 100, "kWhs"]])]))
put("workbook/header-only.xlsx", xlsx([("Energy", [WH])]))
put("workbook/empty-sheet.xlsx", xlsx([("Energy", [])]))
put("workbook/no-activity.xlsx", xlsx([("Energy", [["Site", "fuel", "quantity", "unit"], ["RX1", "gas", 1, "kWh"]])]))
put("workbook/duplicate-header.xlsx", xlsx([("Energy", [["activity", "quantity", "quantity", "unit"], [GAS, 1, 2, "kWh"]])]))
put("workbook/blank-row-between.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, 100, "kWh"], [None], ["RX1", GAS, 50, "kWh"]])]))
put("workbook/gap-in-row.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, None, "kWh"]])]))
put("workbook/two-sheets.xlsx", xlsx([("Notes", [["Prepared by Estates"]]), ("Energy", [WH, ["RX1", GAS, 7, "kWh"]])]))
put("workbook/truncated.xlsx", xlsx([("Energy", [WH, ["RX1", GAS, 100, "kWh"]])])[:300])
plain = io.BytesIO()
with zipfile.ZipFile(plain, "w") as z:
    z.writestr(zi("readme.txt"), "not a workbook")
put("workbook/plain-zip.xlsx", plain.getvalue())
put("workbook/csv-named-xlsx.xlsx", f"{H}{GAS},100,kWh\n")
put("workbook/ok.ods", ods([("Energy", [WH, ["RX1", GAS, 100, "kWh"]])]))
put("workbook/text-number.ods", ods([("Energy", [WH, ["RX1", GAS, 100, "kWh"], ["RX1", GAS, "1,0,0", "kWh"]])]))
put("workbook/header-only.ods", ods([("Energy", [WH])]))
put("workbook/truncated.ods", ods([("Energy", [WH, ["RX1", GAS, 100, "kWh"]])])[:200])

# --- ERIC returns (ghg import eric) ------------------------------------------------------
# Cut from the checked-in fixture of Royal Cornwall's 2016-17 site return.
with open(os.path.join(ROOT, "..", "fixtures", "eric", "eric_2016-17_site_REF.csv"), encoding="utf-8", newline="") as f:
    ERIC = f.read()
ERIC_LINES = ERIC.split("\n")
ERIC_HEAD = ERIC_LINES[0].split(",")
# Column 58 (from 1) is "Electricity consumed (kWh)"; line 3 is site REF01.
ELEC = ERIC_HEAD.index("Electricity consumed (kWh)")


def eric_cell(value, line=3, col=ELEC):
    lines = list(ERIC_LINES)
    cells = lines[line - 1].split(",")
    cells[col] = value
    lines[line - 1] = ",".join(cells)
    return "\n".join(lines)


put("eric/cut-in-last-row.csv", ERIC.encode()[:-300])
put("eric/cut-in-header.csv", ERIC.encode()[:3000])
put("eric/empty.csv", "")
put("eric/header-only.csv", ERIC_LINES[0] + "\n")
put("eric/wrong-layout.csv", "Site,Gas (kWh),Electricity (kWh)\nRX1,100,200\n")
put("eric/bad-number.csv", eric_cell("12O4"))
put("eric/european-number.csv", eric_cell('"1.234,5"'))
put("eric/negative.csv", eric_cell("-976350"))
put("eric/not-applicable.csv", eric_cell("Not Applicable"))
put("eric/bom.csv", "\ufeff" + ERIC)
put("eric/utf16.csv", ERIC.encode("utf-16"))
put("eric/windows-1252.csv", ERIC.encode("cp1252"))
put("eric/short-row.csv", "\n".join(ERIC_LINES[:2] + [",".join(ERIC_LINES[2].split(",")[:10])] + ERIC_LINES[3:]))
put("eric/duplicate-site.csv", "\n".join(ERIC_LINES[:3] + [ERIC_LINES[2]] + ERIC_LINES[3:]))
put("eric/nul-byte.csv", eric_cell("97\x006350"))
put("eric/binary.csv", bytes((i * 41 + 5) % 256 for i in range(400)))

# --- trajectory plans (ghg trajectory --plan) ---------------------------------------------
PLAN = """name = "corpus plan"
to = "2030/31"

[[slice]]
name = "all"
baseline_kg = "1000"
growth_pct = "1"

[[intervention]]
name = "LED"
slice = "all"
start = "2021/22"
ramp_years = 2
reduction_pct = "10"
"""
put("plan/ok.toml", PLAN)
put("plan/not-toml.toml", 'name = "corpus plan\n[[slice]\n')
put("plan/empty.toml", "")
put("plan/binary.toml", bytes((i * 29 + 1) % 256 for i in range(200)))
put("plan/utf16.toml", PLAN.encode("utf-16"))
put("plan/latin1.toml", PLAN.replace("corpus plan", "Sant\u00e9").encode("latin-1"))
put("plan/unknown-key.toml", PLAN.replace("growth_pct", "growht_pct"))
put("plan/unknown-top-key.toml", "colour = \"green\"\n" + PLAN)
put("plan/duplicate-key.toml", PLAN.replace('to = "2030/31"', 'to = "2030/31"\nto = "2035/36"'))
put("plan/year-backwards.toml", PLAN.replace('"2021/22"', '"2021/20"'))
put("plan/year-two-digits.toml", PLAN.replace('"2021/22"', '"21"'))
put("plan/year-1800.toml", PLAN.replace('"2021/22"', '"1800/01"'))
put("plan/year-9999.toml", PLAN.replace('"2030/31"', '"9999/00"'))
put("plan/to-before-base.toml", PLAN.replace('"2030/31"', '"2010/11"'))
put("plan/reduction-negative.toml", PLAN.replace('"10"', '"-10"'))
put("plan/reduction-over-100.toml", PLAN.replace('"10"', '"150"'))
put("plan/growth-minus-150.toml", PLAN.replace('growth_pct = "1"', 'growth_pct = "-150"'))
put("plan/growth-1e30.toml", PLAN.replace('growth_pct = "1"', 'growth_pct = "1e30"'))
put("plan/growth-float.toml", PLAN.replace('growth_pct = "1"', "growth_pct = 1.5"))
put("plan/growth-nan.toml", PLAN.replace('growth_pct = "1"', 'growth_pct = "NaN"'))
put("plan/ramp-negative.toml", PLAN.replace("ramp_years = 2", "ramp_years = -2"))
put("plan/ramp-huge.toml", PLAN.replace("ramp_years = 2", "ramp_years = 100000000000"))
put("plan/baseline-negative.toml", PLAN.replace('baseline_kg = "1000"', 'baseline_kg = "-5"'))
put("plan/baseline-missing.toml", PLAN.replace('baseline_kg = "1000"\n', ""))
put("plan/unknown-slice.toml", PLAN.replace('slice = "all"', 'slice = "nope"'))
put("plan/duplicate-slice.toml", PLAN + '\n[[slice]]\nname = "all"\nbaseline_kg = "1"\n')
put("plan/target-negative.toml", PLAN + '\n[[target]]\nname = "board"\npoints = [{ year = "2025/26", pct_of_baseline = "-5" }]\n')
put("plan/capex-negative.toml", PLAN.replace("ramp_years = 2", 'capex_gbp = "-5"'))
put("plan/cost-no-price-year.toml", PLAN.replace("ramp_years = 2", "capex_gbp = 5\nlifetime_years = 10"))
put("plan/discount-negative.toml", 'discount_rate_pct = "-100"\n' + PLAN)

# --- supplier registers (ghg inventory --suppliers) ----------------------------------------
REG_H = "supplier_id,name,companies_house,postcode,local_authority,sme,vcse,crp,crp_date,crp_url,scope_1_tco2e,scope_2_tco2e,scope_3_upstream_tco2e,reporting_year,revenue_gbp\n"
REG_S1 = "S1,Kernow Medical Ltd,01234567,TR1 3LJ,,no,no,full,2024-03-31,https://kernow.example/crp.pdf,100,50,350,2023,2000000\n"
put("supply/spend.csv", "activity,amount,currency,price_year,supplier,ref\nsic-32,1217,GBP,2022,Kernow Medical Ltd,PO-1\n")
put("supply/ok.csv", REG_H + REG_S1)
put("supply/empty.csv", "")
put("supply/header-only.csv", REG_H)
put("supply/binary.csv", bytes((i * 67 + 9) % 256 for i in range(300)))
put("supply/utf16.csv", (REG_H + REG_S1).encode("utf-16"))
put("supply/latin1.csv", (REG_H + REG_S1.replace("Kernow", "K\u00e9rnow")).encode("latin-1"))
put("supply/duplicate-id.csv", REG_H + REG_S1 + REG_S1)
put("supply/duplicate-id-case.csv", REG_H + REG_S1 + REG_S1.replace("S1,", "s1 ,", 1))
put("supply/duplicate-name.csv", REG_H + REG_S1 + "S2,Kernow  Medical Ltd,,,,no,no,none,,,,,,,\n")
put("supply/duplicate-column.csv", REG_H.rstrip("\n") + ",sme\n" + REG_S1.rstrip("\n") + ",no\n")
put("supply/missing-column.csv", REG_H.replace("crp,", "") + REG_S1.replace("full,", ""))
put("supply/number-letter-o.csv", REG_H + REG_S1.replace(",100,50,", ",1OO,50,"))
put("supply/number-negative.csv", REG_H + REG_S1.replace(",100,50,", ",-100,50,"))
put("supply/number-1e30.csv", REG_H + REG_S1.replace(",100,50,", ",1e30,50,"))
put("supply/number-nan.csv", REG_H + REG_S1.replace(",100,50,", ",NaN,50,"))
put("supply/revenue-with-currency.csv", REG_H + REG_S1.replace(",2000000", ",2000000 EUR"))
put("supply/revenue-zero.csv", REG_H + REG_S1.replace(",2000000", ",0"))
put("supply/unit-kg-column.csv", REG_H.replace("scope_1_tco2e", "scope_1_kgco2e") + REG_S1)
put("supply/unit-usd-column.csv", REG_H.replace("revenue_gbp", "revenue_usd") + REG_S1)
put("supply/scope-1-without-2.csv", REG_H + REG_S1.replace(",100,50,", ",100,,"))
put("supply/year-1800.csv", REG_H + REG_S1.replace(",2023,", ",1800,"))
put("supply/yes-no.csv", REG_H + REG_S1.replace(",no,no,", ",maybe,no,"))
put("supply/crp-status.csv", REG_H + REG_S1.replace(",full,", ",fullish,"))
put("supply/crp-date.csv", REG_H + REG_S1.replace("2024-03-31", "2024-02-30"))
put("supply/extra-cell.csv", REG_H + REG_S1.replace("TR1 3LJ", "TR1 3LJ,Truro"))
put("supply/open-quote.csv", REG_H + REG_S1.replace(",Kernow", ',"Kernow') + "S2,Tamar,,,,no,no,none,,,,,,,\n")
put("supply/blank-id.csv", REG_H + REG_S1.replace("S1,", ",", 1))
put("supply/postcode-euro.csv", REG_H + REG_S1.replace("TR1 3LJ", "TR1 \u20acA"))
put("supply/postcode-address.csv", REG_H + REG_S1.replace("TR1 3LJ", "\"1 High St, Truro TR1 3LJ\""))
put("supply/local-area.toml", 'local_authorities = ["Cornwall"]\npostcode_areas = ["TR"]\n')
put("supply/local-area-utf16.toml", 'local_authorities = ["Cornwall"]\npostcode_areas = ["TR"]\n'.encode("utf-16"))
put("supply/local-area-latin1.toml", 'local_authorities = ["Cornwall"]\n# Penzance caf\u00e9\npostcode_areas = ["TR"]\n'.encode("latin-1"))
put("supply/spend-by-id.csv", "activity,amount,currency,price_year,supplier,ref\nsic-32,1217,GBP,2022,S1,PO-1\n")
put("supply/trailing-empty-cells.csv", REG_H + REG_S1.rstrip("\n") + ",,\n")
put("supply/optional-cells-left-off.csv", REG_H + REG_S1 + "S2,Tamar Pharma,,,,no,no,none\n")
