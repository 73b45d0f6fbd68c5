//! The scenario knobs, as data: `settings/default.yaml` is built in, and a user's file with the
//! same shape replaces it (`corridor simulate --settings FILE`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::render::Style;
use crate::world::Size;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub scales: BTreeMap<String, Size>,
    pub corridors: Vec<String>,
    pub groups: Groups,
    pub people: People,
    pub networks: Networks,
    pub outcomes: Outcomes,
    pub records: Records,
    pub styles: Styles,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Networks {
    /// Share of networks that run a whole corridor with every role; the rest are local
    /// outfits that run one leg and hand their clients on to the next network.
    pub transnational_share: f64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    /// Share of stops at sea that are rescues (people in distress taken aboard and brought to
    /// a port of safety) rather than interceptions by the coast guard of departure.
    pub rescue_share_at_sea: f64,
    /// Share of groups stopped for good who are returned (deported or assisted voluntary
    /// return) rather than held or released where they were stopped.
    pub returned_after_interception: f64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Groups {
    pub alone: f64,
    pub family: f64,
    pub unaccompanied_child: f64,
    pub family_size: [u64; 2],
    /// Chance that a group sent back after an interception tries the same leg again.
    pub retry_after_interception: f64,
    /// Most attempts a group makes before it gives up.
    pub max_attempts: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct People {
    pub female_share: f64,
    pub passport_share: f64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Records {
    pub debriefed_share: f64,
    pub named_in_debriefing: f64,
    pub watchlisted_share: f64,
    pub broken_mrz_smuggled: f64,
    pub broken_mrz_regular: f64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Styles {
    pub border_system: Style,
    pub interception_report: Style,
    pub debriefing: Style,
    pub money_transfer: Style,
    pub watchlist: Style,
    pub phone_contacts: Style,
    pub protection_registration: Style,
}

impl Styles {
    /// Every source's style with the source's name, in file order.
    pub fn all(&self) -> [(&'static str, &Style); 7] {
        [
            ("border_system", &self.border_system),
            ("interception_report", &self.interception_report),
            ("debriefing", &self.debriefing),
            ("money_transfer", &self.money_transfer),
            ("watchlist", &self.watchlist),
            ("phone_contacts", &self.phone_contacts),
            ("protection_registration", &self.protection_registration),
        ]
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::parse(
            "settings/default.yaml",
            include_str!("../settings/default.yaml"),
        )
        .expect("the built-in settings are checked by a test")
    }
}

impl Settings {
    /// Parses and checks a settings file; the error names the file and the problem.
    pub fn parse(file: &str, text: &str) -> Result<Settings, String> {
        let settings: Settings =
            serde_yaml_ng::from_str(text).map_err(|e| format!("settings {file}: {e}"))?;
        let known: Vec<String> = crate::data::corridors()
            .corridors
            .into_iter()
            .map(|c| c.id)
            .collect();
        if let Some(bad) = settings.corridors.iter().find(|c| !known.contains(c)) {
            return Err(format!(
                "settings {file}: unknown corridor {bad:?} (known: {})",
                known.join(", ")
            ));
        }
        let [low, high] = settings.groups.family_size;
        if low < 2 || high < low {
            return Err(format!(
                "settings {file}: groups.family_size must be [low, high] with 2 <= low <= high"
            ));
        }
        let shares = [
            (
                "groups.retry_after_interception",
                settings.groups.retry_after_interception,
            ),
            ("people.female_share", settings.people.female_share),
            (
                "networks.transnational_share",
                settings.networks.transnational_share,
            ),
            (
                "outcomes.rescue_share_at_sea",
                settings.outcomes.rescue_share_at_sea,
            ),
            (
                "outcomes.returned_after_interception",
                settings.outcomes.returned_after_interception,
            ),
            ("people.passport_share", settings.people.passport_share),
            ("records.debriefed_share", settings.records.debriefed_share),
            (
                "records.named_in_debriefing",
                settings.records.named_in_debriefing,
            ),
            (
                "records.watchlisted_share",
                settings.records.watchlisted_share,
            ),
            (
                "records.broken_mrz_smuggled",
                settings.records.broken_mrz_smuggled,
            ),
            (
                "records.broken_mrz_regular",
                settings.records.broken_mrz_regular,
            ),
        ];
        if let Some((name, v)) = shares.iter().find(|(_, v)| !(0.0..=1.0).contains(v)) {
            return Err(format!(
                "settings {file}: {name} is {v}; a share lies between 0 and 1"
            ));
        }
        for (source, style) in settings.styles.all() {
            let chances = [
                ("native_script", style.native_script),
                ("typo", style.typo),
                ("drop_part", style.drop_part),
                ("family_first", style.family_first),
                ("date_swap", style.date_swap),
                ("january_first", style.january_first),
                ("no_date", style.no_date),
                ("variant_mix", style.variant_mix),
                ("ocr", style.ocr),
            ];
            if let Some((name, v)) = chances.iter().find(|(_, v)| !(0.0..=1.0).contains(v)) {
                return Err(format!(
                    "settings {file}: styles.{source}.{name} is {v}; a chance lies between 0 and 1"
                ));
            }
        }
        if settings.groups.max_attempts == 0 {
            return Err(format!(
                "settings {file}: groups.max_attempts must be at least 1"
            ));
        }
        if settings.groups.alone + settings.groups.family + settings.groups.unaccompanied_child
            <= 0.0
        {
            return Err(format!(
                "settings {file}: the group weights add up to nothing"
            ));
        }
        Ok(settings)
    }

    pub fn scale(&self, name: &str) -> Result<Size, String> {
        self.scales.get(name).copied().ok_or_else(|| {
            format!(
                "unknown scale {name:?} (known: {})",
                self.scales.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_settings_load_and_bad_ones_are_named() {
        let s = Settings::default();
        assert_eq!(s.scale("demo").unwrap().migrant_groups, 64);
        assert!(
            s.scale("huge")
                .unwrap_err()
                .contains("known: demo, large, medium, small")
        );
        let text = include_str!("../settings/default.yaml");
        for (from, to, expected) in [
            (
                "corridors: []",
                "corridors: [atlantis]",
                "unknown corridor \"atlantis\"",
            ),
            (
                "female_share: 0.35",
                "female_share: 1.5",
                "people.female_share is 1.5",
            ),
            (
                "family_size: [2, 5]",
                "family_size: [1, 5]",
                "groups.family_size",
            ),
            (
                "border_system:       {native_script: 0.0,",
                "border_system:       {native_script: 2.0,",
                "styles.border_system.native_script is 2",
            ),
            (
                "passport_share: 0.6",
                "passport_share: 0.6\n  eye_colour: 1",
                "unknown field `eye_colour`",
            ),
        ] {
            let err = Settings::parse("mine.yaml", &text.replace(from, to)).unwrap_err();
            assert!(
                err.contains("settings mine.yaml") && err.contains(expected),
                "{err}"
            );
        }
    }
}
