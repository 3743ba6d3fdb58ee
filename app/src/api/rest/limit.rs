//! Each token's request rate: a bucket per token that holds a minute's worth of requests and
//! refills evenly, in this process's memory. Several servers each keep their own buckets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The buckets of every token seen, by token id.
#[derive(Clone, Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Arc<Mutex<HashMap<i64, Bucket>>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// Requests that may still be made (fractions refill as time passes).
    left: f64,
    at: Instant,
}

/// The most buckets kept; past it they start again full (a bucket is at most a minute's worth).
const MOST_BUCKETS: usize = 100_000;

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter { per_minute: per_minute.max(1), buckets: Arc::default() }
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Takes one request of token `id` at `now`: `Ok(left)` with the requests left, or
    /// `Err(wait)` with how long until the next one may be made.
    pub fn take(&self, id: i64, now: Instant) -> Result<u32, Duration> {
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(0) };
        if buckets.len() >= MOST_BUCKETS && !buckets.contains_key(&id) {
            buckets.clear();
        }
        let bucket = buckets.entry(id).or_insert(Bucket { left: capacity, at: now });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.left = (bucket.left + refilled).min(capacity);
        bucket.at = now;
        if bucket.left >= 1.0 {
            bucket.left -= 1.0;
            Ok(bucket.left as u32)
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.left) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_makes_a_minutes_worth_at_once_then_waits_for_the_refill() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for n in 0..60 {
            assert_eq!(limiter.take(1, start), Ok(59 - n));
        }
        let wait = limiter.take(1, start).expect_err("the bucket is empty");
        assert!(wait <= Duration::from_secs(1) && wait > Duration::from_millis(900), "{wait:?}");
        assert!(limiter.take(2, start).is_ok(), "another token has its own bucket");
        assert!(limiter.take(1, start + Duration::from_secs(1)).is_ok(), "one request a second comes back");
        assert!(limiter.take(1, start + Duration::from_secs(1)).is_err());
        assert_eq!(limiter.take(1, start + Duration::from_secs(3600)), Ok(59), "never more than a minute's worth");
    }
}
