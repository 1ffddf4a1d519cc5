//! What the windowed lists read of the page's layout, cheaply: a row's height from its
//! computed style (no layout is forced for an element of fixed height) and a scrolling
//! box's visible height.

/// The used height of `el` in CSS pixels, fractions included.
pub fn used_height(el: &web_sys::Element) -> Option<f64> {
    let style = web_sys::window()?.get_computed_style(el).ok()??;
    let height = style.get_property_value("height").ok()?;
    crate::settings::float::parse_f64(height.strip_suffix("px")?.trim()).filter(|h| *h > 0.0)
}

/// The height of `el`'s viewport as far as it can be seen: never more than the window's
/// (a box that does not scroll would otherwise draw every row).
pub fn viewport_of(el: &web_sys::Element) -> Option<f64> {
    let own = f64::from(el.client_height());
    let window = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(own);
    Some(own.min(window)).filter(|h| *h > 0.0)
}
