//! What `/metrics` reports, in one place: the metric names, their labels, and the Prometheus
//! recorder behind them (the `metrics` facade; its exporter renders the text format).
//!
//! The recorder is process-wide, as the facade is; servers embedded in one process (tests)
//! share it. Label values are always from small fixed sets (route patterns, OAuth error codes),
//! never from what a request says, so the number of series stays bounded.
//!
//! [`SwapLosses`] is the exception: it belongs to one server (its `App`), so that a campaign
//! racing one embedded server reads that server's races alone, whatever else the process runs.

use std::fmt::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets from 100 µs to 5 s: the hot paths answer in well under a millisecond, and
/// anything past a few seconds is an outage rather than a latency.
const SECONDS_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder on first use. None if another recorder was installed first.
pub fn recorder() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Suffix("_batch_size".into()), BATCH_BUCKETS)
                })
                .and_then(|b| b.install_recorder());
            match built {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics are not available");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "authbox_http_requests_total",
        "HTTP requests answered, by route pattern, method and status"
    );
    describe_histogram!(
        "authbox_http_request_duration_seconds",
        "Time from a request's arrival to its response, by route pattern"
    );
    describe_counter!(
        "authbox_device_authorizations_total",
        "Device authorization requests (RFC 8628 §3.1), by outcome"
    );
    describe_counter!(
        "authbox_token_requests_total",
        "Token endpoint requests by grant and outcome: issued, or the OAuth error code (a device poll's authorization_pending, slow_down, …)"
    );
    describe_counter!(
        "authbox_decisions_total",
        "Approvals and denials given by people, by flow (device or app)"
    );
    describe_counter!(
        "authbox_device_reports_total",
        "Device requests a person reported as not started by them (\"I didn't start this\")"
    );
    describe_counter!(
        "authbox_throttled_total",
        "Attempts refused because an attempt budget was used up, by what was attempted"
    );
    describe_gauge!(
        "authbox_live_rows",
        "Rows alive in the data file, by kind, as of the last scrape"
    );
    describe_histogram!(
        "authbox_store_commit_seconds",
        "Time to make one write transaction durable"
    );
    describe_histogram!(
        "authbox_store_commit_batch_size",
        "Requests made durable by one commit"
    );
}

pub fn http_request(route: &str, method: &str, status: u16, elapsed: Duration) {
    counter!(
        "authbox_http_requests_total",
        "route" => route.to_owned(),
        "method" => method.to_owned(),
        "status" => status.to_string(),
    )
    .increment(1);
    histogram!("authbox_http_request_duration_seconds", "route" => route.to_owned())
        .record(elapsed.as_secs_f64());
}

/// `outcome` is `issued` or an OAuth error code.
pub fn device_authorization(outcome: &'static str) {
    counter!("authbox_device_authorizations_total", "outcome" => outcome).increment(1);
}

/// `grant` is a grant type's short name, `outcome` is `issued` or an OAuth error code.
pub fn token_request(grant: &'static str, outcome: &'static str) {
    counter!("authbox_token_requests_total", "grant" => grant, "outcome" => outcome).increment(1);
}

/// `flow` is `device` or `app`.
pub fn decision(flow: &'static str, approved: bool) {
    let decision = if approved { "approved" } else { "denied" };
    counter!("authbox_decisions_total", "flow" => flow, "decision" => decision).increment(1);
}

/// A person reported a device's request as not theirs (cross-device BCP, "Detect and
/// Remediate"): a rise is consent phishing in progress.
pub fn device_reported() {
    counter!("authbox_device_reports_total").increment(1);
}

/// `attempt` is `user_code`, `sign_in`, `password_hashing` (every hashing slot stayed busy)
/// or `device_authorization`.
pub fn throttled(attempt: &'static str) {
    counter!("authbox_throttled_total", "attempt" => attempt).increment(1);
}

pub fn live_rows(kind: &'static str, count: u64) {
    gauge!("authbox_live_rows", "kind" => kind).set(count as f64);
}

pub fn store_commit(elapsed: Duration, batch_size: usize) {
    histogram!("authbox_store_commit_seconds").record(elapsed.as_secs_f64());
    histogram!("authbox_store_commit_batch_size").record(batch_size as f64);
}

/// An exactly-once step: one conditional write decides which of several requests wins it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapStep {
    /// A device code turning into tokens (RFC 8628 §3.5).
    Redemption,
    /// A refresh token replaced by its successor (RFC 9700 §4.14.2).
    Rotation,
    /// A person's approval or denial of a device code.
    Decision,
}

impl SwapStep {
    const ALL: [SwapStep; 3] = [SwapStep::Redemption, SwapStep::Rotation, SwapStep::Decision];

    fn label(self) -> &'static str {
        match self {
            SwapStep::Redemption => "redemption",
            SwapStep::Rotation => "rotation",
            SwapStep::Decision => "decision",
        }
    }
}

const SWAPS_LOST: &str = "authbox_swaps_lost_total";

/// Requests that reached an exactly-once step's compare-and-swap and found the record already
/// changed by another request: the losers of a race at the swap itself, as opposed to those
/// that read the outcome before trying (which answer the same). Only the losing branch counts,
/// with one relaxed atomic increment, so the winners' path costs nothing.
#[derive(Debug, Default)]
pub struct SwapLosses {
    redemption: AtomicU64,
    rotation: AtomicU64,
    decision: AtomicU64,
}

impl SwapLosses {
    pub fn lost(&self, step: SwapStep) {
        self.counter(step).fetch_add(1, Ordering::Relaxed);
    }

    fn counter(&self, step: SwapStep) -> &AtomicU64 {
        match step {
            SwapStep::Redemption => &self.redemption,
            SwapStep::Rotation => &self.rotation,
            SwapStep::Decision => &self.decision,
        }
    }

    /// The counts in the Prometheus text format, every step present (zero until it loses).
    pub fn render(&self) -> String {
        let mut text = format!(
            "# HELP {SWAPS_LOST} Requests that reached an exactly-once step's compare-and-swap and lost it to another, by step (redemption, rotation, decision)\n\
             # TYPE {SWAPS_LOST} counter\n"
        );
        for step in SwapStep::ALL {
            let count = self.counter(step).load(Ordering::Relaxed);
            let _ = writeln!(text, "{SWAPS_LOST}{{step=\"{}\"}} {count}", step.label());
        }
        text
    }
}
