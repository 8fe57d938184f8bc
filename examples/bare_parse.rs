//! The ceiling the engine is measured against: one thread reading every record of a CSV file
//! with `csv`'s `ByteRecord` loop and nothing else. Prints the record count and the time.
//!
//! ```text
//! cargo run --release --example bare_parse -- /tmp/rows-1m.csv
//! ```

fn main() {
    let path = std::env::args().nth(1).expect("usage: bare_parse FILE.csv");
    let start = std::time::Instant::now();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(&path)
        .expect("open the file");
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    while rdr.read_byte_record(&mut rec).expect("read a record") {
        n += 1;
    }
    println!("{n} records in {:.3} s", start.elapsed().as_secs_f64());
}
