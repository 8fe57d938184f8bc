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
            .starts_with("anaesthetic-gases/desflurane 3721.1 kg CO2e per litre"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("source value 3.7211 t CO2e per litre"));

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
            "--spend-factors",
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
