//! Medians and spreads of repeated measurements.

use serde::Serialize;

/// A set of samples in milliseconds, summed up.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: Vec<f64>,
}

impl Stats {
    pub fn of(mut samples: Vec<f64>) -> Self {
        assert!(!samples.is_empty(), "no samples");
        samples.sort_by(f64::total_cmp);
        let n = samples.len();
        let median = if n % 2 == 1 {
            samples[n / 2]
        } else {
            (samples[n / 2 - 1] + samples[n / 2]) / 2.0
        };
        Self {
            median,
            min: samples[0],
            max: samples[n - 1],
            samples,
        }
    }

    /// "178.2 ms (171.0–190.4, n=10)"
    pub fn text(&self) -> String {
        format!(
            "{} ms ({}–{}, n={})",
            ms(self.median),
            ms(self.min),
            ms(self.max),
            self.samples.len()
        )
    }
}

/// A millisecond figure with the precision it deserves.
pub fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2}")
    } else if value < 100.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(Stats::of(vec![3.0, 1.0, 2.0]).median, 2.0);
        let even = Stats::of(vec![4.0, 1.0, 2.0, 3.0]);
        assert_eq!((even.median, even.min, even.max), (2.5, 1.0, 4.0));
    }
}
