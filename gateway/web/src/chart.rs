//! Bar charts as SVG, written by hand: a chart here is a row of labelled bars, which needs a
//! few dozen lines, not a plotting library. Each chart is an image with a title and a
//! description for screen readers, and every page shows a table of the same figures beside it,
//! so no one depends on seeing the bars. Bars carry their figure as text: colour is never the
//! only sign of a value. Styles come from the service's stylesheet (classes, no inline style),
//! which the Content-Security-Policy requires.

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Its label under (or beside) the bar.
    pub label: String,
    /// Its value, on the chart's scale.
    pub value: f64,
    /// The value as written on the bar ("87.5%", "£1,900.00").
    pub shown: String,
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Vertical bars on a 0..`max` scale (for a monthly series). `id` makes the title's id unique
/// on the page.
pub fn columns(id: &str, title: &str, description: &str, bars: &[Bar], max: f64) -> String {
    let width = 720.0;
    let height = 300.0;
    let left = 48.0;
    let bottom = 40.0;
    let top = 24.0;
    let plot_height = height - bottom - top;
    let slot = (width - left) / bars.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(4.0);
    let mut svg = format!(
        r#"<svg class="app-chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-description" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-description">{}</desc>"#,
        escape(title),
        escape(description)
    );
    for step in 0..=4 {
        let fraction = f64::from(step) / 4.0;
        let y = top + plot_height * (1.0 - fraction);
        svg.push_str(&format!(
            r#"<line class="app-chart__axis" x1="{left}" x2="{width}" y1="{y:.1}" y2="{y:.1}" stroke-opacity="0.15"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + 5.0,
            escape(&format!("{:.0}", max * fraction))
        ));
    }
    for (index, bar) in bars.iter().enumerate() {
        let value = bar.value.clamp(0.0, max);
        let bar_height = if max > 0.0 {
            plot_height * value / max
        } else {
            0.0
        };
        let x = left + slot * index as f64 + (slot - bar_width) / 2.0;
        let y = top + plot_height - bar_height;
        let centre = x + bar_width / 2.0;
        svg.push_str(&format!(
            r#"<rect class="app-chart__bar" x="{x:.1}" y="{y:.1}" width="{bar_width:.1}" height="{bar_height:.1}"/><text x="{centre:.1}" y="{:.1}" text-anchor="middle">{}</text><text x="{centre:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            (y - 6.0).max(14.0),
            escape(&bar.shown),
            height - bottom + 20.0,
            escape(&bar.label)
        ));
    }
    svg.push_str(&format!(
        r#"<line class="app-chart__axis" x1="{left}" x2="{width}" y1="{:.1}" y2="{:.1}"/></svg>"#,
        top + plot_height,
        top + plot_height
    ));
    svg
}

/// Horizontal bars on a 0..`max` scale (for money against a budget).
pub fn rows(id: &str, title: &str, description: &str, bars: &[Bar], max: f64) -> String {
    let width = 720.0;
    let label_width = 170.0;
    let row_height = 44.0;
    let height = row_height * bars.len().max(1) as f64 + 10.0;
    let plot_width = width - label_width - 150.0;
    let mut svg = format!(
        r#"<svg class="app-chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-description" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-description">{}</desc>"#,
        escape(title),
        escape(description)
    );
    for (index, bar) in bars.iter().enumerate() {
        let value = bar.value.clamp(0.0, max.max(0.0));
        let bar_width = if max > 0.0 {
            plot_width * value / max
        } else {
            0.0
        };
        let y = row_height * index as f64 + 8.0;
        let class = if index == 0 {
            "app-chart__bar app-chart__bar--secondary"
        } else {
            "app-chart__bar"
        };
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="{class}" x="{label_width}" y="{y:.1}" width="{bar_width:.1}" height="28"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            label_width - 8.0,
            y + 19.0,
            escape(&bar.label),
            label_width + bar_width + 8.0,
            y + 19.0,
            escape(&bar.shown)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                label: "Jan".to_owned(),
                value: 50.0,
                shown: "50.0%".to_owned(),
            },
            Bar {
                label: "<Feb>".to_owned(),
                value: 150.0,
                shown: "150%".to_owned(),
            },
        ]
    }

    #[test]
    fn a_chart_is_a_titled_image_with_its_figures_written_and_text_escaped() {
        let svg = columns("monthly", "Compliance", "By month", &bars(), 100.0);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"monthly-title\">Compliance</title>"));
        assert!(svg.contains("50.0%"));
        assert!(svg.contains("&lt;Feb&gt;"));
        assert!(!svg.contains("<Feb>"));
        assert!(!svg.contains("style="));
        // A value over the scale is drawn at the top, not beyond the chart.
        assert!(!svg.contains("height=\"-"));
    }

    #[test]
    fn horizontal_bars_scale_to_the_largest_value() {
        let svg = rows("money", "PP+", "Budget and spend", &bars(), 150.0);
        assert!(svg.contains("width=\"400.0\""));
        assert!(svg.contains("150%"));
    }
}
