//! The pending-write set: one bit per (record, slot), nothing else.
//!
//! This is the hot path of every tracked write, so a write costs one bit set
//! and nothing more: no running extent, no counter. Everything a caller asks
//! about (extent, runs of dirty records, bytes written) is derived on demand by
//! scans that skip empty words. Memory is bounded by the buffer's size, never
//! by the number of writes.

use core::ops::{ControlFlow, Range};
use std::collections::TryReserveError;

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

/// How far ahead of a scan [`prefetch_ahead`] asks for words: two 4 KiB
/// pages.
const PREFETCH_WORDS: usize = 1024;

/// Asks for the line [`PREFETCH_WORDS`] words past `words[index]`, if any.
///
/// The hardware prefetcher follows a scan only to the end of its 4 KiB
/// page, so a scan of a large set that the caches lost (after a frame's
/// other work) would wait at every page for its first line and its
/// address translation. Asked once a block, two pages ahead, with cold
/// caches: `Auto`'s plan for 1k scattered records of a 1M-record buffer
/// of two fields (a pass over its 256 KB of bits) went from 72 to 62 µs,
/// for 10k records from 273 to 243 µs (three runs each, on the 2-core
/// machine).
#[inline(always)]
fn prefetch_ahead(words: &[u64], index: usize) {
    // Past the end it asks for nothing useful, and costs nothing more.
    prefetch_line(words.as_ptr().wrapping_add(index + PREFETCH_WORDS));
}

/// Asks the CPU for the cache line holding `at`, ahead of its use: a
/// hint, which never faults whatever the address (on x86-64; elsewhere
/// nothing).
#[inline(always)]
pub(crate) fn prefetch_line<T>(at: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of x86-64, and a prefetch never faults, whatever
    // the address.
    unsafe {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

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
    /// of a clean buffer asks. For the 32k words of a 1M-record buffer of
    /// two fields, a bind took 22 µs when this went word by word, 7.5 µs
    /// now.
    pub fn is_empty(&self) -> bool {
        self.blocks().all(|(_, block)| !any_set(block))
    }

    /// The words in blocks of [`BLOCK`], each with its first word's index,
    /// the words ahead prefetched (see [`prefetch_ahead`]).
    #[inline(always)]
    fn blocks(&self) -> impl Iterator<Item = (usize, &[u64])> + '_ {
        self.words.chunks(BLOCK).enumerate().map(|(b, block)| {
            prefetch_ahead(&self.words, b * BLOCK);
            (b * BLOCK, block)
        })
    }

    /// The number of pending slots.
    pub fn count(&self) -> usize {
        with_popcnt(
            #[inline(always)]
            || self.words.iter().map(|w| w.count_ones() as usize).sum(),
        )
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

    /// The record a bit belongs to.
    #[inline]
    pub fn record_of(&self, bit: usize) -> usize {
        match self.shift {
            Some(shift) => bit >> shift,
            None => bit / self.slots,
        }
    }

    /// Runs of records with at least one pending slot, in order, merged
    /// where at most `gap` clean records lie between them. `gap` 0 gives the
    /// maximal runs (which never touch).
    ///
    /// The cost is one pass over the words. When the gap is wide enough that
    /// no clean stretch inside a block of 1, 8 or 64 words can exceed it,
    /// only each non-empty block's first and last bits are looked at;
    /// otherwise every set bit is.
    pub fn merged_runs(&self, gap: usize) -> Vec<Range<usize>> {
        self.merged_runs_until(gap, |_, _| false).expect("never given up")
    }

    /// [`merged_runs`](Self::merged_runs), or `None` once
    /// `give_up(runs, records)` is true of the runs found so far (their
    /// count and the records they cover), asked every 16 closed runs and
    /// of the finished runs. `give_up` must only turn true as both grow: a
    /// planner that would send the whole buffer once the runs cost more
    /// stops scanning there.
    pub fn merged_runs_until(&self, gap: usize, give_up: impl Fn(usize, usize) -> bool) -> Option<Vec<Range<usize>>> {
        let Some(first) = self.next_one(0) else {
            return Some(Vec::new());
        };
        let mut runs = Runs::new(self.record_of(first), gap, give_up);
        // Two bits of one granule of `g` words are at most `64 g - 1` apart:
        // fewer than `64 g / slots` clean records lie between them. Take the
        // widest granule whose inner gaps are all mergeable, and look only at
        // its first and last set bits.
        let granule = [64, 8, 1].into_iter().find(|&g| g * WORD <= gap.saturating_mul(self.slots));
        let flow = match (granule, self.shift) {
            // Word by word: only the words that hold a bit, empty blocks skipped.
            (Some(1), Some(shift)) => self.word_ends(&mut runs, |bit| bit >> shift),
            (Some(1), None) => self.word_ends(&mut runs, |bit| bit / self.slots),
            (Some(g), _) => self.words.chunks(g).enumerate().try_for_each(|(index, block)| {
                // One wide test per block: most are all empty or all not.
                if !any_set(block) {
                    return ControlFlow::Continue(());
                }
                let head = block.iter().position(|&w| w != 0).expect("a non-empty block has a first word");
                let tail = block.iter().rposition(|&w| w != 0).expect("a non-empty block has a last word");
                let base = index * g * WORD;
                let first = base + head * WORD + block[head].trailing_zeros() as usize;
                let last = base + tail * WORD + (WORD - 1 - block[tail].leading_zeros() as usize);
                runs.add(self.record_of(first), self.record_of(last));
                runs.check()
            }),
            // Whole records per word (a power-of-two slot count): each
            // record's slots folded onto its first bit. The slot count as a
            // constant, so that the fold and the shift compile to a few
            // fixed operations: `merged_runs(3)` over 1 % scattered records
            // of two fields went from 152 to 128 µs, warm (medians of five
            // runs each, in turns), over 0.1 % from 38 to 31 µs.
            (None, Some(_)) if self.slots <= WORD => match self.slots {
                1 => self.folded_runs::<1, _>(&mut runs),
                2 => self.folded_runs::<2, _>(&mut runs),
                4 => self.folded_runs::<4, _>(&mut runs),
                8 => self.folded_runs::<8, _>(&mut runs),
                16 => self.folded_runs::<16, _>(&mut runs),
                32 => self.folded_runs::<32, _>(&mut runs),
                _ => self.folded_runs::<WORD, _>(&mut runs), // 64, the last a word holds
            },
            (None, _) => self.ones().try_for_each(|bit| {
                let record = self.record_of(bit);
                runs.add(record, record);
                runs.check()
            }),
        };
        match flow {
            ControlFlow::Continue(()) => runs.finish(),
            ControlFlow::Break(()) => None,
        }
    }

    /// Adds each dirty record to `runs`, for `S` slots, a power of two at
    /// most [`WORD`]: a word's records folded onto their first bits, so
    /// that a word of dirty records costs one comparison, and a sparse one
    /// a step per record.
    #[inline(always)]
    fn folded_runs<const S: usize, G: Fn(usize, usize) -> bool>(&self, runs: &mut Runs<G>) -> ControlFlow<()> {
        debug_assert_eq!(self.slots, S);
        let starts = record_starts(S);
        let per_word = WORD / S;
        self.try_for_each_nonzero_word(|index, word| {
            let mut folded = fold_records(word, S, starts);
            let base = index * per_word;
            if folded == starts {
                runs.add(base, base + per_word - 1);
                return runs.check();
            }
            while folded != 0 {
                let record = base + (folded.trailing_zeros() >> S.trailing_zeros()) as usize;
                runs.add(record, record);
                folded &= folded - 1;
            }
            runs.check()
        })
    }

    /// What [`merged_runs`](Self::merged_runs)`(gap)` gives, counted
    /// without building it: exactly how many runs, and at least how many
    /// records they cover (their dirty records; not the clean ones merged
    /// between). One pass of a few operations a word and no branch on the
    /// bits, where building the runs takes a step per record: a planner
    /// finds out this way that the runs cost more than the whole buffer.
    ///
    /// `stop(looked_at, runs, records)` is asked after each block of words,
    /// with the records looked at so far; when it stops the pass, the
    /// counts are of those records (a run counts where it starts). `None`
    /// unless the slot count is a power of two.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::dirty::DirtyBits;
    ///
    /// let mut bits = DirtyBits::new(200, 2);
    /// bits.mark_records(10..12);
    /// bits.mark(2 * 14); // two clean records after record 11
    /// bits.mark(2 * 20 + 1);
    /// bits.mark(2 * 150);
    /// assert_eq!(bits.merged_runs(3), vec![10..15, 20..21, 150..151]);
    /// assert_eq!(bits.count_runs_until(3, |_, _, _| false), Some((3, 5)));
    /// ```
    pub fn count_runs_until(
        &self,
        gap: usize,
        mut stop: impl FnMut(usize, usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        let shift = self.shift.filter(|_| self.slots <= WORD)?;
        // A dirty record reaches the next `gap + 1` records (those of its
        // word): two windows of `2^d` records, `2^d <= reach < 2^(d+1)`,
        // one `d` doublings of the dirty bits, from 1 and from
        // `reach + 1 - 2^d` records on, cover them.
        let reach = gap.saturating_add(1).min(WORD / self.slots);
        let doublings = reach.ilog2();
        let second = ((reach + 1 - (1 << doublings)) * self.slots) as u32;
        let pass = (shift, gap, second);
        Some(with_popcnt(
            #[inline(always)]
            || match doublings {
                0 => self.count_runs_pass::<0>(pass, &mut stop),
                1 => self.count_runs_pass::<1>(pass, &mut stop),
                2 => self.count_runs_pass::<2>(pass, &mut stop),
                3 => self.count_runs_pass::<3>(pass, &mut stop),
                4 => self.count_runs_pass::<4>(pass, &mut stop),
                5 => self.count_runs_pass::<5>(pass, &mut stop),
                _ => self.count_runs_pass::<6>(pass, &mut stop),
            },
        ))
    }

    /// [`count_runs_until`](Self::count_runs_until)'s pass, for a
    /// reach of `DOUBLINGS` doublings (a constant, so that they unroll).
    #[inline(always)]
    fn count_runs_pass<const DOUBLINGS: u32>(
        &self,
        (shift, gap, second): (u32, usize, u32),
        stop: &mut impl FnMut(usize, usize, usize) -> bool,
    ) -> (usize, usize) {
        let (slots, per_word) = (self.slots, WORD / self.slots);
        let starts = record_starts(slots);
        let (mut runs, mut records) = (0, 0);
        // The first record that would start a run after the last dirty one
        // (0 before any: none continues one).
        let mut next_start = 0usize;
        for (at, block) in self.blocks() {
            if any_set(block) {
                for (i, &word) in block.iter().enumerate() {
                    let folded = fold_records(word, slots, starts);
                    // The records the word's dirty ones reach in it. A
                    // doubling's shift stays under the word: `2^k` records
                    // for `k < DOUBLINGS` are fewer than a word holds.
                    let window = (0..DOUBLINGS).fold(folded, |window, k| window | window << ((1 << k) * slots));
                    let reached =
                        window.checked_shl(slots as u32).unwrap_or(0) | window.checked_shl(second).unwrap_or(0);
                    // Dirty records not reached start a run, but the
                    // word's first one continues the run before if that
                    // reaches it. No branch on the bits: an empty word
                    // adds nothing, and its masked-out next start (`| 1`
                    // keeps its last record in range) is below any dirty
                    // word's.
                    let base = (at + i) * per_word;
                    let first = base + (folded.trailing_zeros() as usize >> shift);
                    let last = base + ((WORD - 1 - (folded | 1).leading_zeros() as usize) >> shift);
                    let dirty = folded != 0;
                    let continued = dirty & (first < next_start);
                    runs += (folded & !reached).count_ones() as usize - continued as usize;
                    records += folded.count_ones() as usize;
                    let after = last.saturating_add(2).saturating_add(gap);
                    next_start = next_start.max(after & (dirty as usize).wrapping_neg());
                }
            }
            if stop(((at + block.len()) * per_word).min(self.records()), runs, records) {
                break;
            }
        }
        (runs, records)
    }

    /// Adds each non-empty word's first and last records to `runs`, empty
    /// blocks skipped. Generic over the bit-to-record map, so that the loop
    /// keeps a power-of-two shift (and the open run) in registers.
    #[inline(always)]
    fn word_ends<G: Fn(usize, usize) -> bool>(
        &self,
        runs: &mut Runs<G>,
        record_of: impl Fn(usize) -> usize,
    ) -> ControlFlow<()> {
        self.try_for_each_nonzero_word(|index, word| {
            let base = index * WORD;
            let first = record_of(base + word.trailing_zeros() as usize);
            let last = record_of(base + (WORD - 1 - word.leading_zeros() as usize));
            runs.add(first, last);
            runs.check()
        })
    }

    /// Calls `f` with each maximal run of set bits, in order: a word of
    /// bits costs a step per run in it, and an empty block nothing.
    pub fn for_each_bit_run(&self, mut f: impl FnMut(Range<usize>)) {
        let _ = self.try_for_each_bit_run(|run| {
            f(run);
            ControlFlow::Continue(())
        });
    }

    /// As [`for_each_bit_run`](Self::for_each_bit_run), stopping at the
    /// first run for which `f` breaks (a run may then end early: its last
    /// word's bits were not all looked at).
    pub fn try_for_each_bit_run(&self, mut f: impl FnMut(Range<usize>) -> ControlFlow<()>) -> ControlFlow<()> {
        let mut open: Option<Range<usize>> = None;
        self.try_for_each_nonzero_word(|index, word| {
            let base = index * WORD;
            let mut rest = word;
            while rest != 0 {
                let start = rest.trailing_zeros() as usize;
                // The ones from `start` up, counted as the trailing zeros of
                // their complement: `WORD - start` if they reach the top.
                let len = (!(rest >> start)).trailing_zeros() as usize;
                let run = base + start..base + start + len;
                match &mut open {
                    Some(last) if last.end == run.start => last.end = run.end,
                    _ => {
                        if let Some(done) = open.replace(run) {
                            f(done)?;
                        }
                    }
                }
                rest = if start + len == WORD { 0 } else { rest & !(((1 << len) - 1) << start) };
            }
            ControlFlow::Continue(())
        })?;
        match open {
            Some(done) => f(done),
            None => ControlFlow::Continue(()),
        }
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

    /// Calls `f` with each block of [`BLOCK`] words that has a bit set.
    #[inline(always)]
    fn for_each_nonempty_block(&self, mut f: impl FnMut(&[u64])) {
        for (_, block) in self.blocks() {
            if any_set(block) {
                f(block);
            }
        }
    }
}

/// `f()`, built with the `popcnt` instruction where the CPU has it.
///
/// x86-64's baseline lacks it, and `count_ones` built for the baseline is
/// a dozen instructions: counting the 2M bits of a 1M-record buffer of two
/// fields (an upload's statistics, when it sends the whole buffer) took
/// 0.15 ms, a quarter of a 1 % scattered upload. `f` is built into a copy
/// with the feature when inlined there: mark the closure
/// `#[inline(always)]` (a closure left to the inliner was built without
/// it).
#[inline(always)]
fn with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        #[target_feature(enable = "popcnt")]
        fn built_with_popcnt<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the CPU has `popcnt`, just detected.
        return unsafe { built_with_popcnt(f) };
    }
    f()
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

/// Every how many closed runs [`Runs`] asks whether to give up.
const CHECK_RUNS: usize = 16;

/// The runs [`DirtyBits::merged_runs`] builds, in order: the open one as
/// two plain fields, opened empty at the first pending record, so that
/// extending it is a comparison and a store; a wider gap closes it.
struct Runs<G> {
    done: Vec<Range<usize>>,
    /// Records in `done`.
    covered: usize,
    start: usize,
    end: usize,
    gap: usize,
    /// Whether the builder gives up, given the closed runs.
    give_up: G,
    /// Whether `give_up` said so.
    gave_up: bool,
}

impl<G: Fn(usize, usize) -> bool> Runs<G> {
    /// Runs starting at record `first`, merged across `gap` clean records,
    /// until `give_up`.
    fn new(first: usize, gap: usize, give_up: G) -> Self {
        Runs { done: Vec::new(), covered: 0, start: first, end: first, gap, give_up, gave_up: false }
    }

    /// Records `first..=last`, which start at or after every earlier one.
    #[inline(always)]
    fn add(&mut self, first: usize, last: usize) {
        if first > self.end.saturating_add(self.gap) {
            self.done.push(self.start..self.end);
            self.covered += self.end - self.start;
            self.start = first;
            // Asked every few closed runs, not per word or per run: a
            // planner's cost model, asked per word, took a fifth of a 1 %
            // upload's plan. `give_up` only turns true as the runs grow,
            // so asking later only stops later.
            if self.done.len().is_multiple_of(CHECK_RUNS) && (self.give_up)(self.done.len(), self.covered) {
                self.gave_up = true;
            }
        }
        self.end = self.end.max(last + 1);
    }

    /// Breaks once the closed runs made the builder give up.
    #[inline(always)]
    fn check(&self) -> ControlFlow<()> {
        if self.gave_up {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// The runs, the open one closed, unless they make the builder give up.
    fn finish(mut self) -> Option<Vec<Range<usize>>> {
        self.done.push(self.start..self.end);
        self.covered += self.end - self.start;
        (!(self.give_up)(self.done.len(), self.covered)).then_some(self.done)
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
    fn merged_runs_agree_word_and_bit_level() {
        // Slots of 1, 2 (shifts) and 3 (division); gaps below and above the
        // word-level threshold; bits in every position of a word.
        for slots in [1, 2, 3] {
            let mut bits = DirtyBits::new(12_000, slots);
            for bit in [0, 5, 63, 64, 100, 190, 191, 500, 700, 701, 1000, 4000, 4500, 9000, 20_000, 35_000] {
                if bit < 12_000 * slots {
                    bits.mark(bit);
                }
            }
            let exact = bits.merged_runs(0);
            for gap in [0, 1, 5, 20, 40, 64, 100, 300, 1000, 5000] {
                let mut expected: Vec<Range<usize>> = Vec::new();
                for run in &exact {
                    match expected.last_mut() {
                        Some(last) if run.start - last.end <= gap => last.end = run.end,
                        _ => expected.push(run.clone()),
                    }
                }
                assert_eq!(bits.merged_runs(gap), expected, "slots {slots}, gap {gap}");
            }
        }
    }

    /// Runs from every set bit, one record at a time: the oracle.
    fn naive_runs(bits: &DirtyBits, gap: usize) -> Vec<Range<usize>> {
        let mut runs: Vec<Range<usize>> = Vec::new();
        for record in bits.ones().map(|bit| bit / bits.slots()) {
            match runs.last_mut() {
                Some(run) if record < run.end => {}
                Some(run) if record - run.end <= gap => run.end = record + 1,
                _ => runs.push(record..record + 1),
            }
        }
        runs
    }

    #[test]
    fn merged_runs_agree_with_a_bit_by_bit_walk() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        // Every power of two a word holds has its own fold; 3 has none.
        for slots in [1, 2, 3, 4, 8, 16, 32, 64] {
            for density in [1, 20, 200, 900, 1000] {
                let mut bits = DirtyBits::new(3000, slots);
                // Scattered bits at `density` per mille, and a dense stretch.
                for bit in 0..3000 * slots {
                    if next() % 1000 < density {
                        bits.mark(bit);
                    }
                }
                bits.mark_records(1000..1300);
                let dirty: Vec<usize> = naive_runs(&bits, 0).into_iter().flatten().collect();
                for gap in [0, 1, 3, 6, 31, 32, 100, 5000] {
                    let expected = naive_runs(&bits, gap);
                    assert_eq!(bits.merged_runs(gap), expected, "slots {slots}, density {density}, gap {gap}");
                    // The counts: every run and dirty record, or those of
                    // the records looked at when stopped.
                    let at = format!("slots {slots}, density {density}, gap {gap}");
                    let counted = |end: usize| {
                        let runs = expected.iter().filter(|run| run.start < end).count();
                        (runs, dirty.iter().filter(|&&record| record < end).count())
                    };
                    let counts = bits.count_runs_until(gap, |_, _, _| false);
                    assert_eq!(counts, slots.is_power_of_two().then(|| counted(usize::MAX)), "{at}");
                    let mut looked_at = 0;
                    let partial = bits.count_runs_until(gap, |records, _, _| {
                        looked_at = records;
                        records >= 1500
                    });
                    if let Some(partial) = partial {
                        assert!((1500..3000).contains(&looked_at), "{at}: stopped at record {looked_at}");
                        assert_eq!(partial, counted(looked_at), "{at}, stopped at record {looked_at}");
                    }
                    // The bounded scan: all of them up to its limit, none past it.
                    let n = expected.len();
                    for limit in [0, n / 2, n.saturating_sub(1), n, n + 1, usize::MAX] {
                        assert_eq!(
                            bits.merged_runs_until(gap, |runs, _| runs > limit),
                            (n <= limit).then(|| expected.clone()),
                            "slots {slots}, density {density}, gap {gap}, {n} runs, limit {limit}"
                        );
                    }
                    let covered: usize = expected.iter().map(Range::len).sum();
                    for limit in [0, covered / 2, covered, usize::MAX] {
                        assert_eq!(
                            bits.merged_runs_until(gap, |_, records| records > limit),
                            (covered <= limit).then(|| expected.clone()),
                            "slots {slots}, density {density}, gap {gap}, {covered} records, limit {limit}"
                        );
                    }
                }
            }
        }
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
    fn bit_runs_are_the_maximal_runs_of_ones() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for bits in [0, 1, 63, 64, 65, 130, 1000] {
            for density in [1, 8, 32, 60, 64] {
                let mut set = DirtyBits::new(bits, 1);
                for bit in 0..bits {
                    if next() % 64 < density {
                        set.mark(bit);
                    }
                }
                let mut runs = Vec::new();
                set.for_each_bit_run(|run| runs.push(run));
                assert_eq!(runs, set.merged_runs(0), "{bits} bits, density {density}/64");
            }
        }
        let mut full = DirtyBits::new(200, 1);
        full.mark_all();
        let mut runs = Vec::new();
        full.for_each_bit_run(|run| runs.push(run));
        assert_eq!(runs, vec![0..200]);
    }

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
