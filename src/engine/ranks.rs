//! A worker's groups put in order by numbers: each part of a group key ranked among the
//! values in use (sites, sets and factors by name), packed into one `u128` that sorts as
//! [`GroupKey`](crate::model::GroupKey) does and is equal exactly when the named keys are.
//! Sorting 16-byte numbers instead of keys of names is what makes a worker's end cheap.

use super::apply::LocalKey;
use super::resolve::{FactorRef, Resolver};
use crate::activity::{Period, ReportingYear};
use crate::model::{GroupKey, MarketBasis, Quality, ScopeClass};
use crate::nhs::NhsCategory;
use std::sync::Arc;

/// A key's period and reporting year, ranked together (they sort one after the other).
pub(super) type PeriodYear = (Option<Period>, Option<ReportingYear>);

/// The rest of a key after class, site, period and year: names replaced by their ranks.
type Rest = (NhsCategory, u32, u32, Option<u32>, Quality, MarketBasis);

/// The ranks of every part of the keys in use, and the names to give the keys.
pub(super) struct KeyRanks {
    /// By the worker's site number.
    site: Vec<u32>,
    /// By the resolver's set index.
    set: Vec<u32>,
    /// Every factor the keys name, sorted; `factor[i]` is the rank of `factors[i]`'s key.
    factors: Vec<FactorRef>,
    factor: Vec<u32>,
    classes: Vec<ScopeClass>,
    periods: Vec<PeriodYear>,
    rests: Vec<Rest>,
    /// Set ids by the resolver's set index ("" for sets no key uses), and factor keys as in
    /// `factors`: made once, shared by every group that uses them.
    set_names: Vec<Arc<str>>,
    factor_names: Vec<Arc<str>>,
}

/// Ranks of `names` (name, index) as a list by index: equal names equal ranks.
fn dense(mut names: Vec<(&str, usize)>, len: usize) -> Vec<u32> {
    names.sort_unstable();
    let mut rank = vec![0u32; len];
    let (mut r, mut last) = (0u32, None);
    for (n, i) in names {
        if last.is_some_and(|l| l != n) {
            r += 1;
        }
        last = Some(n);
        rank[i] = r;
    }
    rank
}

/// The values sorted, each once.
fn ranked<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort_unstable();
    v.dedup();
    v
}

/// A value's place among `list`'s (which holds it).
fn rank<T: Ord>(list: &[T], v: T) -> u128 {
    list.binary_search(&v).unwrap_or(0) as u128
}

impl KeyRanks {
    /// The ranks of every key in `keys` (site, period and year aside), the sites in
    /// `site_names` and the (period, year) pairs in `periods`.
    pub(super) fn new<'k>(
        resolver: &Resolver,
        site_names: &[Arc<str>],
        keys: impl Iterator<Item = &'k LocalKey> + Clone,
        periods: impl Iterator<Item = PeriodYear>,
    ) -> Self {
        let site = dense(
            (site_names.iter().enumerate())
                .map(|(i, n)| (&**n, i))
                .collect(),
            site_names.len(),
        );
        let factors = ranked(
            (keys.clone())
                .flat_map(|k| std::iter::once(k.factor).chain(k.upstream_of))
                .collect(),
        );
        // Set ids as the parsed sets name themselves, for the sets the keys use.
        let mut set_ids: Vec<Option<&str>> = vec![None; resolver.sets.len()];
        for f in &factors {
            set_ids[usize::from(f.set)] = Some(resolver.set(*f).id());
        }
        let set = dense(
            (set_ids.iter().enumerate())
                .filter_map(|(i, id)| id.map(|id| (id, i)))
                .collect(),
            set_ids.len(),
        );
        let factor = dense(
            (factors.iter().enumerate())
                .map(|(i, f)| (resolver.factor(*f).key.as_str(), i))
                .collect(),
            factors.len(),
        );
        let mut out = KeyRanks {
            site,
            set,
            factor,
            classes: ranked(keys.clone().map(|k| k.class).collect()),
            periods: ranked(periods.collect()),
            rests: Vec::new(),
            set_names: (set_ids.iter())
                .map(|id| Arc::from(id.unwrap_or_default()))
                .collect(),
            factor_names: (factors.iter())
                .map(|f| Arc::from(resolver.factor(*f).key.as_str()))
                .collect(),
            factors,
        };
        out.rests = ranked(keys.map(|k| out.rest(k)).collect());
        out
    }

    /// Where a factor is in `factors`.
    fn at(&self, f: FactorRef) -> usize {
        self.factors.binary_search(&f).unwrap_or(0)
    }

    fn rest(&self, k: &LocalKey) -> Rest {
        (
            k.nhs,
            self.set[usize::from(k.factor.set)],
            self.factor[self.at(k.factor)],
            k.upstream_of.map(|u| self.factor[self.at(u)]),
            k.quality,
            k.market,
        )
    }

    /// The ranks of a key's class and of its rest: constant for a fast-path line.
    pub(super) fn line(&self, k: &LocalKey) -> (u128, u128) {
        (
            rank(&self.classes, k.class),
            rank(&self.rests, self.rest(k)),
        )
    }

    /// The rank of a (period, year) pair.
    pub(super) fn period(&self, p: PeriodYear) -> u128 {
        rank(&self.periods, p)
    }

    /// One key's number from its parts' ranks (see [`KeyRanks::line`]): class, site,
    /// (period, year), rest, 32 bits each.
    pub(super) fn pack(&self, (class, rest): (u128, u128), site: u32, period: u128) -> u128 {
        class << 96 | u128::from(self.site[site as usize]) << 64 | period << 32 | rest
    }

    /// A key's number.
    pub(super) fn key(&self, k: &LocalKey) -> u128 {
        self.pack(self.line(k), k.site, self.period((k.period, k.year)))
    }

    /// A factor's key, shared.
    fn factor_name(&self, f: FactorRef) -> Arc<str> {
        self.factor_names[self.at(f)].clone()
    }

    /// The key with its names (`sites` by the worker's site number), shared.
    pub(super) fn name(&self, k: &LocalKey, sites: &[Arc<str>]) -> GroupKey {
        GroupKey {
            class: k.class,
            site: sites[k.site as usize].clone(),
            period: k.period,
            reporting_year: k.year,
            nhs_category: k.nhs,
            set: self.set_names[usize::from(k.factor.set)].clone(),
            factor: self.factor_name(k.factor),
            upstream_of: k.upstream_of.map(|u| self.factor_name(u)),
            quality: k.quality,
            market: k.market,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resolve::LazySet;

    /// The mini DESNZ set under `id`.
    fn set(id: &str) -> Arc<crate::factors::FactorSet> {
        let text = include_str!("../../tests/fixtures/factors/mini-desnz-2025.toml")
            .replace("id = \"mini-desnz-2025\"", &format!("id = \"{id}\""));
        let (set, problems) = crate::factors::parse_set("mini.toml", &text);
        assert!(problems.is_empty(), "{problems:?}");
        Arc::new(set)
    }

    /// Over keys varying in every part (sites numbered out of name order and two numbers
    /// of one name, two sets whose ids sort against their order, factors whose keys sort
    /// against their positions, upstream or not, periods with and without reporting years),
    /// the numbers sort as the named keys do and are equal exactly when the named keys are.
    #[test]
    fn numbers_sort_and_compare_as_the_named_keys() {
        let resolver = Resolver {
            sets: vec![
                LazySet::loaded(set("zz-set")),
                LazySet::loaded(set("aa-set")),
            ],
            ..Resolver::single(set("zz-set"))
        };
        let sites: Vec<Arc<str>> = ["north", "east", "south", "east", ""]
            .map(Arc::from)
            .to_vec();
        let period = |t: &str| Period::parse(t);
        let year = |t: &str| ReportingYear::parse(t);
        let periods = [
            (None, None),
            (period("2025-01"), year("2024/25")),
            (period("2025-01"), None),
            (period("2024"), None),
            (period("2024/25"), year("2024/25")),
        ];
        let classes = [
            ScopeClass::Two,
            ScopeClass::One,
            ScopeClass::Three(3),
            ScopeClass::Three(12),
            ScopeClass::Outside,
            ScopeClass::NhsOnly,
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let factor = |set: usize, index: usize| FactorRef {
            set: set as u16,
            index: index as u32,
        };
        let mut keys: Vec<LocalKey> = (0..600)
            .map(|_| {
                let (p, y) = periods[next(periods.len())];
                LocalKey {
                    class: classes[next(classes.len())],
                    site: next(sites.len()) as u32,
                    period: p,
                    year: y,
                    nhs: NhsCategory::ALL[next(3)],
                    factor: factor(next(2), next(11)),
                    upstream_of: (next(2) == 0).then(|| factor(next(2), next(11))),
                    quality: [Quality::AverageData, Quality::SpendBased][next(2)],
                    market: [MarketBasis::NotApplicable, MarketBasis::LocationFallback][next(2)],
                }
            })
            .collect();
        // Each key of site 1 again at site 3: another number for the same name.
        let twins: Vec<LocalKey> = (keys.iter())
            .filter(|k| k.site == 1)
            .map(|k| LocalKey { site: 3, ..*k })
            .collect();
        keys.extend(twins);
        let ranks = KeyRanks::new(
            &resolver,
            &sites,
            keys.iter(),
            keys.iter().map(|k| (k.period, k.year)),
        );
        let named = |k: &LocalKey| ranks.name(k, &sites);
        let mut equal = 0;
        for a in &keys {
            for b in &keys {
                let (na, nb) = (named(a), named(b));
                assert_eq!(ranks.key(a).cmp(&ranks.key(b)), na.cmp(&nb), "{a:?} {b:?}");
                equal += usize::from(na == nb && a != b);
            }
        }
        // Keys that differ only by two numbers of one name ("east") compare equal.
        assert!(equal >= 2 * 100, "{equal}");
    }
}
