//! Which partners something is for — a co-branded campaign, a SPIFF: those of some tiers and
//! some partner types, every partner when none is chosen.

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;

/// Partners of one of `tiers` (every tier when empty) and of one of `types` (every type when empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    pub tiers: Vec<i64>,
    pub types: Vec<i64>,
}

impl Audience {
    /// The audience of owner `id` from `(owner, tier)` and `(owner, partner type)` rows, as stores
    /// keep them.
    pub fn of(id: i64, tiers: &[(i64, i64)], types: &[(i64, i64)]) -> Audience {
        let of = |pairs: &[(i64, i64)]| pairs.iter().filter(|(owner, _)| *owner == id).map(|(_, x)| *x).collect();
        Audience { tiers: of(tiers), types: of(types) }
    }

    /// Whether a partner of `tier` and `partner_type` is in it.
    pub fn includes(&self, tier: Option<i64>, partner_type: Option<i64>) -> bool {
        let tier_in = self.tiers.is_empty() || tier.is_some_and(|tier| self.tiers.contains(&tier));
        let type_in = self.types.is_empty() || partner_type.is_some_and(|kind| self.types.contains(&kind));
        tier_in && type_in
    }
}

/// The tiers and partner types an audience may name, (id, name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceChoices {
    pub tiers: Vec<(i64, String)>,
    pub types: Vec<(i64, String)>,
}

impl AudienceChoices {
    /// The audience ticked in a form's `tiers` and `types` boxes (ids as text). A value that is
    /// not on offer is a problem of its field.
    pub fn choose(&self, tiers: &[String], types: &[String], fields: &mut FieldErrors) -> Audience {
        let chosen = |name: &str, sent: &[String], from: &[(i64, String)], fields: &mut FieldErrors| {
            let mut ids = Vec::new();
            for value in sent {
                match from.iter().find(|(id, _)| id.to_string() == value.trim()) {
                    Some((id, _)) if !ids.contains(id) => ids.push(*id),
                    Some(_) => {}
                    None => {
                        fields.insert(name.to_owned(), "Choose from the list, or none for every one.".into());
                    }
                }
            }
            ids
        };
        Audience {
            tiers: chosen("tiers", tiers, &self.tiers, fields),
            types: chosen("types", types, &self.types, fields),
        }
    }

    /// The audience in words: "Gold, Platinum · MSP", or "Every partner".
    pub fn describe(&self, audience: &Audience) -> String {
        let named = |ids: &[i64], from: &[(i64, String)]| -> String {
            from.iter().filter(|(id, _)| ids.contains(id)).map(|(_, name)| name.as_str()).collect::<Vec<_>>().join(", ")
        };
        let mut parts = Vec::new();
        if !audience.tiers.is_empty() {
            parts.push(named(&audience.tiers, &self.tiers));
        }
        if !audience.types.is_empty() {
            parts.push(named(&audience.types, &self.types));
        }
        if parts.is_empty() { "Every partner".to_owned() } else { parts.join(" · ") }
    }
}
