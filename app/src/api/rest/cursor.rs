//! A list's cursor: where its last page ended, in its order, as an opaque text the client sends
//! back for the next page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;

use crate::db::keyset::{After, KeyOrder};

/// The cursor of the page after `after`, in `order`.
pub fn encode(order: KeyOrder, after: After) -> String {
    let text = match after {
        After::Id(id) => format!("{}|{id}", order.as_str()),
        After::Updated(at, id) => format!("{}|{id}|{}", order.as_str(), at.timestamp_nanos_opt().unwrap_or_default()),
    };
    URL_SAFE_NO_PAD.encode(text)
}

/// Where a cursor says the last page ended, if it was made for a list in `order`; otherwise what
/// is wrong with it.
pub fn decode(raw: &str, order: KeyOrder) -> Result<After, String> {
    let unreadable = || "This cursor is not one a list gave; start again without it.".to_owned();
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| unreadable())?;
    let text = String::from_utf8(bytes).map_err(|_| unreadable())?;
    let mut parts = text.split('|');
    let made_for = parts.next().and_then(KeyOrder::parse).ok_or_else(unreadable)?;
    if made_for != order {
        return Err(format!(
            "This cursor continues a list sorted by {}; ask with that sort, or start again without it.",
            made_for.as_str()
        ));
    }
    let id = parts.next().and_then(|id| id.parse::<i64>().ok()).ok_or_else(unreadable)?;
    let after = match order.key(id, DateTime::UNIX_EPOCH) {
        After::Id(id) => After::Id(id),
        After::Updated(_, id) => {
            let nanos = parts.next().and_then(|nanos| nanos.parse::<i64>().ok()).ok_or_else(unreadable)?;
            After::Updated(DateTime::from_timestamp_nanos(nanos), id)
        }
    };
    match parts.next() {
        None => Ok(after),
        Some(_) => Err(unreadable()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_comes_back_as_it_was_made_and_only_for_its_order() {
        let at = DateTime::from_timestamp(1_780_000_000, 123_456_789).expect("time");
        for (order, after) in [
            (KeyOrder::UpdatedDescending, After::Updated(at, 41)),
            (KeyOrder::UpdatedAscending, After::Updated(at, 1)),
            (KeyOrder::IdDescending, After::Id(9)),
            (KeyOrder::IdAscending, After::Id(i64::MAX)),
        ] {
            assert_eq!(decode(&encode(order, after), order), Ok(after));
        }
        let by_id = encode(KeyOrder::IdAscending, After::Id(3));
        assert!(decode(&by_id, KeyOrder::IdDescending).expect_err("another order").contains("sorted by id"));
        for junk in ["", "!!", "aWR8", "LWlkfDN8NA", "eHx5"] {
            assert!(decode(junk, KeyOrder::IdDescending).is_err(), "{junk}");
        }
    }
}
