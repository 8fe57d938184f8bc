//! Units of measure shared by factor sets and activity data, and exact conversion between
//! them. Every conversion is a ratio of two exact decimals (a GJ is 2500/9 kWh), so a
//! quantity moves between units with one division at the very end, at a named scale.

use rust_decimal::Decimal;
use std::fmt;

/// What a unit measures; only units of the same dimension convert into each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Energy, base kWh.
    Energy,
    /// Volume, base litres.
    Volume,
    /// Mass, base kg.
    Mass,
    /// Distance, base km.
    Distance,
    /// Passenger distance, base passenger.km.
    PassengerDistance,
    /// Freight distance, base tonne.km.
    FreightDistance,
    /// Vehicle distance, base vehicle.km.
    VehicleDistance,
    /// Hotel nights, base room-nights.
    RoomNight,
    /// Home-working hours, base FTE hours.
    FteHour,
    /// Money in pounds sterling, base GBP.
    Gbp,
    /// Money in US dollars, base USD.
    Usd,
    /// A count of items (devices, bottles, units).
    Count,
}

impl Dimension {
    /// The base unit's name.
    pub fn base_name(self) -> &'static str {
        match self {
            Dimension::Energy => "kWh",
            Dimension::Volume => "litres",
            Dimension::Mass => "kg",
            Dimension::Distance => "km",
            Dimension::PassengerDistance => "passenger.km",
            Dimension::FreightDistance => "tonne.km",
            Dimension::VehicleDistance => "vehicle.km",
            Dimension::RoomNight => "room-nights",
            Dimension::FteHour => "FTE hours",
            Dimension::Gbp => "GBP",
            Dimension::Usd => "USD",
            Dimension::Count => "items",
        }
    }
}

/// The calorific-value basis of an energy quantity of a fuel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CvBasis {
    /// Gross (higher) calorific value, as UK gas bills are.
    Gross,
    /// Net (lower) calorific value.
    Net,
}

/// A known unit: its canonical name, dimension, size in the base unit, and CV basis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unit {
    /// Canonical spelling, as written to factor sets and ledgers.
    pub name: &'static str,
    /// What it measures.
    pub dimension: Dimension,
    /// Size in base units is `num / den`.
    pub num: Decimal,
    /// See `num`.
    pub den: Decimal,
    /// For energy: the calorific-value basis the unit states, if any.
    pub basis: Option<CvBasis>,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

const fn dec(n: i64, scale: u32) -> Decimal {
    Decimal::from_parts(n as u32, (n >> 32) as u32, 0, n < 0, scale)
}

struct Spec {
    name: &'static str,
    aliases: &'static [&'static str],
    dimension: Dimension,
    num: Decimal,
    den: Decimal,
}

const ONE: Decimal = dec(1, 0);

// Sizes are definitions, not measurements: the international mile is 1.609344 km, the UK
// gallon 4.54609 litres (Weights and Measures Act 1985), the therm 105,505,585.257348 J
// (Units of Measurement Regulations 1995), and a kWh 3.6 MJ.
const SPECS: &[Spec] = &[
    Spec {
        name: "kWh",
        aliases: &["kwh", "kilowatt hours", "kilowatt-hours"],
        dimension: Dimension::Energy,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "MWh",
        aliases: &["mwh", "megawatt hours"],
        dimension: Dimension::Energy,
        num: dec(1000, 0),
        den: ONE,
    },
    Spec {
        name: "GWh",
        aliases: &["gwh", "gigawatt hours"],
        dimension: Dimension::Energy,
        num: dec(1_000_000, 0),
        den: ONE,
    },
    Spec {
        name: "MJ",
        aliases: &["mj", "megajoules"],
        dimension: Dimension::Energy,
        num: dec(10, 0),
        den: dec(36, 0),
    },
    Spec {
        name: "GJ",
        aliases: &["gj", "gigajoules"],
        dimension: Dimension::Energy,
        num: dec(10_000, 0),
        den: dec(36, 0),
    },
    Spec {
        name: "therms",
        aliases: &["therm", "thm"],
        dimension: Dimension::Energy,
        num: dec(105_505_585_257_348, 6),
        den: dec(3_600_000, 0),
    },
    Spec {
        name: "litres",
        aliases: &["litre", "liters", "liter", "l", "ltr", "ltrs"],
        dimension: Dimension::Volume,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "mL",
        aliases: &["millilitres", "millilitre", "milliliters", "milliliter"],
        dimension: Dimension::Volume,
        num: dec(1, 3),
        den: ONE,
    },
    Spec {
        name: "cubic metres",
        aliases: &[
            "m3",
            "m³",
            "cubic meters",
            "cubic metre",
            "cubic meter",
            "cu m",
        ],
        dimension: Dimension::Volume,
        num: dec(1000, 0),
        den: ONE,
    },
    Spec {
        name: "million litres",
        aliases: &["ml (million litres)", "megalitres", "megalitre"],
        dimension: Dimension::Volume,
        num: dec(1_000_000, 0),
        den: ONE,
    },
    Spec {
        name: "UK gallons",
        aliases: &["uk gallon", "gallons", "gallon", "imperial gallons", "gal"],
        dimension: Dimension::Volume,
        num: dec(454_609, 5),
        den: ONE,
    },
    Spec {
        name: "kg",
        aliases: &["kgs", "kilograms", "kilogram"],
        dimension: Dimension::Mass,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "tonnes",
        aliases: &["tonne", "t", "metric tons", "metric tonnes"],
        dimension: Dimension::Mass,
        num: dec(1000, 0),
        den: ONE,
    },
    Spec {
        name: "km",
        aliases: &["kms", "kilometres", "kilometers"],
        dimension: Dimension::Distance,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "miles",
        aliases: &["mile", "mi"],
        dimension: Dimension::Distance,
        num: dec(1_609_344, 6),
        den: ONE,
    },
    Spec {
        name: "passenger.km",
        aliases: &["pkm", "passenger km", "passenger-km", "p.km"],
        dimension: Dimension::PassengerDistance,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "passenger.miles",
        aliases: &["passenger miles", "passenger-miles"],
        dimension: Dimension::PassengerDistance,
        num: dec(1_609_344, 6),
        den: ONE,
    },
    Spec {
        name: "tonne.km",
        aliases: &["tkm", "tonne km", "tonne-km"],
        dimension: Dimension::FreightDistance,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "tonne.miles",
        aliases: &["tonne miles", "tonne-miles"],
        dimension: Dimension::FreightDistance,
        num: dec(1_609_344, 6),
        den: ONE,
    },
    Spec {
        name: "vehicle.km",
        aliases: &["vkm", "vehicle km", "vehicle-km"],
        dimension: Dimension::VehicleDistance,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "vehicle.miles",
        aliases: &["vehicle miles", "vehicle-miles"],
        dimension: Dimension::VehicleDistance,
        num: dec(1_609_344, 6),
        den: ONE,
    },
    Spec {
        name: "Room per night",
        aliases: &["room per night", "room nights", "room-nights", "room night"],
        dimension: Dimension::RoomNight,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "per FTE Working Hour",
        aliases: &["fte hours", "fte working hours", "fte hour"],
        dimension: Dimension::FteHour,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "GBP",
        aliases: &["£", "gbp", "pounds", "£1"],
        dimension: Dimension::Gbp,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "thousand GBP",
        aliases: &[
            "£000",
            "£k",
            "k gbp",
            "gbp000",
            "gbp thousands",
            "thousand gbp",
        ],
        dimension: Dimension::Gbp,
        num: dec(1000, 0),
        den: ONE,
    },
    Spec {
        name: "USD",
        aliases: &["$", "usd", "us dollars"],
        dimension: Dimension::Usd,
        num: ONE,
        den: ONE,
    },
    Spec {
        name: "items",
        aliases: &[
            "item", "units", "each", "devices", "device", "inhalers", "inhaler", "bottles",
            "bottle",
        ],
        dimension: Dimension::Count,
        num: ONE,
        den: ONE,
    },
];

/// Parses a unit, case-insensitively and with common spellings (`m3`, `Litres`, `£000`).
/// An energy unit may carry its basis: `kWh (Gross CV)`, `MWh (net cv)`, `kWh gross`.
pub fn parse_unit(text: &str) -> Option<Unit> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let (base, basis) = split_basis(&lower);
    let base = base.trim();
    // "ML" is megalitres on water bills: only the exact spelling "mL" is millilitres.
    if base == "ml" && t != "mL" {
        return None;
    }
    let spec = SPECS
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(base) || s.aliases.contains(&base))?;
    if basis.is_some() && spec.dimension != Dimension::Energy {
        return None;
    }
    let name = match (spec.name, basis) {
        ("kWh", Some(CvBasis::Gross)) => "kWh (Gross CV)",
        ("kWh", Some(CvBasis::Net)) => "kWh (Net CV)",
        ("MWh", Some(CvBasis::Gross)) => "MWh (Gross CV)",
        ("MWh", Some(CvBasis::Net)) => "MWh (Net CV)",
        ("GJ", Some(CvBasis::Gross)) => "GJ (Gross CV)",
        ("GJ", Some(CvBasis::Net)) => "GJ (Net CV)",
        (n, _) => n,
    };
    Some(Unit {
        name,
        dimension: spec.dimension,
        num: spec.num,
        den: spec.den,
        basis,
    })
}

fn split_basis(lower: &str) -> (&str, Option<CvBasis>) {
    for (suffix, basis) in [
        ("(gross cv)", CvBasis::Gross),
        ("(net cv)", CvBasis::Net),
        ("(gross)", CvBasis::Gross),
        ("(net)", CvBasis::Net),
        (" gross cv", CvBasis::Gross),
        (" net cv", CvBasis::Net),
        (" gross", CvBasis::Gross),
        (" net", CvBasis::Net),
    ] {
        if let Some(b) = lower.strip_suffix(suffix) {
            return (b, Some(basis));
        }
    }
    (lower, None)
}

/// The names of every known unit, for error messages.
pub fn known_unit_names() -> Vec<&'static str> {
    SPECS.iter().map(|s| s.name).collect()
}

/// How to turn a quantity in one unit into another: multiply by `num`, divide by `den`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversion {
    /// Multiplier.
    pub num: Decimal,
    /// Divisor; one for every conversion between decimal units.
    pub den: Decimal,
}

impl Conversion {
    /// The identity.
    pub const IDENTITY: Conversion = Conversion { num: ONE, den: ONE };

    /// True when the conversion changes nothing.
    pub fn is_identity(&self) -> bool {
        self.num == self.den
    }
}

/// Why a quantity cannot be expressed in a factor's unit.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // from and to are the two units' names
pub enum ConvertError {
    /// Different dimensions (litres against a kWh factor).
    Dimension {
        from: &'static str,
        to: &'static str,
    },
    /// Energy on one calorific basis against a factor on the other.
    Basis {
        from: &'static str,
        to: &'static str,
    },
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::Dimension { from, to } => {
                write!(
                    f,
                    "a quantity in {from} cannot be converted to {to}, the factor's unit"
                )
            }
            ConvertError::Basis { from, to } => write!(
                f,
                "a quantity in {from} is on a different calorific basis from the factor ({to}); \
                 give it on the factor's basis"
            ),
        }
    }
}

/// The conversion from `from` to `to`. An energy quantity that states no basis takes the
/// factor's; one that states the other basis is refused, since converting between gross and
/// net needs a fuel-specific ratio.
///
/// ```
/// use ghg::units::{conversion, parse_unit};
/// let gj = parse_unit("GJ").unwrap();
/// let kwh = parse_unit("kWh (Gross CV)").unwrap();
/// let c = conversion(&gj, &kwh).unwrap(); // 1 GJ = 10000/36 kWh, kept as a ratio
/// assert_eq!((c.num.to_string(), c.den.to_string()), ("10000".to_string(), "36".to_string()));
/// ```
pub fn conversion(from: &Unit, to: &Unit) -> Result<Conversion, ConvertError> {
    if from.dimension != to.dimension {
        return Err(ConvertError::Dimension {
            from: from.name,
            to: to.name,
        });
    }
    if let (Some(a), Some(b)) = (from.basis, to.basis) {
        if a != b {
            return Err(ConvertError::Basis {
                from: from.name,
                to: to.name,
            });
        }
    }
    if from.num == to.num && from.den == to.den {
        return Ok(Conversion::IDENTITY);
    }
    // (from.num / from.den) / (to.num / to.den); both products are small exact decimals.
    let num = from.num * to.den;
    let den = from.den * to.num;
    Ok(simplify(num, den))
}

/// Drops a common power of ten so that decimal-only conversions have `den == 1`.
fn simplify(num: Decimal, den: Decimal) -> Conversion {
    if let Some(q) = num.checked_div(den) {
        // An exact quotient has few digits; a non-terminating one fills all 28 places.
        if q.checked_mul(den) == Some(num) && q.scale() < 20 {
            return Conversion {
                num: q.normalize(),
                den: ONE,
            };
        }
    }
    Conversion {
        num: num.normalize(),
        den: den.normalize(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn u(s: &str) -> Unit {
        parse_unit(s).unwrap_or_else(|| panic!("unit {s}"))
    }
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn spellings_parse() {
        assert_eq!(u("KWH").name, "kWh");
        assert_eq!(u("kWh (Gross CV)").basis, Some(CvBasis::Gross));
        assert_eq!(u("MWh (net cv)").name, "MWh (Net CV)");
        assert_eq!(u("m3").name, "cubic metres");
        assert_eq!(u("Litres").name, "litres");
        assert_eq!(u("£000").name, "thousand GBP");
        assert!(parse_unit("furlongs").is_none());
        assert_eq!(u("mL").name, "mL");
        assert_eq!(u("Millilitres").name, "mL");
        assert!(
            parse_unit("ML").is_none(),
            "megalitres or millilitres: refused"
        );
        assert!(parse_unit("ml").is_none());
        let c = conversion(&u("mL"), &u("litres")).unwrap();
        assert_eq!((c.num, c.den), (d("0.001"), d("1")));
        assert!(parse_unit("litres (gross cv)").is_none());
    }

    #[test]
    fn decimal_conversions_are_single_multipliers() {
        let c = conversion(&u("MWh"), &u("kWh (Gross CV)")).unwrap();
        assert_eq!((c.num, c.den), (d("1000"), d("1")));
        let c = conversion(&u("miles"), &u("km")).unwrap();
        assert_eq!((c.num, c.den), (d("1.609344"), d("1")));
        let c = conversion(&u("kWh"), &u("MWh")).unwrap();
        assert_eq!((c.num, c.den), (d("0.001"), d("1")));
        let c = conversion(&u("UK gallons"), &u("litres")).unwrap();
        assert_eq!(c.num, d("4.54609"));
    }

    #[test]
    fn gigajoules_keep_their_exact_ratio() {
        let c = conversion(&u("GJ"), &u("kWh")).unwrap();
        assert_eq!(c.num / c.den * d("9"), d("2500"));
        assert_eq!((c.num, c.den), (d("10000"), d("36")));
    }

    #[test]
    fn mismatches_are_refused() {
        assert!(matches!(
            conversion(&u("litres"), &u("kWh")),
            Err(ConvertError::Dimension { .. })
        ));
        assert!(matches!(
            conversion(&u("kWh (Net CV)"), &u("kWh (Gross CV)")),
            Err(ConvertError::Basis { .. })
        ));
        assert!(conversion(&u("GBP"), &u("USD")).is_err());
    }
}

/// A unit written by its canonical name and read back through [`parse_unit`] (for serde's
/// `with`): the static unit table stays the one source of every unit's size.
pub mod by_name {
    use super::{parse_unit, Unit};

    /// Writes the unit's canonical name.
    pub fn serialize<S: serde::Serializer>(unit: &Unit, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(unit.name)
    }

    /// Reads a canonical name; any other text is an error.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Unit, D::Error> {
        let name = <String as serde::Deserialize>::deserialize(d)?;
        match parse_unit(&name) {
            Some(u) if u.name == name => Ok(u),
            _ => Err(serde::de::Error::custom(format!(
                "not a canonical unit: {name:?}"
            ))),
        }
    }
}
