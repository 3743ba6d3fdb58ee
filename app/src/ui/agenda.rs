//! What needs a person now, as their home lists it: sections of items, each linking to where the
//! thing is done. Every feature contributes its own sections (deals their approvals and
//! protection, KPIs the partners at risk); the home only chooses which, for whom, in what order.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Badge;

/// How soon an item needs its person: the order within a section and the colour of its badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Urgency {
    /// Past its due time.
    Overdue,
    /// Due within days.
    Soon,
    /// Waiting for them, not yet pressing.
    Waiting,
    /// Good news to see.
    Done,
}

impl Urgency {
    fn tone(self) -> &'static str {
        match self {
            Urgency::Overdue => "danger",
            Urgency::Soon => "warning",
            Urgency::Waiting => "neutral",
            Urgency::Done => "success",
        }
    }
}

/// One thing needing a person: what it is, its state in a word or two, why, and where it is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub title: String,
    pub badge: String,
    pub detail: String,
    pub href: String,
    pub urgency: Urgency,
}

/// A link beside a section or on top of a home: "All 12 approvals", "Register a deal".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaLink {
    pub text: String,
    pub href: String,
}

/// A heading with the items under it (the most pressing first, at most [`AgendaSection::SHOWN`]),
/// what shows when nothing needs doing, and a link to the whole list when there is more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaSection {
    pub id: String,
    pub title: String,
    pub items: Vec<AgendaItem>,
    pub empty: String,
    pub more: Option<AgendaLink>,
}

impl AgendaSection {
    /// Items a section shows; its `more` link leads to the rest.
    pub const SHOWN: usize = 6;

    /// A section of `items`, the most urgent first (the given order within one urgency), cut to
    /// [`AgendaSection::SHOWN`].
    pub fn new(id: &str, title: &str, mut items: Vec<AgendaItem>, empty: &str) -> AgendaSection {
        items.sort_by_key(|item| item.urgency);
        items.truncate(Self::SHOWN);
        AgendaSection { id: id.into(), title: title.into(), items, empty: empty.into(), more: None }
    }

    pub fn with_more(mut self, text: impl Into<String>, href: impl Into<String>) -> AgendaSection {
        self.more = Some(AgendaLink { text: text.into(), href: href.into() });
        self
    }
}

/// A person's agenda: its sections, one card each.
#[component]
pub fn Agenda(sections: Vec<AgendaSection>) -> impl IntoView {
    view! {
        <div class="agenda">
            {sections.into_iter().map(|section| view! { <AgendaCard section/> }).collect_view()}
        </div>
    }
}

#[component]
fn AgendaCard(section: AgendaSection) -> impl IntoView {
    let heading = format!("{}-title", section.id);
    let labelled_by = heading.clone();
    view! {
        <section class="card agenda-section" aria-labelledby=labelled_by data-testid=section.id>
            <h2 id=heading>{section.title}</h2>
            {if section.items.is_empty() {
                view! { <p class="muted">{section.empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="agenda-items">
                        {section.items.into_iter().map(|item| view! {
                            <li>
                                <a href=item.href>{item.title}</a>
                                " "
                                <Badge text=item.badge tone=item.urgency.tone()/>
                                <span class="agenda-detail">{item.detail}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {section.more.map(|more| view! { <p class="agenda-more"><a href=more.href>{more.text}</a></p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, urgency: Urgency) -> AgendaItem {
        AgendaItem { title: title.into(), badge: String::new(), detail: String::new(), href: "/".into(), urgency }
    }

    #[test]
    fn a_section_shows_the_most_urgent_first_and_keeps_order_within_an_urgency() {
        let items = vec![
            item("waiting a", Urgency::Waiting),
            item("overdue a", Urgency::Overdue),
            item("waiting b", Urgency::Waiting),
            item("overdue b", Urgency::Overdue),
        ];
        let section = AgendaSection::new("s", "S", items, "nothing");
        let titles: Vec<_> = section.items.iter().map(|item| item.title.as_str()).collect();
        assert_eq!(titles, ["overdue a", "overdue b", "waiting a", "waiting b"]);
    }

    #[test]
    fn a_section_shows_at_most_its_share() {
        let items = (0..10).map(|n| item(&n.to_string(), Urgency::Waiting)).collect();
        assert_eq!(AgendaSection::new("s", "S", items, "nothing").items.len(), AgendaSection::SHOWN);
    }
}
