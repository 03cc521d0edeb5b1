//! Latency percentiles (nearest rank) over every request of a run.

use std::time::Duration;

/// Summary of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// The nearest-rank percentile `p` (0 < p ≤ 1) of sorted `v`; 0 for no samples.
fn nearest_rank(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// p50, p99 and max of latencies recorded in microseconds.
pub fn summarize(mut micros: Vec<u32>) -> Summary {
    micros.sort_unstable();
    let ms = |us: u32| f64::from(us) / 1000.0;
    Summary {
        p50_ms: ms(nearest_rank(&micros, 0.50)),
        p99_ms: ms(nearest_rank(&micros, 0.99)),
        max_ms: ms(micros.last().copied().unwrap_or(0)),
    }
}

/// A duration as whole microseconds, saturating at `u32::MAX` (71 minutes).
pub fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u32> = (1..=100).rev().map(|x| x * 1000).collect();
        let s = summarize(v);
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (50.0, 99.0, 100.0));
        let s = summarize(vec![7000]);
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (7.0, 7.0, 7.0));
        assert_eq!(summarize(Vec::new()).max_ms, 0.0);
    }
}
