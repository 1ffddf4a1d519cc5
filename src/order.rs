//! One sort for the whole crate ([`sort_by`]): below every layer, it uses nothing of
//! them.
//!
//! `slice::sort_by` is generic over the element and the comparison, so every call site
//! carries its own copy of the standard library's sort (about 3.5 KB of `.wasm` each;
//! twiggy counted nine stable and two unstable copies in the page, issue 12). Here the
//! sort itself runs once, non-generic, on positions compared through a `&dyn Fn`; what
//! stays generic is only putting the elements in that order.

use std::cmp::Ordering;

/// The positions `0..n` in the order `cmp` says, equal ones in their own order.
#[inline(never)]
fn sorted_positions(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..n).collect();
    positions.sort_by(|&a, &b| cmp(a, b));
    positions
}

/// Sorts `items` by `cmp`, stably (equal items keep their order), as
/// `slice::sort_by` does.
pub fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let positions = sorted_positions(items.len(), &|a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(positions.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` in their own order ([`Ord`]), stably.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_library() {
        let mut pairs: Vec<(u32, char)> = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        let mut expected = pairs.clone();
        expected.sort_by_key(|p| p.0);
        sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        assert_eq!(pairs, expected);
        let mut words = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort(&mut words);
        assert_eq!(words, ["a", "a", "b", "c"]);
        let mut none: Vec<u8> = vec![];
        sort(&mut none);
        assert!(none.is_empty());
        let mut many: Vec<u64> = (0..1000).map(|i| (i * 7919) % 1009).collect();
        let mut expected = many.clone();
        expected.sort();
        sort(&mut many);
        assert_eq!(many, expected);
    }
}
