//! Many inputs in one run: files and glob patterns, read in parallel, file and line kept.

use crate::util::Session;

#[test]
fn a_glob_pattern_reads_every_matching_file_in_name_order() {
    let s = Session::new();
    s.write(
        "trust/b.csv",
        "activity,quantity,unit\n1_100_1004_6,1000,kWh\nnope,1,kWh\n",
    );
    s.write(
        "trust/a.csv",
        "activity,quantity,unit\n1_100_1004_6,500,kWh\n",
    );
    s.write("trust/notes.txt", "not an input\n");
    let by_glob = s.ghg(&[
        "inventory",
        "--factors",
        "desnz-2025",
        "--no-upstream",
        "--format",
        "json",
        "trust/*.csv",
    ]);
    assert_eq!(by_glob.code, 1, "{}", by_glob.stderr);
    let j = by_glob.json();
    assert_eq!(j["rows"]["read"], 3);
    // 1,500 kWh x 0.18296 kg per kWh.
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "274.44");
    // The reject names its file and line.
    assert!(
        by_glob.stderr.contains("trust/b.csv:3:1"),
        "{}",
        by_glob.stderr
    );
    let listed = s.ghg(&[
        "inventory",
        "--factors",
        "desnz-2025",
        "--no-upstream",
        "--format",
        "json",
        "trust/a.csv",
        "trust/b.csv",
    ]);
    assert_eq!(by_glob.stdout, listed.stdout);
    // Standard error is not a terminal here: no progress bar, with or without --quiet.
    assert!(!by_glob.stderr.contains("MiB"), "{}", by_glob.stderr);
    let quiet = s.ghg(&[
        "inventory",
        "-q",
        "--factors",
        "desnz-2025",
        "--no-upstream",
        "--format",
        "json",
        "trust/*.csv",
    ]);
    assert_eq!(quiet.stdout, listed.stdout);

    let none = s.ghg(&["inventory", "--factors", "desnz-2025", "nowhere/*.csv"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr
            .contains("nowhere/*.csv: no file matches this pattern"),
        "{}",
        none.stderr
    );
}
