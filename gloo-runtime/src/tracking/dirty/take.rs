//! Taking what an upload sends: clearing the bits of planned runs
//! ([`take_runs`](DirtyBits::take_runs)) or of every dirty record, each
//! handed over ([`take_records`](DirtyBits::take_records)), counting each
//! slot's cleared bits as they go; with their fixed-slot-count forms.

use core::ops::Range;

use super::cpu::{prefetch_ahead, with_popcnt};
use super::{any_set, fold_records, for_each_word_of, record_starts, DirtyBits, BLOCK, WORD};

impl DirtyBits {
    /// Clears the bits of the records in `runs` and adds each slot's
    /// cleared bits to `counts` (one per slot). Where the runs hold every
    /// pending bit, as an upload's plan does, this is
    /// [`count_per_slot`](Self::count_per_slot) then
    /// [`clear`](Self::clear), in one pass over the runs' words only: a
    /// sparse plan's words are a few of the set's.
    ///
    /// # Panics
    ///
    /// If a run ends past the records, or `counts` is not one per slot.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::dirty::DirtyBits;
    ///
    /// let mut bits = DirtyBits::new(100, 2);
    /// bits.mark(2 * 3);
    /// bits.mark(2 * 3 + 1);
    /// bits.mark(2 * 40 + 1);
    /// let mut counts = [0; 2];
    /// bits.take_runs([3..4, 40..41], &mut counts);
    /// assert_eq!(counts, [1, 2]);
    /// assert!(bits.is_empty());
    /// ```
    pub fn take_runs(&mut self, runs: impl IntoIterator<Item = Range<usize>>, counts: &mut [usize]) {
        assert_eq!(counts.len(), self.slots, "one count per slot");
        with_popcnt(
            #[inline(always)]
            || match (self.shift, self.slots) {
                // One, two or four slots: the counts in registers.
                (Some(_), 1) => counts.copy_from_slice(&self.take_runs_fixed::<1>(runs)),
                (Some(_), 2) => counts.copy_from_slice(&self.take_runs_fixed::<2>(runs)),
                (Some(_), 4) => counts.copy_from_slice(&self.take_runs_fixed::<4>(runs)),
                (Some(_), slots) if slots <= WORD => self.take_runs_masked(runs, counts),
                (_, slots) => self.take_runs_with(runs, |index, word| {
                    let mut rest = word;
                    while rest != 0 {
                        counts[(index * WORD + rest.trailing_zeros() as usize) % slots] += 1;
                        rest &= rest - 1;
                    }
                }),
            },
        )
    }

    /// Calls `f` with each record that has a pending slot, in order, and
    /// its pending slots (slot `s` at bit `s`), and clears the set, adding
    /// each slot's bits to `counts` (one per slot):
    /// [`merged_runs`](Self::merged_runs)`(0)` then
    /// [`take_runs`](Self::take_runs) in one pass over the words, with no
    /// runs built. An upload that sends each dirty record by itself (wgpu's
    /// scatter packs their dirty fields) finds them this way. `false`, with
    /// nothing done, unless the slot count is a power of two of at most 64
    /// (records lie whole in a word).
    ///
    /// # Panics
    ///
    /// If `counts` is not one per slot.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::dirty::DirtyBits;
    ///
    /// let mut bits = DirtyBits::new(100, 2);
    /// bits.mark(2 * 3 + 1);
    /// bits.mark_records(40..42);
    /// let (mut records, mut counts) = (Vec::new(), [0; 2]);
    /// assert!(bits.take_records(&mut counts, |record, slots| records.push((record, slots))));
    /// assert_eq!((records, counts), (vec![(3, 0b10), (40, 0b11), (41, 0b11)], [2, 3]));
    /// assert!(bits.is_empty());
    /// assert!(!DirtyBits::new(100, 3).take_records(&mut [0; 3], |_, _| {}));
    /// ```
    pub fn take_records(&mut self, counts: &mut [usize], mut f: impl FnMut(usize, u64)) -> bool {
        assert_eq!(counts.len(), self.slots, "one count per slot");
        if !self.takes_records() {
            return false;
        }
        with_popcnt(
            #[inline(always)]
            || match self.slots {
                1 => counts.copy_from_slice(&self.take_records_fixed::<1>(&mut f)),
                2 => counts.copy_from_slice(&self.take_records_fixed::<2>(&mut f)),
                4 => counts.copy_from_slice(&self.take_records_fixed::<4>(&mut f)),
                8 => counts.copy_from_slice(&self.take_records_fixed::<8>(&mut f)),
                16 => counts.copy_from_slice(&self.take_records_fixed::<16>(&mut f)),
                32 => counts.copy_from_slice(&self.take_records_fixed::<32>(&mut f)),
                _ => counts.copy_from_slice(&self.take_records_fixed::<WORD>(&mut f)),
            },
        );
        true
    }

    /// [`take_records`](Self::take_records) into `found`, emptied first:
    /// each dirty record with its pending slots, in order; and the runs an
    /// upload's plan makes of them, records at most `gap` clean records
    /// apart sharing one: how many runs, and how many records they cover.
    /// `None`, with nothing done, where `take_records` cannot take this
    /// set's records.
    ///
    /// # Panics
    ///
    /// If `counts` is not one per slot.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::dirty::DirtyBits;
    ///
    /// let mut bits = DirtyBits::new(100, 2);
    /// bits.mark(2 * 3 + 1);
    /// bits.mark_records(6..8);
    /// bits.mark(2 * 50);
    /// let (mut found, mut counts) = (Vec::new(), [0; 2]);
    /// // Records 3, 6 and 7 in one run across a gap of two, 50 in another.
    /// assert_eq!(bits.take_found(&mut counts, 2, &mut found), Some((2, 6)));
    /// assert_eq!(found, [(3, 0b10), (6, 0b11), (7, 0b11), (50, 0b01)]);
    /// assert_eq!(counts, [3, 3]);
    /// assert!(bits.is_empty());
    /// ```
    pub fn take_found(
        &mut self,
        counts: &mut [usize],
        gap: usize,
        found: &mut Vec<(usize, u64)>,
    ) -> Option<(usize, usize)> {
        found.clear();
        // A record further than `gap` clean records from the last starts a
        // run.
        let (mut runs, mut covered, mut next) = (0, 0, None);
        let taken = self.take_records(counts, |record, slots| {
            covered += match next {
                Some(next) if record - next <= gap => record + 1 - next,
                _ => {
                    runs += 1;
                    1
                }
            };
            next = Some(record + 1);
            found.push((record, slots));
        });
        taken.then_some((runs, covered))
    }

    /// Whether [`take_records`](Self::take_records) can take this set's
    /// records: its slot count is a power of two of at most 64.
    pub fn takes_records(&self) -> bool {
        self.shift.is_some() && self.slots <= WORD
    }

    /// [`take_records`](Self::take_records) for `S` slots, a power of two
    /// at most [`WORD`]: the slot count a constant, so that the fold, the
    /// shift and the counts compile to fixed operations in registers.
    #[inline(always)]
    fn take_records_fixed<const S: usize>(&mut self, f: &mut impl FnMut(usize, u64)) -> [usize; S] {
        debug_assert_eq!(self.slots, S);
        let (starts, per_word, shift) = (record_starts(S), WORD / S, S.trailing_zeros());
        // A record's slots, shifted down to bit 0.
        let slots = if S == WORD { u64::MAX } else { (1 << S) - 1 };
        let mut counts = [0; S];
        let mut at = 0;
        while at < self.words.len() {
            let end = (at + BLOCK).min(self.words.len());
            prefetch_ahead(&self.words, at);
            if !any_set(&self.words[at..end]) {
                at = end;
                continue;
            }
            for index in at..end {
                let word = core::mem::take(&mut self.words[index]);
                for (slot, count) in counts.iter_mut().enumerate() {
                    *count += (word & starts << slot).count_ones() as usize;
                }
                let mut folded = fold_records(word, S, starts);
                while folded != 0 {
                    let at = folded.trailing_zeros();
                    f(index * per_word + (at >> shift) as usize, word >> at & slots);
                    folded &= folded - 1;
                }
            }
            at = end;
        }
        counts
    }

    /// [`take_runs`](Self::take_runs)' counts for `S` slots, `S` a power of
    /// two.
    #[inline(always)]
    fn take_runs_fixed<const S: usize>(&mut self, runs: impl IntoIterator<Item = Range<usize>>) -> [usize; S] {
        let mut counts = [0; S];
        self.take_runs_masked(runs, &mut counts);
        counts
    }

    /// [`take_runs`](Self::take_runs) for a power-of-two slot count: slot
    /// `s` sits at the same positions in every word, one mask and a
    /// popcount per slot and word (as in `count_masked`).
    #[inline(always)]
    fn take_runs_masked(&mut self, runs: impl IntoIterator<Item = Range<usize>>, counts: &mut [usize]) {
        let every = record_starts(counts.len());
        self.take_runs_with(runs, |_, word| {
            for (slot, count) in counts.iter_mut().enumerate() {
                *count += (word & every << slot).count_ones() as usize;
            }
        });
    }

    /// Clears the bits of the records in `runs`, handing `f` each word's
    /// index and cleared bits.
    #[inline(always)]
    fn take_runs_with(&mut self, runs: impl IntoIterator<Item = Range<usize>>, mut f: impl FnMut(usize, u64)) {
        let (slots, records) = (self.slots, self.records());
        for run in runs {
            assert!(run.end <= records, "run {run:?} past {records} records");
            self.take_bits(run.start * slots..run.end * slots, &mut f);
        }
    }

    /// Clears `bits`, handing `f` each word's index and cleared bits.
    #[inline(always)]
    fn take_bits(&mut self, bits: Range<usize>, mut f: impl FnMut(usize, u64)) {
        for_each_word_of(bits, |words, mask| {
            for index in words {
                let word = &mut self.words[index];
                f(index, *word & mask);
                *word &= !mask;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::dirty::xorshift;

    /// 2000 records of `slots` slots, each bit set with `density` in a
    /// thousand, and records 700..1100 whole.
    fn random_bits(next: &mut impl FnMut() -> u64, slots: usize, density: u64) -> DirtyBits {
        let mut bits = DirtyBits::new(2000, slots);
        for bit in 0..2000 * slots {
            if next() % 1000 < density {
                bits.mark(bit);
            }
        }
        bits.mark_records(700..1100);
        bits
    }

    #[test]
    fn taking_runs_counts_and_clears_their_bits_only() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        // The specialised counts (1, 2, 4), the general masks (8, 64) and
        // the bit walk (3, 5, 65).
        for slots in [1, 2, 3, 4, 5, 8, 64, 65] {
            for density in [1, 30, 500] {
                let bits = random_bits(&mut next, slots, density);
                let at = format!("slots {slots}, density {density}");
                // Every plan holds all the bits: the counts are
                // `count_per_slot`'s, and nothing is left.
                for gap in [0, 3, 5000] {
                    let (mut taken, mut expected) = (bits.clone(), vec![0; slots]);
                    bits.count_per_slot(&mut expected);
                    let mut counts = vec![0; slots];
                    taken.take_runs(bits.merged_runs(gap), &mut counts);
                    assert_eq!(counts, expected, "{at}, gap {gap}");
                    assert!(taken.is_empty(), "{at}, gap {gap}");
                }
                // Runs that hold some of them: those are counted and
                // cleared, the others kept, bit for bit.
                let runs = [0..1, 5..70, 70..71, 650..1000, 1999..2000];
                let (mut taken, mut counts) = (bits.clone(), vec![0; slots]);
                taken.take_runs(runs.iter().cloned(), &mut counts);
                let (mut expected, mut kept) = (vec![0; slots], Vec::new());
                for bit in bits.ones() {
                    match runs.iter().any(|run| run.contains(&(bit / slots))) {
                        true => expected[bit % slots] += 1,
                        false => kept.push(bit),
                    }
                }
                assert_eq!(counts, expected, "{at}");
                assert_eq!(taken.ones().collect::<Vec<_>>(), kept, "{at}");
            }
        }
    }

    #[test]
    fn taking_records_finds_each_dirty_record_once_and_clears_all() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for slots in [1, 2, 4, 8, 16, 32, 64] {
            for density in [1, 30, 500, 1000] {
                let bits = random_bits(&mut next, slots, density);
                let at = format!("slots {slots}, density {density}");
                // Each record with a set bit, and its set slots.
                let mut expected_records: Vec<(usize, u64)> = Vec::new();
                for bit in bits.ones() {
                    let (record, slot) = (bit / slots, bit % slots);
                    match expected_records.last_mut() {
                        Some((last, mask)) if *last == record => *mask |= 1 << slot,
                        _ => expected_records.push((record, 1 << slot)),
                    }
                }
                let mut expected_counts = vec![0; slots];
                bits.count_per_slot(&mut expected_counts);
                let (mut taken, mut records, mut counts) = (bits.clone(), Vec::new(), vec![0; slots]);
                assert!(taken.take_records(&mut counts, |record, slots| records.push((record, slots))), "{at}");
                assert_eq!(records, expected_records, "{at}");
                assert_eq!(counts, expected_counts, "{at}");
                assert!(taken.is_empty(), "{at}");
            }
        }
        // Slot counts that are no power of two, or more than a word holds,
        // are left alone.
        for slots in [3, 5, 65] {
            let mut bits = DirtyBits::new(10, slots);
            bits.mark_records(2..4);
            let before = bits.clone();
            assert!(!bits.take_records(&mut vec![0; slots], |_, _| panic!("no record taken")));
            assert_eq!(bits, before);
        }
    }
}
