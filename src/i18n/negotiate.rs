//! Which shipped language a request gets: the one the person chose (a cookie the language links
//! set), else the best match for the browser's `Accept-Language` (RFC 9110 §12.5.4), else English.

use super::Translator;

/// The cookie that holds the language a person chose with the language links.
pub const LANGUAGE_COOKIE: &str = "authbox_lang";

/// More ranges than any browser sends; the rest of a longer header is not read.
const MAX_RANGES: usize = 32;

/// The language for a request whose language cookie holds `chosen` and whose `Accept-Language`
/// header is `accept_language`.
pub fn negotiate(chosen: Option<&str>, accept_language: Option<&str>) -> Translator {
    chosen
        .and_then(Translator::for_tag)
        .or_else(|| accept_language.and_then(best_for_header))
        .unwrap_or_else(Translator::english)
}

/// The shipped language the header prefers most, trying its ranges from the highest weight down
/// (the header's order breaks ties); none for `*` alone or ranges we do not ship.
fn best_for_header(header: &str) -> Option<Translator> {
    let mut ranges: Vec<(&str, u16)> = header
        .split(',')
        .take(MAX_RANGES)
        .filter_map(weighted_range)
        .filter(|(_, weight)| *weight > 0)
        .collect();
    // A stable sort keeps the header's order among equal weights.
    ranges.sort_by_key(|(_, weight)| std::cmp::Reverse(*weight));
    let shipped = Translator::shipped();
    ranges
        .into_iter()
        .find_map(|(range, _)| best_for_range(range, &shipped))
}

/// `de-AT;q=0.8` as the range and its weight in thousandths; `None` when malformed.
fn weighted_range(item: &str) -> Option<(&str, u16)> {
    let mut parts = item.split(';');
    let range = parts.next()?.trim();
    let well_formed = !range.is_empty()
        && range.len() <= 35
        && range.split('-').all(|sub| {
            !sub.is_empty() && sub.len() <= 8 && sub.chars().all(|c| c.is_ascii_alphanumeric())
        })
        || range == "*";
    if !well_formed {
        return None;
    }
    let mut weight = 1000;
    for parameter in parts {
        let (name, value) = parameter.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            weight = parse_weight(value.trim())?;
        }
    }
    Some((range, weight))
}

/// RFC 9110 §12.4.2: `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in
/// thousandths.
fn parse_weight(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The shipped language a range asks for: its tag exactly; else, cutting subtags off the end,
/// the first shipped tag it leaves (RFC 4647 §3.4 lookup: `de-AT` finds `de`); else a shipped
/// tag that the range is a prefix of (§3.3.1 filtering: `pt` finds `pt-BR`).
fn best_for_range(range: &str, shipped: &[Translator]) -> Option<Translator> {
    if range == "*" {
        return None;
    }
    let mut candidate = range;
    loop {
        if let Some(found) = shipped
            .iter()
            .find(|t| t.tag().eq_ignore_ascii_case(candidate))
        {
            return Some(*found);
        }
        match candidate.rsplit_once('-') {
            Some((shorter, _)) => candidate = shorter,
            None => break,
        }
    }
    shipped.iter().copied().find(|t| {
        t.tag()
            .get(..range.len() + 1)
            .is_some_and(|head| head.eq_ignore_ascii_case(&format!("{range}-")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_for(chosen: Option<&str>, header: Option<&str>) -> &'static str {
        negotiate(chosen, header).tag()
    }

    #[test]
    fn the_highest_weight_wins_and_order_breaks_ties() {
        assert_eq!(tag_for(None, Some("de-DE,de;q=0.9,en;q=0.8")), "de");
        assert_eq!(tag_for(None, Some("en;q=0.5, fr;q=0.9, de")), "de");
        assert_eq!(tag_for(None, Some("fr;q=0.7, ja;q=0.7")), "fr");
        assert_eq!(tag_for(None, Some("ja;q=0.7, fr;q=0.7")), "ja");
    }

    #[test]
    fn a_region_falls_back_to_its_language() {
        assert_eq!(tag_for(None, Some("de-AT")), "de");
        assert_eq!(tag_for(None, Some("es-419, en;q=0.1")), "es");
        assert_eq!(tag_for(None, Some("ja-JP")), "ja");
        assert_eq!(tag_for(None, Some("FR-ca")), "fr");
    }

    #[test]
    fn unshipped_refused_and_malformed_ranges_are_passed_over() {
        assert_eq!(tag_for(None, Some("nl, fr;q=0.5")), "fr");
        assert_eq!(tag_for(None, Some("de;q=0, fr;q=0.1")), "fr");
        assert_eq!(tag_for(None, Some("de;q=2, es;q=0.3")), "es");
        assert_eq!(tag_for(None, Some("d e, <script>, ja;q=0.2")), "ja");
        assert_eq!(tag_for(None, Some("*")), "en");
        assert_eq!(tag_for(None, Some("")), "en");
        assert_eq!(tag_for(None, Some("nl")), "en");
        assert_eq!(tag_for(None, None), "en");
    }

    #[test]
    fn a_chosen_language_beats_the_header_unless_it_is_not_shipped() {
        assert_eq!(tag_for(Some("fr"), Some("de")), "fr");
        assert_eq!(tag_for(Some("xx"), Some("de")), "de");
        assert_eq!(tag_for(Some("JA"), None), "ja");
    }

    #[test]
    fn weights_are_read_as_rfc_9110_writes_them() {
        assert_eq!(parse_weight("1"), Some(1000));
        assert_eq!(parse_weight("1.000"), Some(1000));
        assert_eq!(parse_weight("0.8"), Some(800));
        assert_eq!(parse_weight("0.125"), Some(125));
        assert_eq!(parse_weight("0"), Some(0));
        assert_eq!(parse_weight("1.5"), None);
        assert_eq!(parse_weight("0.1234"), None);
        assert_eq!(parse_weight("-1"), None);
        assert_eq!(parse_weight("x"), None);
    }
}
