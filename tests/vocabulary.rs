//! The shipped vocabulary of everyday names (factors/aliases.toml): every word an NHS
//! sustainability manager types resolves, in every DESNZ edition 2016-2025 and every NHS SDU
//! set, to the factor chosen for it; where a publisher has no such factor the row is refused
//! with that reason, never priced by another factor.

use ghg::cli::inventory::load_aliases;
use ghg::engine::Resolver;
use ghg::factors::Catalog;

/// Word, unit as a user writes it, DESNZ key, SDU key (`None`: the SDU publishes none).
const WORDS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "Gas",
        "kWh",
        "1_100_1004_6",
        Some("gaseous-fuels/natural-gas"),
    ),
    (
        "Mains gas",
        "kWh",
        "1_100_1004_6",
        Some("gaseous-fuels/natural-gas"),
    ),
    (
        "Grid electricity",
        "kWh",
        "7_400_4000_5",
        Some("electricity-generated/electricity-uk"),
    ),
    (
        "electricity",
        "kWh",
        "7_400_4000_5",
        Some("electricity-generated/electricity-uk"),
    ),
    ("Oil", "kWh", "1_101_1014_6", Some("liquid-fuels/fuel-oil")),
    (
        "Heating oil",
        "kWh",
        "1_101_1010_6",
        Some("liquid-fuels/fuel-oil"),
    ),
    (
        "Kerosene",
        "kWh",
        "1_101_1010_6",
        Some("liquid-fuels/fuel-oil"),
    ),
    ("Biomass", "kWh", "2_104_1044_5", Some("biomass/wood-chips")),
    (
        "Water",
        "m3",
        "17_404_4005_1",
        Some("water-supply/water-supply"),
    ),
    (
        "Sewerage",
        "m3",
        "18_405_4006_1",
        Some("water-treatment/water-treatment"),
    ),
    (
        "Clinical waste",
        "tonnes",
        "20_507_5311_15",
        Some("clinical-waste/clinical-waste"),
    ),
    (
        "Offensive waste",
        "tonnes",
        "20_507_5311_15",
        Some("disposal-method/combustion-with-energy-recovery"),
    ),
    (
        "recycling",
        "tonnes",
        "20_506_5450_15",
        Some("waste-recycling/most-common-factor"),
    ),
    (
        "Business mileage",
        "miles",
        "25_301_3074_9",
        Some("cars-by-size/car-average-size"),
    ),
    (
        "Grey fleet",
        "miles",
        "25_301_3074_9",
        Some("cars-by-size/car-average-size"),
    ),
    (
        "Electric car",
        "km",
        "25_301_3076_4",
        Some("battery-ev/average-car"),
    ),
    ("Hotel", "room per night", "29_600_4000_13", None),
];

/// Rail: DESNZ counts passenger.km, the SDU sets km.
const RAIL: &[&str] = &["Rail", "Train"];

fn resolver(catalog: &Catalog, id: &str) -> Resolver {
    let mut r = Resolver::single(catalog.load(id).unwrap());
    r.aliases = load_aliases(None).unwrap();
    r
}

fn key_of(r: &Resolver, word: &str, unit: &str) -> Result<String, String> {
    r.resolve(0, word, unit)
        .map(|res| r.factor(res.primary.factor).key.clone())
        .map_err(|e| e.reason)
}

#[test]
fn every_everyday_word_resolves_in_every_desnz_edition() {
    let catalog = Catalog::discover(&[]).unwrap();
    for year in 2016..=2025 {
        let id = format!("desnz-{year}");
        let r = resolver(&catalog, &id);
        for (word, unit, key, _) in WORDS {
            let got = key_of(&r, word, unit);
            let unpublished = year == 2016 && matches!(*word, "Hotel" | "Electric car");
            if unpublished {
                let e = got.unwrap_err();
                assert!(
                    e.contains(&format!("alias {:?} stands for", word)) && e.contains(&id),
                    "{id} {word}: {e}"
                );
            } else {
                assert_eq!(got.as_deref(), Ok(*key), "{id} {word}");
            }
        }
        for word in RAIL {
            assert_eq!(
                key_of(&r, word, "passenger.km").as_deref(),
                Ok("25_315_3147_11"),
                "{id} {word}"
            );
        }
    }
}

#[test]
fn every_everyday_word_resolves_in_every_sdu_set() {
    let catalog = Catalog::discover(&[]).unwrap();
    let ids: Vec<String> = catalog
        .entries()
        .iter()
        .filter(|e| e.id.starts_with("nhs-sdu-"))
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(ids.len(), 14);
    for id in &ids {
        let r = resolver(&catalog, id);
        for (word, unit, _, sdu) in WORDS {
            let got = key_of(&r, word, unit);
            match sdu {
                Some(key) => assert_eq!(got.as_deref(), Ok(*key), "{id} {word}"),
                None => {
                    let e = got.unwrap_err();
                    assert!(e.contains("ghg factors aliases hotel"), "{id} {word}: {e}");
                }
            }
        }
        for word in RAIL {
            assert_eq!(
                key_of(&r, word, "km").as_deref(),
                Ok("rail/national-rail"),
                "{id} {word}"
            );
        }
    }
}

#[test]
fn an_alias_takes_the_factor_in_the_rows_unit() {
    let catalog = Catalog::discover(&[]).unwrap();
    let r = resolver(&catalog, "desnz-2025");
    assert_eq!(key_of(&r, "Gas", "m3").as_deref(), Ok("1_100_1004_1"));
    assert_eq!(key_of(&r, "gas", "MWh").as_deref(), Ok("1_100_1004_6"));
    assert_eq!(key_of(&r, "Oil", "litres").as_deref(), Ok("1_101_1014_8"));
    assert_eq!(
        key_of(&r, "Heating oil", "litres").as_deref(),
        Ok("1_101_1010_8")
    );
    assert_eq!(
        key_of(&r, "Biomass", "tonnes").as_deref(),
        Ok("2_104_1044_15")
    );
    assert_eq!(
        key_of(&r, "Grey fleet", "km").as_deref(),
        Ok("25_301_3074_4")
    );
    assert_eq!(
        key_of(&r, "Electric car", "miles").as_deref(),
        Ok("25_301_3076_9")
    );
}

#[test]
fn suggestions_come_from_the_labels_of_the_set_in_use() {
    let catalog = Catalog::discover(&[]).unwrap();
    let r = resolver(&catalog, "desnz-2025");
    let e = key_of(&r, "Water usage", "m3").unwrap_err();
    assert!(e.contains("17_404_4005_1 Water supply"), "{e}");
    assert!(e.contains("18_405_4006_1"), "{e}");
    assert!(e.contains("ghg factors show desnz-2025 WORDS"), "{e}");
    assert!(
        e.ends_with("map your own names with --aliases FILE ([[alias]] tables with name and key)"),
        "{e}"
    );
    let e = key_of(&r, "Gass", "kWh").unwrap_err();
    assert!(
        e.contains("did you mean \"gas\" (1_100_1004_6 Fuels > Gaseous fuels > Natural gas"),
        "{e}"
    );
    // Spelling alone never suggests a different fuel.
    assert!(!e.contains("bus"), "{e}");
    let e = key_of(&r, "Oyl", "litres").unwrap_err();
    assert!(!e.contains("coal"), "{e}");
    // The SDU sets are searched by their own labels.
    let r = resolver(&catalog, "nhs-sdu-2020-21");
    let e = key_of(&r, "Desflurane gas", "litres").unwrap_err();
    assert!(e.contains("anaesthetic-gases/desflurane"), "{e}");
}
