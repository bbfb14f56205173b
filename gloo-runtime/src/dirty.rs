//! The pending-write set: one bit per (record, slot), nothing else.
//!
//! This is the hot path of every tracked write, so a write costs one bit set
//! and nothing more: no running extent, no counter. Everything a caller asks
//! about (extent, runs of dirty records, bytes written) is derived on demand by
//! scans that skip empty words. Memory is bounded by the buffer's size, never
//! by the number of writes.

use core::ops::Range;

const WORD: usize = u64::BITS as usize;

/// A bit set over `records × slots` bits, with record-level queries.
///
/// A slot is a field of a vertex struct (or the whole element of an index
/// buffer); bit `record * slots + slot` is set when that field of that record
/// has a pending write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirtyBits {
    words: Vec<u64>,
    slots: usize,
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
        DirtyBits { words: vec![0; bits.div_ceil(WORD)], slots, bits }
    }

    /// Slots per record.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Records covered.
    pub fn records(&self) -> usize {
        self.bits / self.slots
    }

    /// Marks one slot. The caller has checked `bit < records * slots`.
    #[inline(always)]
    pub fn mark(&mut self, bit: usize) {
        debug_assert!(bit < self.bits);
        self.words[bit / WORD] |= 1 << (bit % WORD);
    }

    /// Marks every slot of the records in `records`.
    pub fn mark_records(&mut self, records: Range<usize>) {
        self.mark_bits(records.start * self.slots..records.end * self.slots);
    }

    /// Marks every bit in `bits` (empty ranges mark nothing).
    pub fn mark_bits(&mut self, bits: Range<usize>) {
        debug_assert!(bits.end <= self.bits);
        if bits.start >= bits.end {
            return;
        }
        let (first, last) = (bits.start / WORD, (bits.end - 1) / WORD);
        let head = !0u64 << (bits.start % WORD);
        let tail = !0u64 >> (WORD - 1 - (bits.end - 1) % WORD);
        if first == last {
            self.words[first] |= head & tail;
        } else {
            self.words[first] |= head;
            self.words[first + 1..last].fill(!0);
            self.words[last] |= tail;
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
    pub fn resize(&mut self, records: usize) {
        let bits = records.checked_mul(self.slots).expect("bit count overflows usize");
        if bits < self.bits {
            self.words.truncate(bits.div_ceil(WORD));
            if bits % WORD != 0 {
                // Bits past the end must stay clear: a later growth would
                // otherwise find stale writes there.
                *self.words.last_mut().expect("non-empty") &= !(!0u64 << (bits % WORD));
            }
        } else {
            self.words.resize(bits.div_ceil(WORD), 0);
        }
        self.bits = bits;
    }

    /// Whether no write is pending.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The number of pending slots.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The first set bit at or after `from`.
    pub fn next_one(&self, from: usize) -> Option<usize> {
        if from >= self.bits {
            return None;
        }
        let mut index = from / WORD;
        let mut word = self.words[index] & (!0u64 << (from % WORD));
        while word == 0 {
            index += 1;
            word = *self.words.get(index)?;
        }
        Some(index * WORD + word.trailing_zeros() as usize)
    }

    /// The last set bit.
    pub fn last_one(&self) -> Option<usize> {
        let index = self.words.iter().rposition(|&w| w != 0)?;
        Some(index * WORD + (WORD - 1 - self.words[index].leading_zeros() as usize))
    }

    /// The set bits in increasing order, skipping empty words.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().filter(|(_, &w)| w != 0).flat_map(|(index, &word)| {
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

    /// Maximal runs of records with at least one pending slot, in order.
    pub fn record_runs(&self) -> RecordRuns<'_> {
        RecordRuns { bits: self, next: 0 }
    }
}

/// Iterator over the runs of dirty records; see [`DirtyBits::record_runs`].
#[derive(Debug)]
pub struct RecordRuns<'a> {
    bits: &'a DirtyBits,
    next: usize,
}

impl Iterator for RecordRuns<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let slots = self.bits.slots;
        let start = self.bits.next_one(self.next * slots)? / slots;
        let mut end = start + 1;
        loop {
            // One scan finds either the run's next record or the next run's
            // start, which is where the following call resumes: no word is
            // read twice.
            match self.bits.next_one(end * slots) {
                Some(bit) if bit / slots == end => end += 1,
                found => {
                    self.next = found.map_or(self.bits.records(), |bit| bit / slots);
                    return Some(start..end);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(bits: &DirtyBits) -> Vec<Range<usize>> {
        bits.record_runs().collect()
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
    fn shrinking_clears_bits_past_the_end() {
        let mut bits = DirtyBits::new(100, 1);
        bits.mark_all();
        bits.resize(10);
        bits.resize(100);
        assert_eq!(runs(&bits), vec![0..10]);
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
