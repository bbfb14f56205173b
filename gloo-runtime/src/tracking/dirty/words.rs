//! The scans over the set's words: empty stretches skipped a block of
//! words at a time, the words ahead prefetched. The non-empty words, the
//! set bits, and the OR of rows of words.

use core::ops::{ControlFlow, Range};

use super::cpu::prefetch_ahead;
use super::{any_set, DirtyBits, BLOCK, WORD};

impl DirtyBits {
    /// The words in blocks of [`BLOCK`], each with its first word's index,
    /// the words ahead prefetched (see [`prefetch_ahead`]).
    #[inline(always)]
    pub(super) fn blocks(&self) -> impl Iterator<Item = (usize, &[u64])> + '_ {
        self.words.chunks(BLOCK).enumerate().map(|(b, block)| {
            prefetch_ahead(&self.words, b * BLOCK);
            (b * BLOCK, block)
        })
    }

    /// The non-empty words and their positions, in order. Empty stretches
    /// are skipped a block of words at a time, which the compiler turns into
    /// wide loads: sparse and clustered sets cost little more than their
    /// non-empty words.
    pub fn nonzero_words(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.blocks()
            .filter(|(_, block)| any_set(block))
            .flat_map(|(at, block)| block.iter().enumerate().filter(|(_, &w)| w != 0).map(move |(i, &w)| (at + i, w)))
    }

    /// The set bits in increasing order, skipping empty words.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.nonzero_words().flat_map(|(index, word)| {
            let mut rest = word;
            core::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    index * WORD + bit
                })
            })
        })
    }

    /// Calls `f` with each non-zero word and its index, in order, until it
    /// breaks: the loop of [`nonzero_words`](Self::nonzero_words), written
    /// out so that the hot passes compile to it (the iterator chain does
    /// not, by several times).
    pub fn try_for_each_nonzero_word(&self, mut f: impl FnMut(usize, u64) -> ControlFlow<()>) -> ControlFlow<()> {
        for (at, block) in self.blocks() {
            if !any_set(block) {
                continue;
            }
            // A bit per non-zero word, with no branch per word: a test per
            // word mispredicts on sparse sets, where a quarter of the
            // words hold a bit (1 % of records of two fields).
            let mut nonzero = block.iter().enumerate().fold(0u32, |mask, (i, &w)| mask | u32::from(w != 0) << i);
            while nonzero != 0 {
                let i = nonzero.trailing_zeros() as usize;
                f(at + i, block[i])?;
                nonzero &= nonzero - 1;
            }
        }
        ControlFlow::Continue(())
    }

    /// The OR of rows `rows` of `row_words` words each: for an image whose
    /// rows are `64 * row_words` bits, the columns set in any of those
    /// rows. One pass over them, no branch per word.
    pub fn or_rows(&self, row_words: usize, rows: Range<usize>) -> Vec<u64> {
        let mut columns = vec![0; row_words];
        let words = rows.start.saturating_mul(row_words).min(self.words.len())
            ..rows.end.saturating_mul(row_words).min(self.words.len());
        if row_words > 0 {
            for row in self.words[words].chunks(row_words) {
                columns.iter_mut().zip(row).for_each(|(column, &word)| *column |= word);
            }
        }
        columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn or_rows_has_the_columns_set_in_any_row() {
        // Rows of 128 bits (2 words): bits at columns 3, 70 and 127.
        let mut bits = DirtyBits::new(128 * 5, 1);
        bits.mark(3);
        bits.mark(2 * 128 + 70);
        bits.mark(4 * 128 + 127);
        assert_eq!(bits.or_rows(2, 0..5), vec![1 << 3, 1 << 6 | 1 << 63]);
        assert_eq!(bits.or_rows(2, 1..3), vec![0, 1 << 6]);
        assert_eq!(bits.or_rows(2, 4..9), vec![0, 1 << 63]);
        assert_eq!(DirtyBits::new(0, 1).or_rows(2, 0..1), vec![0, 0]);
        assert_eq!(bits.or_rows(0, 0..5), Vec::<u64>::new());
    }
}
