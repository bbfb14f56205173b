//! The pending-write set: one bit per (record, slot), nothing else.
//!
//! This is the hot path of every tracked write, so a write costs one bit set
//! and nothing more: no running extent, no counter. Everything a caller asks
//! about (extent, runs of dirty records, bytes written) is derived on demand by
//! scans that skip empty words. Memory is bounded by the buffer's size, never
//! by the number of writes.

// Here: the set and its basics (construction, marks, growth, emptiness, the
// first and last bit) and the one-word helpers the passes share. The passes
// are in submodules by concern: the scans that skip empty words (`words`),
// the runs of dirty records (`runs`), the counts per slot (`count`),
// clearing what an upload sends (`take`), and the CPU-specific helpers,
// `popcnt` and prefetch (`cpu`).

use core::ops::Range;
use std::collections::TryReserveError;

mod count;
mod cpu;
mod runs;
mod take;
mod words;

// wgpu's scatter prefetches with it; without wgpu nothing outside does.
#[cfg_attr(not(feature = "wgpu"), allow(unused_imports))]
pub(crate) use cpu::prefetch_line;

const WORD: usize = u64::BITS as usize;

/// Sets bit `bit % WORD` of `word`, storing only if it was clear.
///
/// The write path's one cost beyond the user's own store is this store,
/// and out of cache it is most of the cost: a write that misses the cache
/// holds its store-buffer entry until its line arrives, so streaming
/// random writes run at the rate the store buffer drains, and an
/// unconditional bit store is a third entry beside the user's two (1.4 to
/// 1.5x a raw write, measured). Loads do not wait there. A record written
/// again before the upload, the common case in a frame of edits, finds its
/// bit set and stores nothing; a first write costs a predicted branch.
#[inline(always)]
fn set_bit(word: &mut u64, bit: usize) {
    let mask = 1 << (bit % WORD);
    if *word & mask == 0 {
        *word |= mask;
    }
}

/// The panic of a mark past the end, in std's words.
#[cold]
#[inline(never)]
#[track_caller]
fn bit_out_of_bounds(bits: Range<usize>, len: usize) -> ! {
    panic!("bit {} out of bounds: the set holds {len} bits", bits.end - 1)
}

/// Words tested at once when skipping empty stretches.
const BLOCK: usize = 8;

/// A bit set over `records × slots` bits, with record-level queries.
///
/// A slot is a field of a vertex struct (or the whole element of an index
/// buffer); bit `record * slots + slot` is set when that field of that record
/// has a pending write.
///
/// # Examples
///
/// ```
/// use gloo_runtime::dirty::DirtyBits;
///
/// let mut bits = DirtyBits::new(10, 2); // 10 records of 2 fields
/// bits.mark(2 * 3 + 1); // field 1 of record 3
/// bits.mark_records(7..9);
/// assert_eq!(bits.merged_runs(0), vec![3..4, 7..9]);
/// assert_eq!(bits.merged_runs(3), vec![3..9]);
/// assert_eq!(DirtyBits::default().records(), 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirtyBits {
    words: Vec<u64>,
    slots: usize,
    /// `log2(slots)` when `slots` is a power of two: scans then find a bit's
    /// record with a shift instead of a division.
    shift: Option<u32>,
    bits: usize,
}

impl DirtyBits {
    /// An empty set for `records` records of `slots` slots each.
    ///
    /// # Panics
    ///
    /// Panics if `slots` is 0 or the bit count overflows `usize`; callers
    /// check shapes before building one.
    pub fn new(records: usize, slots: usize) -> Self {
        assert!(slots > 0, "a record has at least one slot");
        let bits = records.checked_mul(slots).expect("bit count overflows usize");
        let shift = slots.is_power_of_two().then(|| slots.trailing_zeros());
        DirtyBits { words: vec![0; bits.div_ceil(WORD)], slots, shift, bits }
    }

    /// As [`new`](Self::new), but a bit count that overflows or memory that
    /// cannot be had is an error instead of a panic or an abort.
    ///
    /// # Errors
    ///
    /// The allocator's error, or a capacity overflow if `records * slots`
    /// overflows `usize`.
    ///
    /// # Panics
    ///
    /// If `slots` is 0.
    pub fn try_new(records: usize, slots: usize) -> Result<Self, TryReserveError> {
        let mut empty = Self::new(0, slots);
        empty.try_resize(records)?;
        Ok(empty)
    }

    /// Slots per record.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Records covered.
    pub fn records(&self) -> usize {
        self.bits / self.slots
    }

    /// The heap memory the set holds, in bytes: one bit per slot of each
    /// record (and spare capacity after growth).
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * size_of::<u64>()
    }

    /// Marks one slot: bit `record * slots + slot`.
    ///
    /// # Panics
    ///
    /// If `bit` is out of bounds (`bit >= records * slots`), as slice
    /// indexing does; [`try_mark`](Self::try_mark) returns `false` instead.
    /// A bit past the end would otherwise plan an upload past the buffer.
    #[inline(always)]
    #[track_caller]
    pub fn mark(&mut self, bit: usize) {
        if !self.try_mark(bit) {
            bit_out_of_bounds(bit..bit + 1, self.bits);
        }
    }

    /// Marks one slot, as [`mark`](Self::mark), or returns `false` (marking
    /// nothing) if `bit` is out of bounds.
    ///
    /// ```
    /// use gloo_runtime::dirty::DirtyBits;
    ///
    /// let mut bits = DirtyBits::new(3, 1);
    /// assert!(bits.try_mark(2));
    /// assert!(!bits.try_mark(40));
    /// assert_eq!(bits.merged_runs(0), vec![2..3]);
    /// ```
    #[inline(always)]
    pub fn try_mark(&mut self, bit: usize) -> bool {
        if bit >= self.bits {
            return false;
        }
        // SAFETY: checked just above.
        unsafe { self.mark_unchecked(bit) };
        true
    }

    /// Marks one slot without a bounds check: for the tracked write path.
    ///
    /// # Safety
    ///
    /// `bit < records * slots`.
    #[inline(always)]
    pub unsafe fn mark_unchecked(&mut self, bit: usize) {
        debug_assert!(bit < self.bits);
        // SAFETY: `bit < self.bits <= self.words.len() * WORD` by the caller's
        // promise and `new`/`resize`, which size `words` to hold every bit.
        set_bit(unsafe { self.words.get_unchecked_mut(bit / WORD) }, bit);
    }

    /// Marks every slot of the records in `records` (an empty range marks
    /// nothing).
    ///
    /// # Panics
    ///
    /// If a record of a non-empty range is out of bounds.
    #[track_caller]
    pub fn mark_records(&mut self, records: Range<usize>) {
        let slots = self.slots;
        self.mark_bits(records.start.saturating_mul(slots)..records.end.saturating_mul(slots));
    }

    /// Marks every bit in `bits` (an empty range marks nothing).
    ///
    /// # Panics
    ///
    /// If a bit of a non-empty range is out of bounds.
    #[track_caller]
    pub fn mark_bits(&mut self, bits: Range<usize>) {
        if bits.is_empty() {
            return;
        }
        if bits.end > self.bits {
            bit_out_of_bounds(bits, self.bits);
        }
        for_each_word_of(bits, |words, mask| self.words[words].iter_mut().for_each(|word| *word |= mask));
    }

    /// Marks the `count` bits `start`, `start + step`, `start + 2 step`, …:
    /// one word at a time, with the bit pattern the step leaves in each word,
    /// so marking a column of a 2-d buffer costs a store per word, not per
    /// record.
    ///
    /// # Panics
    ///
    /// If the last bit is past the end.
    #[track_caller]
    pub fn mark_strided(&mut self, start: usize, step: usize, count: usize) {
        if count == 0 {
            return;
        }
        let last = (count - 1).checked_mul(step).and_then(|span| span.checked_add(start));
        let end = match last {
            Some(last) if last < self.bits => last + 1,
            _ => bit_out_of_bounds(start..last.map_or(usize::MAX, |last| last.saturating_add(1)), self.bits),
        };
        match step {
            0 => self.mark(start),
            1 => self.mark_bits(start..end),
            step if step >= WORD => (0..count).for_each(|k| self.mark(start + k * step)),
            step => {
                let pattern = (0..WORD).step_by(step).fold(0u64, |mask, at| mask | 1 << at);
                let (mut word, mut phase) = (start / WORD, start % WORD);
                let last = (end - 1) / WORD;
                if WORD.is_multiple_of(step) && word < last {
                    // Every word after the first has the same pattern: a
                    // plain fill, which the compiler vectorizes.
                    self.words[word] |= pattern << phase;
                    let every = pattern << (start % step);
                    self.words[word + 1..last].iter_mut().for_each(|w| *w |= every);
                    (word, phase) = (last, start % step);
                }
                while word < last {
                    let mask = pattern << phase;
                    self.words[word] |= mask;
                    // The run's next bit is one step past the word's last
                    // one: no division on this path.
                    let next = (WORD - 1 - mask.leading_zeros() as usize) + step;
                    word += next / WORD; // 1, as step < WORD
                    phase = next % WORD;
                }
                let tail = !0u64 >> (WORD - 1 - (end - 1) % WORD);
                self.words[last] |= (pattern << phase) & tail;
            }
        }
    }

    /// Marks bit `origin + Σ i[k] · step[k]` for every index `i` of a grid
    /// whose axes are `(length, step)`: the bits of a strided (ndarray) view.
    /// Steps may be negative (a reversed axis); the axes are reordered and
    /// merged where they are contiguous, so a whole-buffer view is one
    /// range and a column is one strided run.
    ///
    /// # Panics
    ///
    /// If a bit of the grid is out of bounds.
    pub fn mark_grid(&mut self, mut origin: usize, axes: &mut Vec<(usize, isize)>) {
        if axes.iter().any(|&(len, _)| len == 0) {
            return;
        }
        // Walk every axis forwards from its lowest bit.
        axes.retain(|&(len, _)| len > 1);
        let mut grid: Vec<(usize, usize)> = axes
            .iter()
            .map(|&(len, step)| {
                if step < 0 {
                    origin -= (len - 1) * step.unsigned_abs();
                }
                (len, step.unsigned_abs())
            })
            .collect();
        grid.sort_by_key(|&(_, step)| step);
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(grid.len());
        for (len, step) in grid {
            match merged.last_mut() {
                Some((inner_len, inner_step)) if *inner_step * *inner_len == step => *inner_len *= len,
                _ => merged.push((len, step)),
            }
        }
        let Some((&(len, step), outer)) = merged.split_first() else {
            self.mark(origin);
            return;
        };
        let mut index = vec![0; outer.len()];
        loop {
            let at = origin + index.iter().zip(outer).map(|(&i, &(_, step))| i * step).sum::<usize>();
            self.mark_strided(at, step, len);
            // The next index of the outer axes, innermost fastest.
            let Some(axis) = (0..outer.len()).find(|&axis| index[axis] + 1 < outer[axis].0) else {
                return;
            };
            index[axis] += 1;
            index[..axis].fill(0);
        }
    }

    /// Marks everything.
    pub fn mark_all(&mut self) {
        self.mark_bits(0..self.bits);
    }

    /// Forgets every pending write.
    pub fn clear(&mut self) {
        self.words.fill(0);
    }

    /// Changes the number of records; new records start clean.
    ///
    /// # Panics
    ///
    /// If the bit count overflows `usize`; aborts if memory runs out.
    /// [`try_resize`](Self::try_resize) returns an error for both.
    pub fn resize(&mut self, records: usize) {
        let bits = records.checked_mul(self.slots).expect("bit count overflows usize");
        self.resize_bits(bits);
    }

    /// Changes the number of records; new records start clean. On error
    /// nothing changes.
    ///
    /// # Errors
    ///
    /// The allocator's error, or a capacity overflow if the bit count
    /// overflows `usize`.
    pub fn try_resize(&mut self, records: usize) -> Result<(), TryReserveError> {
        let Some(bits) = records.checked_mul(self.slots) else {
            return Err(capacity_overflow());
        };
        let words = bits.div_ceil(WORD);
        self.words.try_reserve(words.saturating_sub(self.words.len()))?;
        self.resize_bits(bits);
        Ok(())
    }

    fn resize_bits(&mut self, bits: usize) {
        if bits < self.bits {
            self.words.truncate(bits.div_ceil(WORD));
            if !bits.is_multiple_of(WORD) {
                // Bits past the end must stay clear: a later growth would
                // otherwise find stale writes there.
                *self.words.last_mut().expect("non-empty") &= !(!0u64 << (bits % WORD));
            }
        } else {
            self.words.resize(bits.div_ceil(WORD), 0);
        }
        self.bits = bits;
    }

    /// Adds every bit of `other` (a set of the same size) to this one.
    ///
    /// # Panics
    ///
    /// If the two sets differ in records or slots.
    pub fn union_with(&mut self, other: &DirtyBits) {
        assert_eq!((self.bits, self.slots), (other.bits, other.slots), "sets of different sizes");
        for (index, word) in other.nonzero_words() {
            self.words[index] |= word;
        }
    }

    /// Whether no write is pending.
    ///
    /// A block of words at a time, as the scans skip: every bind or draw
    /// of a clean buffer asks (BENCHMARKS.md has what that saves).
    pub fn is_empty(&self) -> bool {
        self.blocks().all(|(_, block)| !any_set(block))
    }

    /// The first set bit at or after `from`.
    pub fn next_one(&self, from: usize) -> Option<usize> {
        if from >= self.bits {
            return None;
        }
        let index = from / WORD;
        let word = self.words[index] & (!0u64 << (from % WORD));
        if word != 0 {
            return Some(index * WORD + word.trailing_zeros() as usize);
        }
        // The rest a block of words at a time, as `nonzero_words` does.
        let rest = &self.words[index + 1..];
        let block = rest.chunks(BLOCK).position(any_set)?;
        let at = block * BLOCK + rest[block * BLOCK..].iter().position(|&w| w != 0).expect("a non-empty block");
        Some((index + 1 + at) * WORD + rest[at].trailing_zeros() as usize)
    }

    /// The last set bit.
    pub fn last_one(&self) -> Option<usize> {
        // Blocks of words from the end, as `next_one` does from the start.
        let tail = self.words.len() % BLOCK;
        let (blocks, last) = self.words.split_at(self.words.len() - tail);
        let index = match last.iter().rposition(|&w| w != 0) {
            Some(at) => blocks.len() + at,
            None => {
                let block = blocks.chunks(BLOCK).rposition(any_set)?;
                let words = &blocks[block * BLOCK..(block + 1) * BLOCK];
                block * BLOCK + words.iter().rposition(|&w| w != 0).expect("a non-empty block")
            }
        };
        Some(index * WORD + (WORD - 1 - self.words[index].leading_zeros() as usize))
    }

    /// The record a bit belongs to.
    #[inline]
    pub fn record_of(&self, bit: usize) -> usize {
        match self.shift {
            Some(shift) => bit >> shift,
            None => bit / self.slots,
        }
    }
}

/// An empty set of no records, one slot each: every query answers "nothing".
impl Default for DirtyBits {
    fn default() -> Self {
        DirtyBits::new(0, 1)
    }
}

/// The error `Vec` gives for a size past `usize`: `TryReserveError` has no
/// public constructor, so ask for one element more than any `Vec` can hold.
fn capacity_overflow() -> TryReserveError {
    Vec::<u64>::new().try_reserve_exact(usize::MAX).expect_err("no Vec holds usize::MAX words")
}

/// Calls `f` with the words that `bits` reaches, in order, and the mask
/// of their bits among them: the first word with its head mask, the words
/// between (a range, so that marking them is one vectorized loop) with
/// all ones, the last with its tail mask. Nothing for an empty range.
#[inline(always)]
fn for_each_word_of(bits: Range<usize>, mut f: impl FnMut(Range<usize>, u64)) {
    if bits.is_empty() {
        return;
    }
    let (first, last) = (bits.start / WORD, (bits.end - 1) / WORD);
    let head = !0u64 << (bits.start % WORD);
    let tail = !0u64 >> (WORD - 1 - (bits.end - 1) % WORD);
    if first == last {
        return f(first..first + 1, head & tail);
    }
    f(first..first + 1, head);
    f(first + 1..last, !0);
    f(last..last + 1, tail);
}

/// Whether any word of `block` has a bit set: one OR of them all, which
/// the compiler turns into wide loads, and a single test. The scans skip
/// empty blocks of words this way.
#[inline(always)]
fn any_set(block: &[u64]) -> bool {
    block.iter().fold(0, |any, &w| any | w) != 0
}

/// A word's bits with a bit at each record's first slot (`slots` a power
/// of two at most [`WORD`]).
fn record_starts(slots: usize) -> u64 {
    (0..WORD).step_by(slots).fold(0u64, |mask, at| mask | 1 << at)
}

/// `word` with each record's slots folded onto its first bit: a bit at
/// each record's first slot (`starts`) where any of its slots is set.
#[inline(always)]
fn fold_records(word: u64, slots: usize, starts: u64) -> u64 {
    let mut folded = word;
    let mut width = 1;
    while width < slots {
        folded |= folded >> width;
        width <<= 1;
    }
    folded & starts
}

/// A xorshift generator from `seed` (not zero): the tests' scattered
/// bits, the same every run.
#[cfg(test)]
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(bits: &DirtyBits) -> Vec<Range<usize>> {
        bits.merged_runs(0)
    }

    #[test]
    fn new_set_is_empty() {
        let bits = DirtyBits::new(100, 3);
        assert!(bits.is_empty());
        assert_eq!(bits.next_one(0), None);
        assert_eq!(bits.last_one(), None);
        assert_eq!(runs(&bits), vec![]);
    }

    #[test]
    fn mark_and_query_across_words() {
        let mut bits = DirtyBits::new(100, 2);
        bits.mark(3);
        bits.mark(130);
        assert_eq!(bits.next_one(0), Some(3));
        assert_eq!(bits.next_one(4), Some(130));
        assert_eq!(bits.last_one(), Some(130));
        assert_eq!(bits.ones().collect::<Vec<_>>(), vec![3, 130]);
        assert_eq!(runs(&bits), vec![1..2, 65..66]);
        assert_eq!(bits.count(), 2);
    }

    #[test]
    fn mark_bits_spanning_words_matches_single_marks() {
        for (start, end) in [(0, 0), (5, 6), (60, 70), (0, 64), (64, 128), (3, 190), (63, 65)] {
            let mut ranged = DirtyBits::new(64, 3);
            ranged.mark_bits(start..end);
            let mut single = DirtyBits::new(64, 3);
            (start..end).for_each(|bit| single.mark(bit));
            assert_eq!(ranged, single, "range {start}..{end}");
        }
    }

    #[test]
    fn adjacent_records_form_one_run() {
        let mut bits = DirtyBits::new(10, 2);
        bits.mark(2 * 2 + 1);
        bits.mark(3 * 2);
        bits.mark_records(4..6);
        bits.mark(8 * 2 + 1);
        assert_eq!(runs(&bits), vec![2..6, 8..9]);
    }

    #[test]
    fn next_one_agrees_with_a_bit_by_bit_search() {
        let mut bits = DirtyBits::new(5000, 1);
        for bit in [0, 63, 64, 700, 701, 1300, 4095, 4999] {
            bits.mark(bit);
        }
        let set: Vec<usize> = bits.ones().collect();
        for from in 0..5001 {
            let expected = set.iter().copied().find(|&bit| bit >= from);
            assert_eq!(bits.next_one(from), expected, "from {from}");
        }
        // The last bit, as bits are cleared from the end: in the tail
        // words, in a full block, none.
        for records in [5000, 4096, 64, 1] {
            let marked: Vec<usize> = [0, 63, 64, 700, 1300, 4095, 4999].into_iter().filter(|&b| b < records).collect();
            for count in 0..=marked.len() {
                let mut bits = DirtyBits::new(records, 1);
                marked[..count].iter().for_each(|&bit| bits.mark(bit));
                assert_eq!(bits.last_one(), marked[..count].last().copied(), "{records} records, {count} bits");
            }
        }
    }

    #[test]
    fn shrinking_clears_bits_past_the_end() {
        let mut bits = DirtyBits::new(100, 1);
        bits.mark_all();
        bits.resize(10);
        bits.resize(100);
        assert_eq!(runs(&bits), vec![0..10]);
    }

    #[test]
    fn strided_marks_match_single_marks() {
        for step in [1, 2, 3, 5, 7, 20, 63, 64, 65, 130] {
            for start in [0, 1, 31, 63, 64, 100] {
                for count in [0, 1, 2, 3, 10, 40, 200] {
                    let bits = start + count * step + 1;
                    let mut strided = DirtyBits::new(bits, 1);
                    strided.mark_strided(start, step, count);
                    let mut single = DirtyBits::new(bits, 1);
                    (0..count).for_each(|k| single.mark(start + k * step));
                    assert_eq!(strided, single, "start {start}, step {step}, count {count}");
                }
            }
        }
    }

    #[test]
    fn grid_marks_match_single_marks() {
        // (origin, axes): a 2-d column, a reversed axis, contiguous rows
        // that merge, a 3-d block, broadcast and empty axes.
        let cases: Vec<(usize, Vec<(usize, isize)>)> = vec![
            (3, vec![(10, 12)]),
            (117, vec![(10, -12)]),
            (0, vec![(4, 30), (10, 3)]),
            (5, vec![(3, 100), (4, 10), (5, 2)]),
            (200, vec![(3, -50), (1, 0), (6, 1)]),
            (0, vec![(0, 5), (3, 1)]),
            (9, vec![]),
        ];
        for (origin, axes) in cases {
            let mut grid = DirtyBits::new(400, 1);
            grid.mark_grid(origin, &mut axes.clone());
            let mut single = DirtyBits::new(400, 1);
            let mut points = vec![origin as isize];
            for &(len, step) in &axes {
                points = points.iter().flat_map(|&p| (0..len as isize).map(move |i| p + i * step)).collect();
            }
            points.iter().for_each(|&p| single.mark(p as usize));
            assert_eq!(grid, single, "origin {origin}, axes {axes:?}");
        }
    }

    #[test]
    fn any_one_bit_makes_a_set_non_empty() {
        // 47 words: five blocks and a short one at the end.
        let mut bits = DirtyBits::new(1000, 3);
        for bit in [0, 63, 64, 511, 512, 2047, 2048, 2900, 2999] {
            bits.mark(bit);
            assert!(!bits.is_empty(), "bit {bit}");
            assert_eq!(bits.next_one(0), Some(bit));
            bits.clear();
            assert!(bits.is_empty(), "cleared after bit {bit}");
        }
    }

    #[test]
    fn default_is_a_valid_empty_set() {
        let bits = DirtyBits::default();
        assert_eq!((bits.records(), bits.slots()), (0, 1));
        assert!(bits.is_empty());
        assert_eq!(bits.merged_runs(0), vec![]);
        assert_eq!(bits, DirtyBits::new(0, 1));
    }

    #[test]
    fn try_new_and_try_resize_report_what_cannot_be_had() {
        assert!(DirtyBits::try_new(usize::MAX, 2).is_err(), "bit count overflows");
        assert!(DirtyBits::try_new(usize::MAX / 2, 1).is_err(), "2^57 words are not to be had");
        let mut bits = DirtyBits::try_new(100, 3).expect("small sets allocate");
        bits.mark_records(99..100);
        assert!(bits.try_resize(usize::MAX).is_err());
        assert_eq!((bits.records(), bits.last_one()), (100, Some(299)), "a failed resize changes nothing");
        bits.try_resize(200).expect("growth");
        assert_eq!((bits.records(), bits.merged_runs(0)), (200, vec![99..100]));
    }

    #[test]
    fn union_adds_the_other_sets_bits() {
        let (mut a, mut b) = (DirtyBits::new(200, 1), DirtyBits::new(200, 1));
        a.mark(3);
        b.mark_records(100..130);
        a.union_with(&b);
        assert_eq!(a.merged_runs(0), vec![3..4, 100..130]);
        assert_eq!(b.merged_runs(0), vec![100..130]);
    }

    #[test]
    fn mark_all_then_clear() {
        let mut bits = DirtyBits::new(7, 5);
        bits.mark_all();
        assert_eq!(bits.count(), 35);
        assert_eq!(runs(&bits), vec![0..7]);
        bits.clear();
        assert!(bits.is_empty());
    }
}
