//! Runs of dirty records: [`merged_runs`](DirtyBits::merged_runs) and
//! its bounded form, the [`Runs`] builder they fill, their counts without
//! the runs ([`count_runs_until`](DirtyBits::count_runs_until)), and the
//! maximal runs of set bits ([`for_each_bit_run`](DirtyBits::for_each_bit_run)).

use core::ops::{ControlFlow, Range};

use super::cpu::with_popcnt;
use super::{any_set, fold_records, record_starts, DirtyBits, WORD};

impl DirtyBits {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::dirty::xorshift;

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
}
