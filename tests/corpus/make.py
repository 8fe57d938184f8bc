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
