//! The report: one row per measure, with its floor, the ratio between them and the target it
//! is held to; written as Markdown (for people and docs/performance.md) and JSON (for tools).

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Row {
    pub measure: String,
    pub grantry: String,
    pub floor: String,
    /// Grantry's figure over the floor's, where a floor applies.
    pub ratio: Option<f64>,
    pub target: String,
    /// Whether the target is met; `None` where no target applies.
    pub met: Option<bool>,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub machine: String,
    pub rows: Vec<Row>,
    /// Every sample behind the rows.
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl Report {
    pub fn row(
        &mut self,
        measure: &str,
        grantry: String,
        floor: String,
        ratio: Option<f64>,
        target: &str,
        met: Option<bool>,
    ) {
        self.rows.push(Row {
            measure: measure.to_owned(),
            grantry,
            floor,
            ratio,
            target: target.to_owned(),
            met,
        });
    }

    pub fn detail(&mut self, name: &str, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.details.insert(name.to_owned(), value);
    }

    pub fn markdown(&self) -> String {
        let mut text = String::from(
            "| Measure | Grantry | Floor | Ratio | Target | Met |\n\
             |---|---|---|---|---|---|\n",
        );
        for row in &self.rows {
            let ratio = row.ratio.map(|r| format!("{r:.2}x")).unwrap_or_default();
            let met = match row.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            };
            text.push_str(&format!(
                "| {} | {} | {} | {ratio} | {} | {met} |\n",
                row.measure, row.grantry, row.floor, row.target
            ));
        }
        text.push_str(&format!("\n{}\n", self.machine));
        text
    }
}
