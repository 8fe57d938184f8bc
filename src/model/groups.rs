//! An inventory's groups: one list sorted by key, each key once. A plain sorted list rather
//! than a B-tree, so the merge that builds it can free its parts as it goes: with many sites
//! the groups are most of a run's memory, and a tree built beside its source holds two copies.

use super::{GroupKey, Totals};

/// Groups sorted by key, each key once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    sorted: Vec<(GroupKey, Totals)>,
}

impl Groups {
    /// How many groups.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Groups in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&GroupKey, &Totals)> + Clone {
        self.into_iter()
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &GroupKey> + Clone {
        self.sorted.iter().map(|(k, _)| k)
    }

    /// The totals of a key.
    pub fn get(&self, key: &GroupKey) -> Option<&Totals> {
        let i = self.sorted.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(&self.sorted[i].1)
    }

    /// Sets a key's totals, returning the ones it had.
    pub fn insert(&mut self, key: GroupKey, totals: Totals) -> Option<Totals> {
        match self.sorted.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => Some(std::mem::replace(&mut self.sorted[i].1, totals)),
            Err(i) => {
                self.sorted.insert(i, (key, totals));
                None
            }
        }
    }

    /// Adds another inventory's groups, summing equal keys; `None` on overflow.
    pub fn merge(&mut self, other: Groups) -> Option<()> {
        let mine = std::mem::take(&mut self.sorted);
        *self = merge_sorted(vec![mine, other.sorted])?;
        Some(())
    }
}

impl<'a> IntoIterator for &'a Groups {
    type Item = (&'a GroupKey, &'a Totals);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (GroupKey, Totals)>,
        fn(&'a (GroupKey, Totals)) -> (&'a GroupKey, &'a Totals),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.sorted.iter().map(|(k, t)| (k, t))
    }
}

impl IntoIterator for Groups {
    type Item = (GroupKey, Totals);
    type IntoIter = std::vec::IntoIter<(GroupKey, Totals)>;

    fn into_iter(self) -> Self::IntoIter {
        self.sorted.into_iter()
    }
}

/// Lists drained from their ends by at most this many groups between two shrinks: each list
/// gives its memory back as it is moved, instead of all at the end (here and in a worker's
/// finish).
pub(crate) const SHRINK_EVERY: usize = 1 << 16;

/// Merges lists each sorted by key with each key once (the workers' or the parts' groups),
/// adding the sums of equal keys; `None` on overflow.
///
/// The merge runs from the largest key down, taking each list's last group, so every list
/// shrinks as it is consumed and the memory held stays about one copy of the groups (the lists
/// and the result together), not two.
pub fn merge_sorted(mut parts: Vec<Vec<(GroupKey, Totals)>>) -> Option<Groups> {
    parts.retain(|p| !p.is_empty());
    if parts.len() <= 1 {
        return Some(Groups {
            sorted: parts.pop().unwrap_or_default(),
        });
    }
    // Reserved whole: pages are taken only as groups are written, so no copy is made as it
    // grows while the parts shrink.
    let mut out: Vec<(GroupKey, Totals)> = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    let mut since_shrink = 0;
    loop {
        // The list whose last key is greatest.
        let mut best: Option<(usize, &GroupKey)> = None;
        for (i, p) in parts.iter().enumerate() {
            if let Some((k, _)) = p.last() {
                if best.is_none_or(|(_, bk)| k > bk) {
                    best = Some((i, k));
                }
            }
        }
        let Some((b, _)) = best else { break };
        let Some((k, mut t)) = parts[b].pop() else {
            break;
        };
        // The same key at the end of the other lists (each list holds a key once).
        for p in &mut parts {
            if p.last().is_some_and(|(other, _)| *other == k) {
                let (_, more) = p.pop()?;
                t.merge(&more)?;
            }
        }
        out.push((k, t));
        since_shrink += 1;
        if since_shrink == SHRINK_EVERY {
            since_shrink = 0;
            for p in &mut parts {
                p.shrink_to_fit();
            }
        }
    }
    out.reverse();
    Some(Groups { sorted: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ExactSum, MarketBasis, Quality, ScopeClass};
    use crate::nhs::NhsCategory;
    use rust_decimal::Decimal;

    fn key(site: &str) -> GroupKey {
        GroupKey {
            class: ScopeClass::One,
            site: site.into(),
            period: None,
            reporting_year: None,
            nhs_category: NhsCategory::EnergyWttTd,
            set: "s".into(),
            factor: "f".into(),
            upstream_of: None,
            quality: Quality::AverageData,
            market: MarketBasis::NotApplicable,
        }
    }

    fn kg(n: i64) -> Totals {
        Totals {
            kg: ExactSum::of(Decimal::from(n)),
            lines: 1,
            ..Totals::default()
        }
    }

    fn list(items: &[(&str, i64)]) -> Vec<(GroupKey, Totals)> {
        items.iter().map(|(s, n)| (key(s), kg(*n))).collect()
    }

    #[test]
    fn merging_sums_equal_keys_and_keeps_key_order() {
        let merged = merge_sorted(vec![
            list(&[("a", 1), ("c", 3), ("e", 5)]),
            list(&[("b", 20), ("c", 30)]),
            Vec::new(),
            list(&[("c", 300), ("f", 600)]),
        ])
        .unwrap();
        let got: Vec<(String, String, u64)> = merged
            .iter()
            .map(|(k, t)| {
                (
                    k.site.to_string(),
                    t.kg.value().unwrap().to_string(),
                    t.lines,
                )
            })
            .collect();
        let want = [
            ("a", "1", 1),
            ("b", "20", 1),
            ("c", "333", 3),
            ("e", "5", 1),
            ("f", "600", 1),
        ];
        assert_eq!(got, want.map(|(s, k, n)| (s.to_string(), k.to_string(), n)));
    }

    #[test]
    fn a_merge_bigger_than_one_shrink_step_loses_nothing() {
        let n = SHRINK_EVERY as i64 * 2 + 7;
        let names: Vec<String> = (0..n).map(|i| format!("{i:08}")).collect();
        let evens: Vec<(&str, i64)> = (names.iter().step_by(2)).map(|s| (&**s, 1)).collect();
        let all: Vec<(&str, i64)> = names.iter().map(|s| (&**s, 2)).collect();
        let merged = merge_sorted(vec![list(&evens), list(&all)]).unwrap();
        assert_eq!(merged.len(), names.len());
        let (mut threes, mut twos) = (0, 0);
        for (k, t) in &merged {
            match t.kg.value().unwrap().to_string().as_str() {
                "3" => threes += 1,
                "2" => twos += 1,
                other => panic!("{} has {other}", k.site),
            }
        }
        assert_eq!((threes, twos), (names.len().div_ceil(2), names.len() / 2));
        assert!(merged.keys().zip(merged.keys().skip(1)).all(|(a, b)| a < b));
    }

    #[test]
    fn insert_keeps_one_sorted_entry_per_key() {
        let mut g = Groups::default();
        for (k, t) in list(&[("b", 2), ("a", 1), ("b", 5)]) {
            g.insert(k, t);
        }
        assert_eq!(g.len(), 2);
        assert_eq!(g.get(&key("b")), Some(&kg(5)));
        assert_eq!(g.insert(key("a"), kg(9)), Some(kg(1)));
        assert_eq!(g.insert(key("0"), kg(4)), None);
        let sites: Vec<&str> = g.keys().map(|k| &*k.site).collect();
        assert_eq!(sites, ["0", "a", "b"]);
        let mut other = Groups::default();
        other.insert(key("a"), kg(1));
        g.merge(other).unwrap();
        assert_eq!(g.get(&key("a")).map(|t| t.lines), Some(2));
    }
}
