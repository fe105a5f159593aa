//! Horizontal bar charts as inline SVG: no script, a few kilobytes, readable on a phone.

use std::fmt::Write;

/// One bar row per label. Each row has one value per series: stacked end to end, or
/// grouped as thin bars one under another.
pub fn bars(series: &[(&str, &str)], rows: &[(String, Vec<i64>)], stacked: bool) -> String {
    let longest =
        |r: &(String, Vec<i64>)| if stacked { r.1.iter().sum::<i64>() } else { r.1.iter().copied().max().unwrap_or(0) };
    let max = rows.iter().map(longest).max().unwrap_or(0).max(1) as f64;
    let (label_w, bar_w) = (220.0, 460.0);
    let bar_h = if stacked { 16.0 } else { 8.0 };
    let row_h = if stacked { 22.0 } else { bar_h * series.len() as f64 + 8.0 };
    let height = 30.0 + row_h * rows.len() as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {height}" width="100%" style="max-width:{w}px;font-size:12px">"#,
        w = label_w + bar_w + 40.0
    );
    for (i, (name, color)) in series.iter().enumerate() {
        let x = label_w + i as f64 * 110.0;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="4" width="10" height="10" fill="{color}"/><text x="{}" y="13">{}</text>"#,
            x + 14.0,
            esc(name)
        );
    }
    for (row, (label, values)) in rows.iter().enumerate() {
        let y = 24.0 + row as f64 * row_h;
        let _ = write!(svg, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, label_w - 6.0, y + 11.0, esc(label));
        let mut x = label_w;
        for (i, n) in values.iter().enumerate() {
            let (name, color) = series[i];
            let w = *n as f64 / max * bar_w;
            let (bx, by) = if stacked { (x, y) } else { (label_w, y + i as f64 * bar_h) };
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{bx:.1}" y="{by}" width="{w:.1}" height="{bar_h}" fill="{color}"><title>{} {n}</title></rect>"#,
                    esc(name)
                );
            }
            if stacked {
                x += w;
            } else {
                let _ =
                    write!(svg, r#"<text x="{:.1}" y="{}" font-size="9">{n}</text>"#, bx + w + 3.0, by + bar_h - 1.0);
            }
        }
        if stacked {
            let _ = write!(svg, r#"<text x="{:.1}" y="{}">{}</text>"#, x + 4.0, y + 13.0, values.iter().sum::<i64>());
        }
    }
    svg.push_str("</svg>");
    svg
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_the_longest() {
        let svg = bars(&[("a<b", "#000")], &[("x&y".into(), vec![5]), ("z".into(), vec![10])], true);
        assert!(svg.contains("a&lt;b") && svg.contains("x&amp;y"));
        assert!(svg.contains(r#"width="230.0""#) && svg.contains(r#"width="460.0""#));
    }
}
