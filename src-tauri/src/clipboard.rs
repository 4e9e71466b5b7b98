//! The system clipboard, written by the app rather than the webview, so that a copied access
//! token never passes through the page. One clipboard is kept for the app's life: on X11 the
//! text stays available only while its owner lives (arboard serves it from that owner).

use std::sync::Mutex;

#[derive(Default)]
pub struct Clipboard(Mutex<Option<arboard::Clipboard>>);

impl Clipboard {
    /// Puts `text` on the clipboard; the reason when there is no clipboard to put it on.
    pub fn write(&self, text: &str) -> Result<(), String> {
        let mut slot = self
            .0
            .lock()
            .map_err(|_| "the clipboard is unusable".to_owned())?;
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        let clipboard = slot.as_mut().ok_or("no clipboard")?;
        clipboard.set_text(text).map_err(|e| e.to_string())
    }
}
