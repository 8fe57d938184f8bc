//! An inventory's groups: sorted by key, each key once. Plain sorted lists rather than a
//! B-tree, so the merge that builds them can free its parts as it goes: with many sites the
//! groups are most of a run's memory, and a tree built beside its source holds two copies.
//! They are kept as runs, each sorted and every key in a run below every key in the next, so
//! a list named in parts on several threads becomes one without being copied.

use super::{GroupKey, Totals};

/// One sorted run of groups.
type Run = Vec<(GroupKey, Totals)>;

/// Groups sorted by key, each key once.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    /// Runs in key order, none empty.
    runs: Vec<Run>,
}

impl PartialEq for Groups {
    /// Equal groups, however they are split into runs.
    fn eq(&self, other: &Groups) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Groups {}

impl Groups {
    /// Groups from runs each sorted by key with each key once, every key in a run below every
    /// key in the next (as a list cut at keys and each part named apart gives them).
    pub(crate) fn from_runs(mut runs: Vec<Run>) -> Groups {
        runs.retain(|r| !r.is_empty());
        debug_assert!(runs
            .iter()
            .flat_map(|r| r.windows(2))
            .all(|w| w[0].0 < w[1].0));
        debug_assert!(runs
            .windows(2)
            .all(|w| w[0].last().map(|g| &g.0) < w[1].first().map(|g| &g.0)));
        Groups { runs }
    }

    /// How many groups.
    pub fn len(&self) -> usize {
        self.runs.iter().map(Vec::len).sum()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Groups in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&GroupKey, &Totals)> + Clone {
        self.into_iter()
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &GroupKey> + Clone {
        self.iter().map(|(k, _)| k)
    }

    /// The run a key is in or would go in: the first whose last key is not below it (the
    /// last run for a key above all).
    fn run_of(&self, key: &GroupKey) -> usize {
        let i = (self.runs).partition_point(|r| r.last().is_some_and(|(k, _)| k < key));
        i.min(self.runs.len().saturating_sub(1))
    }

    /// The totals of a key.
    pub fn get(&self, key: &GroupKey) -> Option<&Totals> {
        let run = self.runs.get(self.run_of(key))?;
        let i = run.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(&run[i].1)
    }

    /// Sets a key's totals, returning the ones it had.
    pub fn insert(&mut self, key: GroupKey, totals: Totals) -> Option<Totals> {
        if self.runs.is_empty() {
            self.runs.push(vec![(key, totals)]);
            return None;
        }
        let r = self.run_of(&key);
        let run = &mut self.runs[r];
        match run.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => Some(std::mem::replace(&mut run[i].1, totals)),
            Err(i) => {
                run.insert(i, (key, totals));
                None
            }
        }
    }

    /// Adds another inventory's groups, summing equal keys; `None` on overflow.
    pub fn merge(&mut self, other: Groups) -> Option<()> {
        let mine = std::mem::take(self);
        *self = merge_sorted(vec![mine, other])?;
        Some(())
    }

    /// The last group, taken out (a run emptied goes too).
    fn pop(&mut self) -> Option<(GroupKey, Totals)> {
        let run = self.runs.last_mut()?;
        let last = run.pop();
        if run.is_empty() {
            self.runs.pop();
        }
        last
    }

    /// The last key.
    fn last_key(&self) -> Option<&GroupKey> {
        self.runs.last()?.last().map(|(k, _)| k)
    }

    /// Gives back the memory of what has been taken out of the last run.
    fn shrink(&mut self) {
        if let Some(r) = self.runs.last_mut() {
            r.shrink_to_fit();
        }
    }
}

/// The groups of a list of runs, in order.
type Flat<'a> = std::iter::Flatten<std::slice::Iter<'a, Run>>;

impl<'a> IntoIterator for &'a Groups {
    type Item = (&'a GroupKey, &'a Totals);
    type IntoIter =
        std::iter::Map<Flat<'a>, fn(&'a (GroupKey, Totals)) -> (&'a GroupKey, &'a Totals)>;

    fn into_iter(self) -> Self::IntoIter {
        self.runs.iter().flatten().map(|(k, t)| (k, t))
    }
}

impl IntoIterator for Groups {
    type Item = (GroupKey, Totals);
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Run>>;

    fn into_iter(self) -> Self::IntoIter {
        self.runs.into_iter().flatten()
    }
}

/// Lists drained from their ends by at most this many groups between two shrinks: each list
/// gives its memory back as it is moved, instead of all at the end (here and in a worker's
/// finish).
pub(crate) const SHRINK_EVERY: usize = 1 << 16;

/// Merges groups (the workers' or the parts'), adding the sums of equal keys; `None` on
/// overflow.
///
/// The merge runs from the largest key down, taking each list's last group, so every list
/// shrinks as it is consumed and the memory held stays about one copy of the groups (the lists
/// and the result together), not two. One list is taken as it is.
pub fn merge_sorted(mut parts: Vec<Groups>) -> Option<Groups> {
    parts.retain(|p| !p.is_empty());
    if parts.len() <= 1 {
        return Some(parts.pop().unwrap_or_default());
    }
    // Reserved whole: pages are taken only as groups are written, so no copy is made as it
    // grows while the parts shrink.
    let mut out: Run = Vec::with_capacity(parts.iter().map(Groups::len).sum());
    let mut since_shrink = 0;
    loop {
        // The list whose last key is greatest.
        let mut best: Option<(usize, &GroupKey)> = None;
        for (i, p) in parts.iter().enumerate() {
            if let Some(k) = p.last_key() {
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
            if p.last_key() == Some(&k) {
                let (_, more) = p.pop()?;
                t.merge(&more)?;
            }
        }
        out.push((k, t));
        since_shrink += 1;
        if since_shrink == SHRINK_EVERY {
            since_shrink = 0;
            for p in &mut parts {
                p.shrink();
            }
        }
    }
    out.reverse();
    Some(Groups::from_runs(vec![out]))
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

    fn list(items: &[(&str, i64)]) -> Groups {
        Groups::from_runs(vec![items.iter().map(|(s, n)| (key(s), kg(*n))).collect()])
    }

    /// A group's site and kg, to compare lists.
    fn shown((k, t): (&GroupKey, &Totals)) -> (String, String) {
        (k.site.to_string(), t.kg.value().unwrap().to_string())
    }

    #[test]
    fn groups_in_runs_read_as_one_list() {
        let items = [("a", 1), ("b", 2), ("c", 3), ("d", 4)];
        let one = list(&items);
        let run = |r: &[(&str, i64)]| r.iter().map(|(s, n)| (key(s), kg(*n))).collect();
        let runs = Groups::from_runs(vec![run(&items[..1]), vec![], run(&items[1..])]);
        assert_eq!(runs, one);
        assert_ne!(runs, list(&items[..3]));
        assert_eq!(runs.len(), 4);
        assert_eq!(runs.get(&key("a")), Some(&kg(1)));
        assert_eq!(runs.get(&key("c")), Some(&kg(3)));
        assert_eq!(runs.get(&key("bb")), None);
        assert_eq!(runs.get(&key("e")), None);
        let backwards: Vec<_> = runs.iter().rev().map(shown).collect();
        let mut forwards: Vec<_> = one.iter().map(shown).collect();
        forwards.reverse();
        assert_eq!(backwards, forwards);
        let mut g = runs.clone();
        assert_eq!(g.insert(key("bb"), kg(7)), None);
        assert_eq!(g.insert(key("e"), kg(8)), None);
        assert_eq!(g.insert(key("0"), kg(9)), None);
        assert_eq!(g.insert(key("c"), kg(30)), Some(kg(3)));
        let sites: Vec<&str> = g.keys().map(|k| &*k.site).collect();
        assert_eq!(sites, ["0", "a", "b", "bb", "c", "d", "e"]);
        // Merged with a list in other runs: every key once, equal keys summed.
        let merged = merge_sorted(vec![g, runs]).unwrap();
        let got: Vec<_> = merged.into_iter().map(|(k, t)| shown((&k, &t))).collect();
        let want = [
            ("0", 9),
            ("a", 2),
            ("b", 4),
            ("bb", 7),
            ("c", 33),
            ("d", 8),
            ("e", 8),
        ];
        assert_eq!(got, want.map(|(s, n)| (s.to_string(), n.to_string())));
    }

    #[test]
    fn merging_sums_equal_keys_and_keeps_key_order() {
        let merged = merge_sorted(vec![
            list(&[("a", 1), ("c", 3), ("e", 5)]),
            list(&[("b", 20), ("c", 30)]),
            Groups::default(),
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
        for (k, t) in [("b", 2), ("a", 1), ("b", 5)].map(|(s, n)| (key(s), kg(n))) {
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
