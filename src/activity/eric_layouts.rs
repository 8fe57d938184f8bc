//! The ERIC (Estates Returns Information Collection) CSV layouts `ghg import eric` knows, one
//! table per year and level, and what each energy, water and waste column becomes. Column names
//! are NHS Digital's, exactly as published; they change from year to year.

/// What an ERIC column becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// One activity row per activity named (water gives supply and treatment), in `unit`.
    Rows(&'static [&'static str]),
    /// Not an emission source of its own: totalled in the summary, never written as a row.
    Memo(&'static str),
    /// An energy, water or waste quantity deliberately not imported, and why.
    Skip(&'static str),
}

/// One ERIC column the import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    /// The header exactly as published.
    pub name: &'static str,
    /// Unit of the activity rows (`kWh`, `m3`, `tonnes`).
    pub unit: &'static str,
    /// What it becomes.
    pub to: Use,
}

/// Whether a file has a row per site, per trust or per PFI scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// One row per site (`Site Code`): the energy, water and waste returns.
    Site,
    /// One row per trust: no energy, water or waste quantities.
    Trust,
    /// One row per PFI scheme at a site: costs only.
    Pfi,
}

/// A known ERIC layout.
#[derive(Debug)]
pub struct Layout {
    /// `2016-17`, as in the file's `period` column.
    pub year: &'static str,
    /// Site, trust or PFI.
    pub level: Level,
    /// Columns that tell this layout from the others (besides those in `cols`).
    pub markers: &'static [&'static str],
    /// The energy, water and waste columns read, in the order rows are written.
    pub cols: &'static [Col],
}

impl Layout {
    /// `ERIC 2016-17 site`.
    pub fn describe(&self) -> String {
        let level = match self.level {
            Level::Site => "site",
            Level::Trust => "trust",
            Level::Pfi => "PFI",
        };
        format!("ERIC {} {level}", self.year)
    }

    /// Every column the layout requires.
    pub fn required(&self) -> impl Iterator<Item = &'static str> + '_ {
        ["period", "Organisation Code"]
            .into_iter()
            .chain(self.markers.iter().copied())
            .chain(self.cols.iter().map(|c| c.name))
    }
}

const ELECTRICITY: Use = Use::Rows(&["electricity"]);
const GAS: Use = Use::Rows(&["natural gas"]);
const OIL: Use = Use::Rows(&["fuel oil kwh"]);
const COAL: Use = Use::Rows(&["coal kwh"]);
const HEAT: Use = Use::Rows(&["district heat"]);
/// ERIC gives one water volume; the same volume is taken as returned to sewer, as the SDU's
/// "Drains waste water" row did (ERIC reports no separate sewage volume).
const WATER: Use = Use::Rows(&["water supply", "water treatment"]);
const CHP_INPUT: Use =
    Use::Memo("fuel burned in CHP: already counted in the gas, oil and coal consumed");
const CHP_OUTPUT: Use = Use::Memo("made on site from fuel already counted");
const EXPORT: Use = Use::Memo(
    "sold or passed to others: not deducted, as the GHG Protocol counts all fuel burned in scope 1",
);
const NON_FOSSIL: Use = Use::Skip(
    "ERIC does not name the fuel (wood chips, pellets, logs, biogas ...): add rows with the \
     right activity yourself",
);

const fn kwh(name: &'static str, to: Use) -> Col {
    Col {
        name,
        unit: "kWh",
        to,
    }
}

const fn tonnes(name: &'static str, activity: &'static [&'static str]) -> Col {
    Col {
        name,
        unit: "tonnes",
        to: Use::Rows(activity),
    }
}

const fn m3(name: &'static str, to: Use) -> Col {
    Col {
        name,
        unit: "m3",
        to,
    }
}

const SITE: &[&str] = &["Site Code"];

/// Every layout, newest first.
pub static LAYOUTS: &[Layout] = &[
    Layout {
        year: "2016-17",
        level: Level::Site,
        markers: SITE,
        cols: &[
            kwh("Electricity consumed (kWh)", ELECTRICITY),
            kwh("Electricity consumed - green energy tariff (kWh)", ELECTRICITY),
            kwh(
                "Electricity consumed - third party owned renewable (kWh)",
                ELECTRICITY,
            ),
            kwh("Gas consumed (kWh)", GAS),
            kwh("Oil consumed (kWh)", OIL),
            kwh("Coal consumed (kWh)", COAL),
            kwh("Steam consumed (kWh)", HEAT),
            kwh("Hot water consumed (kWh)", HEAT),
            kwh("Non-fossil fuel consumed - renewable (kWh)", NON_FOSSIL),
            kwh("Fossil energy input to CHP system/s (kWh)", CHP_INPUT),
            kwh("Thermal energy output of CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Electrical energy output of CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Exported electricity (kWh)", EXPORT),
            kwh("Exported thermal energy (kWh)", EXPORT),
            kwh(
                "Electrical energy output of owned onsite renewables (kWh)",
                Use::Memo("made by the trust's own renewables: no emissions to price"),
            ),
            m3("Water volume (including borehole) (m³)", WATER),
            tonnes("Landfill disposal volume (Tonnes)", &["waste commercial landfill"]),
            // 2016-17 replaced the clinical routes with landfill, incineration, recycling and
            // other recovery; energy recovery is "other recovery", so incineration is without.
            tonnes(
                "Incineration disposal volume (Tonnes)",
                &["waste high temperature incineration"],
            ),
            tonnes("Waste reycling volume (Tonnes)", &["waste recycling"]),
            tonnes("Other recovery volume (Tonnes)", &["waste commercial incineration"]),
        ],
    },
    Layout {
        year: "2015-16",
        level: Level::Site,
        markers: SITE,
        cols: &[
            kwh("Electricity consumed (kWh)", ELECTRICITY),
            kwh("Electricity consumed - renewable (kWh)", ELECTRICITY),
            kwh("Gas consumed (kWh)", GAS),
            kwh("Oil consumed (kWh)", OIL),
            kwh("Coal consumed (kWh)", COAL),
            kwh("Steam consumed (kWh)", HEAT),
            kwh("Hot water consumed (kWh)", HEAT),
            kwh("Non-fossil fuel consumed - renewable (kWh)", NON_FOSSIL),
            kwh("Fossil energy input to CHP system/s (kWh)", CHP_INPUT),
            kwh("Thermal energy output of CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Electrical energy output of CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Exported electricity (kWh)", EXPORT),
            kwh("Exported thermal energy (kWh)", EXPORT),
            m3("Water volume (including borehole) (m³)", WATER),
            tonnes("Clinical waste volume (Tonnes)", &["clinical waste"]),
            Col {
                name: "Special waste volume (Tonnes)",
                unit: "tonnes",
                to: Use::Skip(
                    "special (hazardous) waste with no disposal route: no factor fits; add \
                     rows by route yourself",
                ),
            },
        ],
    },
    Layout {
        year: "2014-15",
        level: Level::Site,
        markers: SITE,
        cols: &[
            kwh("Electricity consumed - utility (kWh)", ELECTRICITY),
            kwh("Electricity consumed - local (kWh)", ELECTRICITY),
            kwh("Electricity consumed - renewable (kWh)", ELECTRICITY),
            kwh("Gas consumed - utility (kWh)", GAS),
            kwh("Oil consumed - utility (kWh)", OIL),
            kwh("Coal consumed - utility (kWh)", COAL),
            kwh("Steam consumed - local (kWh)", HEAT),
            kwh("Hot water consumed - local (kWh)", HEAT),
            kwh("Non-fossil fuel consumed - renewable (kWh)", NON_FOSSIL),
            kwh("Fossil energy input to the CHP system/s (kWh)", CHP_INPUT),
            kwh("Thermal energy output of the CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Electrical energy output of the CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Exported electricity (kWh)", EXPORT),
            kwh("Exported thermal energy (kWh)", EXPORT),
            kwh(
                "Energy consumed (all energy supplies) (kWh)",
                Use::Skip("PFI part of the return: all supplies in one figure, no fuel to price"),
            ),
            m3("Water volume (including borehole) (m³)", WATER),
            tonnes(
                "High temperature disposal waste weight (Tonnes)",
                &["waste high temperature incineration"],
            ),
            tonnes(
                "High temperature disposal waste weight involving combustion with energy recovery (Tonnes)",
                &["waste commercial incineration"],
            ),
            tonnes(
                "Non burn treatment (alternative treatment plant) disposal waste weight (Tonnes)",
                &["waste non-burn treatment"],
            ),
            tonnes("Landfill disposal waste weight (Tonnes)", &["waste commercial landfill"]),
            tonnes(
                "Waste electrical and electronic equipment (WEEE) weight (Tonnes)",
                &["waste weee"],
            ),
            tonnes("Preparing for re-use volume (Tonnes)", &["waste preparing for re-use"]),
            tonnes("Waste recycling volume (Tonnes)", &["waste recycling"]),
            tonnes("Other recovery volume (Tonnes)", &["waste commercial incineration"]),
            Col {
                name: "Waste disposal weight (Tonnes)",
                unit: "tonnes",
                to: Use::Skip("PFI part of the return: all waste in one figure, no route to price"),
            },
        ],
    },
    Layout {
        year: "2013-14",
        level: Level::Site,
        markers: SITE,
        cols: &[
            kwh("Electricity consumed - utility (kWh)", ELECTRICITY),
            kwh("Electricity consumed - local (kWh)", ELECTRICITY),
            kwh("Electricity consumed - renewable (kWh)", ELECTRICITY),
            kwh("Gas consumed - utility (kWh)", GAS),
            kwh("Oil consumed - utility (kWh)", OIL),
            kwh("Coal consumed - utility (kWh)", COAL),
            kwh("Steam consumed - local (kWh)", HEAT),
            kwh("Hot water consumed - local (kWh)", HEAT),
            kwh("Non-fossil fuel consumed - renewable (kWh)", NON_FOSSIL),
            kwh("Total fossil energy input to the CHP system/s (kWh)", CHP_INPUT),
            kwh("Total thermal energy output of the CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Total electrical energy output of the CHP system/s (kWh)", CHP_OUTPUT),
            kwh("Total exported electricity for the site (kWh)", EXPORT),
            kwh("Total exported thermal energy for the site (kWh)", EXPORT),
            m3("Water volume (including borehole) (m³)", WATER),
            tonnes(
                "High temperature disposal waste weight (Tonnes)",
                &["waste high temperature incineration"],
            ),
            tonnes(
                "Non burn treatment (alternative treatment plant) disposal waste weight (Tonnes)",
                &["waste non-burn treatment"],
            ),
            tonnes("Landfill disposal waste weight (Tonnes)", &["waste commercial landfill"]),
            tonnes(
                "Waste electrical and electronic equipment (WEEE) weight (Tonnes)",
                &["waste weee"],
            ),
            tonnes("Preparing for re-use volume (Tonnes)", &["waste preparing for re-use"]),
            tonnes("Waste recycling volume (Tonnes)", &["waste recycling"]),
            tonnes("Other recovery volume (Tonnes)", &["waste commercial incineration"]),
        ],
    },
    Layout {
        year: "2016-17",
        level: Level::Pfi,
        markers: &["Site Code", "Scheme Name", "Lifecycle costing (£)"],
        cols: &[],
    },
    Layout {
        year: "2015-16",
        level: Level::Pfi,
        markers: &["Site Code", "Scheme Name", "Financing costs (£)"],
        cols: &[],
    },
    Layout {
        year: "2016-17",
        level: Level::Trust,
        markers: &["Estates and Facilities savings from Cost Improvement Plans (£)"],
        cols: &[],
    },
    Layout {
        year: "2015-16",
        level: Level::Trust,
        markers: &["Non-emergency patient transport (£)", "RIDDOR incidents (No.)"],
        cols: &[],
    },
    Layout {
        year: "2014-15",
        level: Level::Trust,
        markers: &["Patient taxi cost (£)", "Number of sites - Not reported (No.)"],
        cols: &[],
    },
    Layout {
        year: "2013-14",
        level: Level::Trust,
        markers: &["Business mileage (Miles)", "Total number of sites (No.)"],
        cols: &[],
    },
];

/// Words that make a column an energy, water or waste column: those not read are named.
pub const TOPIC_WORDS: &[&str] = &[
    "energy",
    "electric",
    "gas",
    "oil",
    "coal",
    "steam",
    "hot water",
    "chp",
    "renewable",
    "fuel",
    "water",
    "sewage",
    "waste",
    "landfill",
    "incinerat",
    "recycl",
    "reycl",
    "recovery",
    "weee",
    "disposal",
    "re-use",
];

/// Why an energy, water or waste column the layout does not read is left out, from its unit.
pub fn reason_by_unit(name: &str) -> &'static str {
    let unit = name
        .rsplit_once('(')
        .map_or("", |(_, u)| u.trim_end_matches(')'));
    match unit {
        "£" => "a cost, not a quantity",
        "%" => "a share, not a quantity",
        "No." => "a count, not a quantity",
        "MW" | "kW" | "Watts" => "a capacity or load, not energy used",
        "Yes/No" | "Yes/No/None" | "Select" => "an answer, not a quantity",
        _ => "not recognised by this version of ghg",
    }
}
