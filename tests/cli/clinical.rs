//! Anaesthetic gases and inhalers: the SDU's anaesthetic rows in kg, the clinical factor set,
//! and `--gwp`.

use crate::util::Session;

/// The NHS SDU file gives its anaesthetic-gas rows in tonnes CO2e per litre; the shipped sets
/// carry kg. Desflurane: 1.465 kg/L x GWP 2540 = 3,721.1 kg CO2e per litre of liquid.
#[test]
fn sdu_desflurane_is_3721_kg_per_litre_not_3_7() {
    let s = Session::new();
    let run = s.ghg(&["factors", "show", "nhs-sdu-2016-17", "desflurane"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("anaesthetic-gases/desflurane 3721.1 kg CO2e per litre\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("source value 3.7211 t CO2e per litre"));
    let run = s.ghg(&["factors", "show", "nhs-clinical", "desflurane/bottle-250ml"]);
    assert!(
        run.stdout.starts_with(
            "desflurane/bottle-250ml 655.5875 kg CO2e per item\n  set       nhs-clinical"
        ),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("  gwp       desflurane x GWP100 1790 (AR5); --gwp recomputes it\n"));

    // Every anaesthetic row of every year is 1,000 times the file's figure: a run over the
    // five of 2016/17 and of 2007/08 (the file gives the same figures in every year).
    s.write(
        "gases.csv",
        "activity,quantity,unit\n\
         anaesthetic-gases/desflurane,0.25,litres\n\
         anaesthetic-gases/isoflurane,0.25,litres\n\
         anaesthetic-gases/sevoflurane,0.25,litres\n\
         anaesthetic-gases/nitrous-oxide,1000,litres\n\
         anaesthetic-gases/nitrous-oxide-with-oxygen-50-50-split,1000,litres\n",
    );
    for set in ["nhs-sdu-2016-17", "nhs-sdu-2007-08"] {
        let run = s.ghg(&[
            "inventory",
            "gases.csv",
            "--factors",
            set,
            "--fallback-factors",
            "none",
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let t = &run.json()["totals_kg_co2e"];
        // 0.25 L x (3721.1 + 762.96 + 197.86) + 1,000 L x (0.559 + 0.278)
        // = 930.275 + 190.74 + 49.465 + 559 + 278
        assert_eq!(t["scope_1"], "2007.48", "{set}");
        assert_eq!(t["scope_3"], "0", "{set}");
    }
}

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A trust's theatre and pharmacy month: one 250 mL bottle of desflurane, 1,000 litres of
/// nitrous oxide gas, one Ventolin Evohaler (BNF 0301011R0BEAIAP).
const CLINICAL: &str = "activity,quantity,unit\n\
                        desflurane,1,bottle\n\
                        nitrous oxide,1000,litres\n\
                        0301011R0BEAIAP,1,inhaler\n";

fn run_json(s: &Session, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["inventory", "clinical.csv", "--format", "json"];
    args.extend_from_slice(extra);
    let run = s.ghg(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

/// 1,000 litres of N2O gas on GWP `gwp`: the SDU's 0.559 kg CO2e per litre at GWP 298
/// (0.000559 t in its file) rebased, x gwp / 298, at 20 decimal places.
fn n2o_per_litre(gwp: i64) -> Decimal {
    (d("0.559") * Decimal::from(gwp) / Decimal::from(298))
        .round_dp_with_strategy(20, RoundingStrategy::MidpointAwayFromZero)
}

#[test]
fn a_bottle_of_desflurane_nitrous_oxide_gas_and_a_ventolin_evohaler() {
    let s = Session::new();
    s.write("clinical.csv", CLINICAL);
    let j = run_json(&s, &[]);
    assert_eq!(j["rows"]["used"], 3);
    // Desflurane: 0.25 L x 1.465 kg/L (SDU 3.7211 t per litre / GWP 2540) = 0.36625 kg,
    // x GWP100 1790 (IPCC AR5) = 655.5875 kg CO2e.
    let desflurane = d("0.25") * d("1.465") * d("1790");
    assert_eq!(desflurane, d("655.5875"));
    let n2o = Decimal::from(1000) * n2o_per_litre(265);
    let t = &j["totals_kg_co2e"];
    assert_eq!(
        t["scope_1"].as_str().unwrap(),
        (desflurane + n2o).normalize().to_string()
    );
    assert_eq!(t["scope_1"], "1152.68481543624161074");
    // Ventolin 100micrograms/dose Evohaler: 28.26 kg CO2e per inhaler (OpenPrescribing).
    assert_eq!(t["scope_3_categories_kg_co2e"]["1"], "28.26");
    assert_eq!(t["scope_3"], "28.26");
    let sets: Vec<&str> = j["factor_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(sets, ["nhs-clinical"]);
}

#[test]
fn gwp_ar6_recomputes_desflurane_on_2590_and_says_so() {
    let s = Session::new();
    s.write("clinical.csv", CLINICAL);
    let j = run_json(&s, &["--gwp", "ar6"]);
    // 0.36625 kg x GWP100 2590 (IPCC AR6) = 948.5875; N2O on AR6 273; Ventolin as published.
    let desflurane = d("0.36625") * d("2590");
    assert_eq!(desflurane, d("948.5875"));
    let n2o = (Decimal::from(1000) * n2o_per_litre(265) * Decimal::from(273) / Decimal::from(265))
        .round_dp_with_strategy(17, RoundingStrategy::MidpointAwayFromZero);
    let t = &j["totals_kg_co2e"];
    assert_eq!(
        t["scope_1"].as_str().unwrap(),
        (desflurane + n2o).normalize().to_string()
    );
    assert_eq!(t["scope_3"], "28.26");
    let notes: Vec<&str> = j["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let note = notes
        .iter()
        .find(|n| n.starts_with("--gwp ar6: nhs-clinical:"))
        .unwrap_or_else(|| panic!("{notes:?}"));
    assert!(
        note.contains("desflurane recomputed from AR5 GWP 1790 to AR6 GWP 2590"),
        "{note}"
    );
    assert!(
        note.contains("18 factors published only as CO2e keep the basis they were published on"),
        "{note}"
    );
    assert!(j["factor_sets"][0]["title"]
        .as_str()
        .unwrap()
        .ends_with("(GWP100 recomputed on AR6)"));
}

#[test]
fn the_unit_picks_the_factor_of_an_agent() {
    let s = Session::new();
    // 250 mL, 0.25 litres, 0.36625 kg and one bottle are the same desflurane.
    s.write(
        "clinical.csv",
        "activity,quantity,unit\n\
         desflurane,250,mL\n\
         desflurane,0.25,litres\n\
         desflurane,0.36625,kg\n\
         desflurane,1,bottles\n\
         desflurane/bottle-250ml,1,items\n",
    );
    let j = run_json(&s, &[]);
    assert_eq!(j["rows"]["used"], 5);
    assert_eq!(
        j["totals_kg_co2e"]["scope_1"].as_str().unwrap(),
        (Decimal::from(5) * d("655.5875")).normalize().to_string()
    );
    // Sevoflurane has no AR4 GWP: kept on AR5 and said so.
    s.write(
        "clinical.csv",
        "activity,quantity,unit\nsevoflurane,1,kg\nisoflurane,1,kg\n",
    );
    let j = run_json(&s, &["--gwp", "ar4"]);
    // Sevoflurane 216 (AR5, kept) + isoflurane 350 (AR4).
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "566");
    let notes = j["notes"].to_string();
    assert!(
        notes.contains("sevoflurane kept on AR5: no AR4 value"),
        "{notes}"
    );
}

#[test]
fn inhaler_classes_are_recomputed_and_a_bad_basis_is_refused() {
    let s = Session::new();
    s.write(
        "clinical.csv",
        "activity,quantity,unit\ninhaler-class/large-volume-saba,10,inhalers\n",
    );
    // Wilkinson et al. 2019: 25,260 g CO2e per large-volume SABA (HFA-134a at 1300, AR5).
    let j = run_json(&s, &[]);
    assert_eq!(j["totals_kg_co2e"]["scope_3"], "252.6");
    // On AR6 HFA-134a is 1530: 25.26 x 1530 / 1300 = 29.729076923... kg per inhaler, a
    // quotient that does not terminate, kept to 20 decimal places.
    let j = run_json(&s, &["--gwp", "ar6"]);
    let per_inhaler = (d("25.26") * d("1530") / d("1300"))
        .round_dp_with_strategy(20, RoundingStrategy::MidpointAwayFromZero);
    assert_eq!(per_inhaler, d("29.72907692307692307692"));
    assert_eq!(
        j["totals_kg_co2e"]["scope_3"].as_str().unwrap(),
        (Decimal::from(10) * per_inhaler).normalize().to_string()
    );
    // "ML" is megalitres on a water bill as often as millilitres: refused, with the way out.
    s.write("ml.csv", "activity,quantity,unit\ndesflurane,250,ML\n");
    let run = s.ghg(&["inventory", "ml.csv"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "ml.csv:2:3: unit \"ML\" is ambiguous; write mL for millilitres or \"million litres\""
        ),
        "{}",
        run.stderr
    );
    let run = s.ghg(&["inventory", "clinical.csv", "--gwp", "ar3"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("\"ar3\" is not a GWP basis; expected ar4, ar5 or ar6"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_gwp_run_is_recorded_and_verifies() {
    let s = Session::new();
    s.write("clinical.csv", CLINICAL);
    let run = s.ghg(&["inventory", "clinical.csv", "--gwp", "ar6", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m: serde_json::Value = serde_json::from_str(&s.read("out/manifest.json")).unwrap();
    assert_eq!(m["options"]["gwp"], "ar6");
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    // The ledger's factor differs from the file's: explain says why.
    let e = s.ghg(&["explain", "out", "--line", "clinical.csv:2"]);
    assert_eq!(e.code, 0, "{}{}", e.stdout, e.stderr);
    assert!(
        e.stdout.contains(
            "desflurane/bottle-250ml = 948.5875 kg CO2e per items\n\
             \x20            Anaesthetic gases > Desflurane > per 250 mL bottle\n\
             \x20            defined at factors/clinical/nhs-clinical.toml:49\n\
             \x20            GWP100 recomputed by --gwp ar6: desflurane 2590 (AR6); the file has 1790 (AR5)\n"
        ),
        "{}",
        e.stdout
    );
}

/// A user's refrigerant set that records its gas is recomputed too; the DESNZ sets publish
/// CO2e only, so their refrigerants keep the edition's basis, and the note says so.
#[test]
fn a_refrigerant_that_records_its_gas_follows_gwp_and_desnz_keeps_its_basis() {
    let s = Session::new();
    s.write(
        "mine/fgas.toml",
        "[set]\nid = \"my-fgas\"\npublisher = \"Trust estates\"\nedition = 2024\n\
         title = \"Chiller refrigerants\"\nlicence = \"own data\"\ngwp = \"AR5\"\n\n\
         [[factor]]\nkey = \"hfc-134a/kg\"\nscope = \"1\"\nunit = \"kg\"\nkg_co2e = \"1300\"\n\
         gwp_gas = \"HFC-134a\"\ngwp_value = \"1300\"\ngwp_basis = \"AR5\"\n",
    );
    s.write(
        "clinical.csv",
        "activity,quantity,unit\nhfc-134a/kg,6.2,kg\n",
    );
    let j = run_json(
        &s,
        &[
            "--factors-dir",
            "mine",
            "--factors",
            "my-fgas",
            "--gwp",
            "ar6",
        ],
    );
    // 6.2 kg x GWP100 1530 (AR6).
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "9486");
    s.write(
        "clinical.csv",
        "activity,quantity,unit\nrefrigerant hfc-134a,6.2,kg\n",
    );
    let j = run_json(&s, &["--factors", "desnz-2024", "--gwp", "ar6"]);
    // DESNZ 2024 publishes HFC-134a as 1300 kg CO2e per kg (AR5) and records no gas: kept.
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "8060");
    let notes = j["notes"].to_string();
    assert!(
        notes.contains(
            "--gwp ar6: desnz-2024: 2616 factors published only as CO2e keep the basis they were \
             published on (the set's gwp: AR5)"
        ),
        "{notes}"
    );
}
