//! Which preset: the names Grantry knows providers by, as the providers file, the command line
//! and the window spell them (`google`, `facebook`, …). An environment names its preset by
//! this alone (`providers/config.rs`); what each preset is and does is in the rest of
//! `presets/`.

use serde::{Deserialize, Serialize};

/// A provider Grantry knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PresetId"))]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Google,
    Facebook,
    Github,
    Microsoft,
    Gitlab,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Preset::Google,
        Preset::Facebook,
        Preset::Github,
        Preset::Microsoft,
        Preset::Gitlab,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Facebook => "facebook",
            Self::Github => "github",
            Self::Microsoft => "microsoft",
            Self::Gitlab => "gitlab",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }
}
