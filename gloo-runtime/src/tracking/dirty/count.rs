//! Counts of pending bits: in all, and per slot, where a power-of-two slot
//! count puts each slot at the same positions of every word (one mask and
//! a popcount per slot and word).

use super::cpu::with_popcnt;
use super::{any_set, record_starts, DirtyBits, WORD};

impl DirtyBits {
    /// The number of pending slots.
    pub fn count(&self) -> usize {
        with_popcnt(
            #[inline(always)]
            || self.words.iter().map(|w| w.count_ones() as usize).sum(),
        )
    }

    /// How many pending bits each slot has, into `counts` (one per slot).
    ///
    /// Built with the `popcnt` instruction where the CPU has it, as
    /// [`count`](Self::count) is.
    ///
    /// # Panics
    ///
    /// If `counts` does not hold one count per slot.
    pub fn count_per_slot(&self, counts: &mut [usize]) {
        assert_eq!(counts.len(), self.slots, "one count per slot");
        counts.fill(0);
        with_popcnt(
            #[inline(always)]
            || match (self.shift, self.slots) {
                // One, two or four slots: the counts in registers.
                (Some(_), 1) => counts.copy_from_slice(&self.count_fixed::<1>()),
                (Some(_), 2) => counts.copy_from_slice(&self.count_fixed::<2>()),
                (Some(_), 4) => counts.copy_from_slice(&self.count_fixed::<4>()),
                (Some(_), slots) if slots <= WORD => self.count_masked(counts),
                _ => self.ones().for_each(|bit| counts[bit % self.slots] += 1),
            },
        )
    }

    /// The per-slot counts for `S` slots, `S` a power of two.
    #[inline(always)]
    fn count_fixed<const S: usize>(&self) -> [usize; S] {
        let mut counts = [0; S];
        self.count_masked(&mut counts);
        counts
    }

    /// Adds each slot's pending bits to `counts`, for a power-of-two slot
    /// count. Slot `s` sits at the same positions in every word: one mask
    /// and a popcount per slot and word. Empty blocks of words are skipped
    /// (sparse sets cost nothing); inside a block no word is tested, as a
    /// mispredicted test costs more than a popcount.
    #[inline(always)]
    fn count_masked(&self, counts: &mut [usize]) {
        let every = record_starts(counts.len());
        self.for_each_nonempty_block(|block| {
            for &word in block {
                for (slot, count) in counts.iter_mut().enumerate() {
                    *count += (word & every << slot).count_ones() as usize;
                }
            }
        });
    }

    /// Calls `f` with each block of [`BLOCK`](super::BLOCK) words that has a bit set.
    #[inline(always)]
    fn for_each_nonempty_block(&self, mut f: impl FnMut(&[u64])) {
        for (_, block) in self.blocks() {
            if any_set(block) {
                f(block);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_slot() {
        // Each specialised count (1, 2, 4), the general masks (8, 16) and
        // the bit walk (3, 5); records across many words and blocks.
        for slots in [1, 2, 3, 4, 5, 8, 16] {
            let mut bits = DirtyBits::new(3000, slots);
            bits.mark_records(10..20);
            bits.mark_records(1000..1700);
            bits.mark(slots * 50);
            bits.mark(slots * 2999 + slots - 1);
            let mut counts = vec![0; slots];
            bits.count_per_slot(&mut counts);
            let mut expected = vec![710; slots];
            expected[0] += 1;
            expected[slots - 1] += 1;
            assert_eq!(counts, expected, "slots {slots}");
            assert_eq!(bits.count(), expected.iter().sum::<usize>(), "slots {slots}");
        }
    }
}
