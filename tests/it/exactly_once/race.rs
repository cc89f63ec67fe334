//! The machinery every exactly-once campaign shares: racers released together, the answers
//! they get, the server's count of races lost at the compare-and-swap, and the figures printed.

use std::collections::BTreeMap;
use std::sync::Barrier;
use std::time::Instant;

use reqwest::blocking::Client;
use serde_json::Value;

/// How many requests race in each round of the redemption and refresh campaigns.
pub const RACERS: usize = 100;

/// `default` rounds, unless `AUTHBOX_EXACTLY_ONCE_ROUNDS` says otherwise.
pub fn rounds(default: usize) -> usize {
    match std::env::var("AUTHBOX_EXACTLY_ONCE_ROUNDS") {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("AUTHBOX_EXACTLY_ONCE_ROUNDS={text:?} is not a count")),
        Err(_) => default,
    }
}

/// Runs `run` on every racer at the same instant: each thread waits at one barrier, which the
/// last to arrive opens for all.
pub fn all_at_once<R: Send, T: Send>(
    racers: &mut [R],
    run: impl Fn(usize, &mut R) -> T + Sync,
) -> Vec<T> {
    let start = Barrier::new(racers.len());
    std::thread::scope(|scope| {
        let threads: Vec<_> = racers
            .iter_mut()
            .enumerate()
            .map(|(index, racer)| {
                let (start, run) = (&start, &run);
                scope.spawn(move || {
                    start.wait();
                    run(index, racer)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().expect("a racer thread panicked"))
            .collect()
    })
}

/// One client per racer, each already connected to the server at `base`, so that a round
/// races requests rather than TCP handshakes.
pub fn racing_clients(base: &str) -> Vec<Client> {
    (0..RACERS)
        .map(|_| {
            let client = Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("an HTTP client");
            let warm = client
                .get(format!("{base}/healthz"))
                .send()
                .and_then(|response| response.error_for_status()?.bytes())
                .expect("GET /healthz");
            drop(warm);
            client
        })
        .collect()
}

/// An answer from `/token`, read whole inside the racer's thread and judged afterwards.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    content_type: String,
    cache_control: String,
    text: String,
}

impl Answer {
    pub fn post(client: &Client, url: &str, form: &str) -> Answer {
        match client
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
        {
            Ok(response) => {
                let header = |name| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                Answer {
                    status: response.status().as_u16(),
                    content_type: header("content-type"),
                    cache_control: header("cache-control"),
                    text: response.text().unwrap_or_default(),
                }
            }
            // Kept as an answer, so that the round's report names it among the others.
            Err(e) => Answer {
                status: 0,
                content_type: String::new(),
                cache_control: String::new(),
                text: format!("no answer: {e}"),
            },
        }
    }

    pub fn json(&self) -> Option<Value> {
        if !self.content_type.starts_with("application/json") {
            return None;
        }
        serde_json::from_str(&self.text).ok()
    }

    /// `200`, `400 invalid_grant` and the like; how a round's answers are counted.
    pub fn label(&self) -> String {
        let error = self
            .json()
            .and_then(|body| body["error"].as_str().map(str::to_owned));
        match error {
            Some(code) => format!("{} {code}", self.status),
            None => self.status.to_string(),
        }
    }
}

/// Asserts the one outcome RFC 6749 §5.2 and the SPEC allow a race for a single-use secret:
/// one `200` with tokens and `Cache-Control: no-store` (§5.1), every other answer a `400`
/// `invalid_grant` in OAuth JSON. Returns the winner's body.
pub fn the_one_winner(campaign: &str, round: usize, answers: &[Answer]) -> Value {
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    for answer in answers {
        *labels.entry(answer.label()).or_default() += 1;
    }
    let context = || format!("{campaign}, round {round}: answers {labels:?}");
    let winners: Vec<&Answer> = answers.iter().filter(|a| a.status == 200).collect();
    assert_eq!(winners.len(), 1, "exactly one success: {}", context());
    let odd_loser = answers.iter().find(|a| {
        a.status != 200
            && (a.label() != "400 invalid_grant" || !a.cache_control.contains("no-store"))
    });
    assert!(
        odd_loser.is_none(),
        "every other answer is 400 invalid_grant, no-store: {}; the first that is not: {odd_loser:?}",
        context()
    );
    let winner = winners[0];
    assert!(
        winner.cache_control.contains("no-store"),
        "RFC 6749 §5.1: {winner:?}"
    );
    let body = winner
        .json()
        .unwrap_or_else(|| panic!("the success is not JSON: {winner:?}"));
    assert!(
        body["access_token"].is_string() && body["token_type"] == "Bearer",
        "{campaign}, round {round}: {body}"
    );
    body
}

/// An exactly-once step, as `authbox_swaps_lost_total` labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Redemption,
    Rotation,
    Decision,
}

impl Step {
    const ALL: [Step; 3] = [Step::Redemption, Step::Rotation, Step::Decision];

    fn label(self) -> &'static str {
        match self {
            Step::Redemption => "redemption",
            Step::Rotation => "rotation",
            Step::Decision => "decision",
        }
    }
}

/// The server's `authbox_swaps_lost_total`, by step: requests that reached a compare-and-swap
/// and lost it. A loser that read the outcome before trying answers the same as one of these,
/// so only this count shows that the racers met at the swap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SwapsLost([u64; 3]);

impl SwapsLost {
    /// Scrapes `/metrics` of the server at `base` (loopback, so it is served there).
    pub fn read(client: &Client, base: &str) -> SwapsLost {
        let text = client
            .get(format!("{base}/metrics"))
            .send()
            .and_then(|response| response.error_for_status()?.text())
            .expect("GET /metrics");
        let mut counts = [0; 3];
        for (slot, step) in counts.iter_mut().zip(Step::ALL) {
            let series = format!("authbox_swaps_lost_total{{step=\"{}\"}} ", step.label());
            *slot = text
                .lines()
                .find_map(|line| line.strip_prefix(series.as_str()))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or_else(|| panic!("/metrics has no {series:?}:\n{text}"));
        }
        SwapsLost(counts)
    }

    pub fn of(&self, step: Step) -> u64 {
        self.0[Step::ALL
            .iter()
            .position(|s| *s == step)
            .unwrap_or_default()]
    }

    /// What was lost between `earlier` and this reading.
    pub fn since(&self, earlier: &SwapsLost) -> SwapsLost {
        let mut counts = [0; 3];
        for (i, slot) in counts.iter_mut().enumerate() {
            *slot = self.0[i]
                .checked_sub(earlier.0[i])
                .unwrap_or_else(|| panic!("a counter went down: {earlier:?} then {self:?}"));
        }
        SwapsLost(counts)
    }

    fn add(&mut self, other: &SwapsLost) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }
}

/// Races one round: reads the server's swap losses, runs `race`, reads them again; returns
/// what `race` returned and what the round lost at the swap.
pub fn counted<T>(client: &Client, base: &str, race: impl FnOnce() -> T) -> (T, SwapsLost) {
    let before = SwapsLost::read(client, base);
    let outcome = race();
    let lost = SwapsLost::read(client, base).since(&before);
    (outcome, lost)
}

/// What a campaign did, printed at its end: the racing requests, their winners, how many
/// losers lost at the compare-and-swap and how many read the outcome before getting there.
pub struct Tally {
    campaign: &'static str,
    /// The step the campaign races: the only one whose swaps may be lost.
    step: Step,
    rounds: usize,
    operations: usize,
    winners: usize,
    lost: SwapsLost,
    rounds_lost_at_swap: usize,
    outcomes: BTreeMap<String, usize>,
    started: Instant,
}

impl Tally {
    pub fn new(campaign: &'static str, step: Step) -> Tally {
        Tally {
            campaign,
            step,
            rounds: 0,
            operations: 0,
            winners: 0,
            lost: SwapsLost::default(),
            rounds_lost_at_swap: 0,
            outcomes: BTreeMap::new(),
            started: Instant::now(),
        }
    }

    /// One round: every racer's outcome label, how many of them won, and what the round lost
    /// at the swap.
    pub fn count(
        &mut self,
        labels: impl IntoIterator<Item = String>,
        winners: usize,
        lost: SwapsLost,
    ) {
        self.rounds += 1;
        self.winners += winners;
        for label in labels {
            self.operations += 1;
            *self.outcomes.entry(label).or_default() += 1;
        }
        if lost.of(self.step) > 0 {
            self.rounds_lost_at_swap += 1;
        }
        self.lost.add(&lost);
    }

    /// Losses at the swap of the campaign's step.
    pub fn lost_at_swap(&self) -> u64 {
        self.lost.of(self.step)
    }

    /// Prints the figures and checks that the race was decided at the swap: some losers lost
    /// there (over the campaign; a round on two busy cores may have every loser arrive late),
    /// no more than there were losers, and no other step lost anything.
    pub fn finish(&self, notes: &str) {
        let losers = (self.operations - self.winners) as u64;
        let at_swap = self.lost_at_swap();
        let outcomes: Vec<String> = self
            .outcomes
            .iter()
            .map(|(label, n)| format!("{n} × {label}"))
            .collect();
        println!(
            "exactly_once {}: {} rounds in {:.1} s; {} operations, {} winners, {} CAS losses \
             ({} rounds had one), {} early losers; {}{notes}",
            self.campaign,
            self.rounds,
            self.started.elapsed().as_secs_f64(),
            self.operations,
            self.winners,
            at_swap,
            self.rounds_lost_at_swap,
            losers.saturating_sub(at_swap),
            outcomes.join(", ")
        );
        assert!(
            at_swap > 0,
            "{}: no racer reached the {:?} compare-and-swap and lost it, so nothing shows the \
             race was decided there ({losers} losers, {:?})",
            self.campaign,
            self.step,
            self.lost
        );
        assert!(
            at_swap <= losers,
            "{}: {at_swap} losses at the swap, yet only {losers} losers",
            self.campaign
        );
        for step in Step::ALL.into_iter().filter(|s| *s != self.step) {
            assert_eq!(
                self.lost.of(step),
                0,
                "{}: a {step:?} swap was lost, yet only {:?} was raced",
                self.campaign,
                self.step
            );
        }
    }
}
