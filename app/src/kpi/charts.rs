//! Charts drawn on the server so they show before the WASM loads, every bar a link to the list
//! behind it: columns over time in SVG (each with its value as a tooltip, read out under the
//! chart on hover or focus once hydrated, and listed under "Show the values" for a tap), bars
//! over categories as an HTML list that shows each value and stays readable on a phone.

use leptos::prelude::*;

use super::Chart;

const WIDTH: f64 = 600.0;

/// The bar's length as a share of the longest, never below a sliver so zero still shows where it is.
fn share(value: i64, max: i64) -> f64 {
    if max <= 0 { 0.0 } else { (value.max(0) as f64 / max as f64).clamp(0.0, 1.0) }
}

#[component]
pub fn ChartView(chart: Chart) -> impl IntoView {
    let hovered = RwSignal::new(None::<usize>);
    let readouts: Vec<String> = chart.bars.iter().map(|bar| format!("{}: {}", bar.label, bar.text)).collect();
    let readout = move || match hovered.get() {
        Some(index) => readouts.get(index).cloned().unwrap_or_default(),
        None => "Point at a bar to read its value; open it to see the list behind it.".into(),
    };
    let max = chart.bars.iter().map(|bar| bar.value).max().unwrap_or(0);
    let title = chart.title.clone();
    // Columns carry no values of their own: their values open beneath them with a tap, as rows.
    let plot = match chart.columns {
        true => view! {
            {columns(&chart, max, hovered)}
            <p class="chart-readout muted" aria-live="polite">{readout}</p>
            <details class="chart-values">
                <summary>"Show the values"</summary>
                {rows(&chart, max, hovered)}
            </details>
        }
        .into_any(),
        false => rows(&chart, max, hovered).into_any(),
    };
    view! {
        <figure class="card chart" data-chart=chart.id.clone()>
            <figcaption>{title}</figcaption>
            {plot}
        </figure>
    }
}

/// Vertical columns, for a trend over time.
fn columns(chart: &Chart, max: i64, hovered: RwSignal<Option<usize>>) -> impl IntoView {
    let (top, plot_height, label_y) = (10.0, 170.0, 200.0);
    let slot = WIDTH / chart.bars.len().max(1) as f64;
    let view_box = format!("0 0 {WIDTH} 210");
    let bars = chart
        .bars
        .iter()
        .enumerate()
        .map(|(index, bar)| {
            let height = (share(bar.value, max) * plot_height).max(1.0);
            let x = index as f64 * slot + slot * 0.15;
            let label = format!("{}: {}", bar.label, bar.text);
            view! {
                <g class="bar" class:active=move || hovered.get() == Some(index)
                    on:mouseenter=move |_| hovered.set(Some(index))
                    on:mouseleave=move |_| hovered.set(None)>
                    <a href=bar.href.clone() aria-label=label.clone()
                        on:focus=move |_| hovered.set(Some(index))
                        on:blur=move |_| hovered.set(None)>
                        <rect x=format!("{x:.1}") y=format!("{:.1}", top + plot_height - height)
                            width=format!("{:.1}", slot * 0.7) height=format!("{height:.1}") rx="2"/>
                        <title>{label.clone()}</title>
                    </a>
                    <text class="axis-label" x=format!("{:.1}", x + slot * 0.35) y=label_y text-anchor="middle">
                        {bar.label.clone()}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=view_box role="group" aria-label=chart.title.clone() class="chart-plot">
            <line class="baseline" x1="0" x2=WIDTH.to_string() y1="180" y2="180"/>
            {bars}
        </svg>
    }
}

/// Horizontal bars, for categories (statuses, tiers, regions, funnel stages): a list in HTML, so
/// labels and values keep a readable size and wrap at any width, each row a link to its list.
fn rows(chart: &Chart, max: i64, hovered: RwSignal<Option<usize>>) -> impl IntoView {
    let bars = chart
        .bars
        .iter()
        .enumerate()
        .map(|(index, bar)| {
            // A drawing, not a styled box: the page's content security policy allows no inline style.
            let width = format!("{:.1}", (share(bar.value, max) * 100.0).max(0.5));
            view! {
                <li class="bar-row" class:active=move || hovered.get() == Some(index)>
                    <a href=bar.href.clone()
                        on:mouseenter=move |_| hovered.set(Some(index))
                        on:mouseleave=move |_| hovered.set(None)
                        on:focus=move |_| hovered.set(Some(index))
                        on:blur=move |_| hovered.set(None)>
                        <span class="bar-label">{bar.label.clone()}</span>
                        <svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="bar-fill" width=width height="10" rx="1"/>
                        </svg>
                        <span class="bar-value">{bar.text.clone()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="bar-rows" aria-label=chart.title.clone()>{bars}</ul> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_lengths_are_shares_of_the_longest() {
        assert_eq!(share(50, 100), 0.5);
        assert_eq!(share(0, 0), 0.0);
        assert_eq!(share(-5, 100), 0.0);
        assert_eq!(share(200, 100), 1.0);
    }
}
