//! A device link under way (RFC 8628), as the window and the command line show it: the user
//! code to enter, the verification page (with the code filled in, where the provider gives
//! such a page), a QR code of that page drawn by the app, and until when the code lasts.
//!
//! Invariants: nothing here is secret (the device code never leaves the engine:
//! `engine/device_link.rs`); the QR code is computed here, from the page the provider named and
//! Grantry checked (`oauth/device.rs`), never fetched as an image.

use serde::Serialize;

/// A device link waiting for the person to enter its code at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceLinkView {
    /// Identifies the link: its events name it, and it cancels it.
    pub link: String,
    pub provider: String,
    pub environment: String,
    /// What the person enters, as the provider gave it (`WDJB-MJHT`).
    pub user_code: String,
    /// Where the person enters it.
    pub verification_uri: String,
    /// The page with the code filled in, when the provider gives one (RFC 8628 §3.3.1).
    pub verification_uri_complete: Option<String>,
    /// Unix seconds after which the code is no longer accepted.
    pub expires_at: i64,
    /// Seconds between polls at first.
    pub interval: u64,
    /// The QR code of the page to open (the complete one when there is one).
    pub qr: Option<QrMatrix>,
}

/// A QR code as a square of modules, row by row, `true` for dark; drawn with a quiet zone of
/// four modules around it (ISO/IEC 18004 §6.3.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QrMatrix {
    pub size: u32,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// The QR code of `text` (a URL), in the lowest error correction that fits; `None` when
    /// it does not fit in a QR code at all.
    pub fn of(text: &str) -> Option<Self> {
        let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
        let size = u32::try_from(code.width()).ok()?;
        let dark = code
            .to_colors()
            .into_iter()
            .map(|color| color == qrcode::Color::Dark)
            .collect();
        Some(Self { size, dark })
    }

    /// The code in a terminal: two rows of modules a line, with half blocks, and a quiet zone.
    pub fn to_text(&self) -> String {
        let size = self.size as usize;
        let quiet = 2;
        let at = |row: isize, column: isize| -> bool {
            row >= 0
                && column >= 0
                && (row as usize) < size
                && (column as usize) < size
                && self.dark[row as usize * size + column as usize]
        };
        let mut text = String::new();
        let span = size as isize + quiet;
        let mut row = -quiet;
        while row < span {
            for column in -quiet..span {
                // Light on dark terminals: a dark module is drawn as a space.
                text.push(match (at(row, column), at(row + 1, column)) {
                    (true, true) => ' ',
                    (true, false) => '▄',
                    (false, true) => '▀',
                    (false, false) => '█',
                });
            }
            text.push('\n');
            row += 2;
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_makes_a_square_qr_code_with_finder_patterns() {
        let qr = QrMatrix::of("http://127.0.0.1:7461/device?user_code=WDJB-MJHT").expect("fits");
        let size = qr.size as usize;
        assert!(
            size >= 21 && (size - 17).is_multiple_of(4),
            "a QR version's size: {size}"
        );
        assert_eq!(qr.dark.len(), size * size);
        // The top-left finder pattern: a dark 7x7 ring.
        assert!((0..7).all(|i| qr.dark[i] && qr.dark[6 * size + i]));
        assert!(!qr.dark[size + 1], "its light ring");
        assert!(
            QrMatrix::of(&"x".repeat(5000)).is_none(),
            "too long for any QR code"
        );
        assert!(qr.to_text().lines().count() >= size / 2);
    }
}
