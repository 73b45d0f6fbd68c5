//! The records that intelligence and protection sources make of a journey: payments and
//! their settlement, incident and interception reports, debriefings, the watchlist and seized
//! phones. Split from `world.rs`, which builds the people, networks and journeys.

use serde_json::json;

use super::{DAY0, Network, Output, Person, Stop, World, date, moment};
use crate::data::Corridor;

/// The money-transfer operator's export of its transfers (see OUTPUT.md).
pub const MTO_CSV_HEADER: &[&str] = &[
    "transfer_ref",
    "value_date",
    "sender_name",
    "sender_country",
    "beneficiary_name",
    "beneficiary_phone",
    "amount",
    "currency",
];

/// The coast guard's or border police's export of its reports: one row per person stopped.
pub const INTERCEPTION_CSV_HEADER: &[&str] = &[
    "report_ref",
    "report_date",
    "area",
    "position",
    "outcome",
    "person_ref",
    "person_name",
    "birth_date",
    "sex",
    "nationality",
    "suspect_ref",
    "suspect_name",
];

/// A country as an agency's clerk writes it: its English name.
fn country_name(code: &str) -> String {
    corridor_model::types::country_by_code(code)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// What a fee paid for: the route (as the Missing Migrants Project names it), the leg, the
/// service and how many persons.
pub(super) struct FeeFor {
    pub route: String,
    pub leg: String,
    pub service: &'static str,
    pub persons: u64,
}

impl<O: Output> World<'_, O> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fee(
        &mut self,
        payer: &Person,
        network: &Network,
        network_index: usize,
        recipient: &Person,
        amount: u64,
        day: i64,
        paid_for: &FeeFor,
    ) -> std::io::Result<()> {
        let broker = network
            .with_role("money_broker")
            .expect("every network has a broker");
        let style = self.settings.styles.money_transfer;
        let payer_record = self.record_with("money-transfers", payer, &style, json!({}))?;
        let recipient_record = self.record_with("money-transfers", recipient, &style, json!({}))?;
        // Hawala most often where the network has a paying broker at the other end; money-
        // transfer operators, banks and mobile money for the rest.
        let paying = network.with_role("paying_broker");
        let channel = match paying {
            Some(_) => {
                ["hawala", "money_transfer_operator", "bank"][self.rng.weighted(&[0.6, 0.25, 0.15])]
            }
            None => ["money_transfer_operator", "bank", "mobile_money"]
                [self.rng.weighted(&[0.6, 0.25, 0.15])],
        };
        let transfer = self.next_id("transfer");
        let mut props = json!({
            "payer": [payer_record.id], "beneficiary": [recipient_record.id],
            "amount": [amount.to_string()], "currency": ["USD"], "channel": [channel], "date": [date(day)]});
        let receiver_phone = network.phone_of(recipient).unwrap_or_default().to_string();
        if !receiver_phone.is_empty() {
            props["receiverPhone"] = json!([receiver_phone]);
        }
        let hawala = match paying {
            Some(paying) if channel == "hawala" => {
                let broker_record = self.record("money-transfers", broker, &style)?;
                let paying_record = self.record("money-transfers", paying, &style)?;
                props["senderBroker"] = json!([broker_record]);
                props["receiverBroker"] = json!([paying_record]);
                self.unsettled
                    .push((network_index, transfer.clone(), amount, day));
                Some(paying)
            }
            _ => None,
        };
        if channel == "money_transfer_operator" {
            // The operator's own export of the transfer (see OUTPUT.md).
            let sender_country = country_name(&payer.nationality);
            self.out.source_row(
                "mto-transfers.csv",
                MTO_CSV_HEADER,
                &[
                    &transfer,
                    &date(day).replace('-', ""),
                    &payer_record.name,
                    &sender_country,
                    &recipient_record.name,
                    &receiver_phone,
                    &format!("{amount}.00"),
                    "USD",
                ],
            )?;
        }
        self.out.entity(
            "money-transfers",
            json!({"id": transfer, "schema": "MoneyTransfer", "properties": props}),
        )?;
        let fee = self.next_id("fee");
        self.out.entity(
            "money-transfers",
            json!({"id": fee, "schema": "SmugglingFee", "properties": {
                "payer": [payer_record.id], "recipient": [recipient_record.id], "amount": [format!("{amount} USD")],
                "amountUsd": [(amount / paid_for.persons.max(1)).to_string()], "persons": [paid_for.persons.to_string()],
                "service": [paid_for.service], "routeName": [paid_for.route], "leg": [paid_for.leg],
                "paymentMethod": [if channel == "bank" { "bank_transfer" } else { channel }], "transfer": [transfer], "date": [date(day)]}}),
        )?;
        self.out.truth(
            "payments",
            &[
                &transfer,
                &fee,
                &payer.id,
                if hawala.is_some() { &broker.id } else { "" },
                &recipient.id,
                channel,
                hawala.map(|p| p.id.as_str()).unwrap_or_default(),
            ],
        )
    }

    /// Hawala brokers settle what they owe each other in batches, by bank transfer or cash
    /// courier, some weeks later: one settlement covers several client transfers.
    pub(super) fn settle(&mut self, networks: &[Network]) -> std::io::Result<()> {
        let unsettled = std::mem::take(&mut self.unsettled);
        for (index, network) in networks.iter().enumerate() {
            let owed: Vec<&(usize, String, u64, i64)> =
                unsettled.iter().filter(|u| u.0 == index).collect();
            for batch in owed.chunks(5) {
                let sender = network
                    .with_role("money_broker")
                    .expect("every network has a broker");
                let receiver = network
                    .with_role("paying_broker")
                    .expect("every network has a paying broker");
                let from = self.record(
                    "money-transfers",
                    sender,
                    &self.settings.styles.money_transfer,
                )?;
                let to = self.record(
                    "money-transfers",
                    receiver,
                    &self.settings.styles.money_transfer,
                )?;
                let id = self.next_id("settlement");
                let amount: u64 = batch.iter().map(|u| u.2).sum();
                let day =
                    batch.iter().map(|u| u.3).max().unwrap_or(DAY0) + self.rng.range(3, 40) as i64;
                let channel = if self.rng.chance(0.5) {
                    "bank"
                } else {
                    "cash_courier"
                };
                let settles: Vec<&str> = batch.iter().map(|u| u.1.as_str()).collect();
                self.out.entity(
                    "money-transfers",
                    json!({"id": id, "schema": "MoneyTransfer", "properties": {
                        "payer": [from], "beneficiary": [to], "amount": [amount.to_string()], "currency": ["USD"],
                        "channel": [channel], "settles": settles, "date": [date(day)],
                        "purpose": ["settlement between brokers"]}}),
                )?;
                for u in batch {
                    self.out.truth("settlements", &[&id, &u.1])?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn incident(
        &mut self,
        corridor: &Corridor,
        leg: &crate::data::Leg,
        people: u64,
        outcome: &str,
        day: i64,
    ) -> std::io::Result<()> {
        let id = self.next_id("incident");
        let (dead, missing) = if outcome == "dead" {
            (people, 0)
        } else {
            (0, people)
        };
        let lat = (leg.from.2 + leg.to.2) / 2.0;
        let lon = (leg.from.3 + leg.to.3) / 2.0;
        self.out.entity(
            "incidents",
            json!({"id": id, "schema": "MissingMigrantIncident", "properties": {
                "name": [format!("{} between {} and {}", if leg.mode == "sea" { "Shipwreck" } else { "Deaths" }, leg.from.0, leg.to.0)],
                "date": [date(day)], "dead": [dead.to_string()], "missing": [missing.to_string()],
                "migrationRoute": [corridor.mmp_route], "point": [format!("{lat:.4},{lon:.4}")], "sourceQuality": ["3"]}}),
        )
    }

    /// The report of a stop at sea or on land: FtM entities, and the agency's own export with
    /// one row per person taken aboard or stopped (see OUTPUT.md).
    pub(super) fn interception(
        &mut self,
        corridor: &Corridor,
        members: &[Person],
        stop: Stop<'_>,
    ) -> std::io::Result<()> {
        let Stop {
            leg,
            facilitator,
            conveyance,
            day,
            outcome,
        } = stop;
        let style = self.settings.styles.interception_report;
        let suspect = self.record_with("interceptions", facilitator, &style, json!({}))?;
        let id = self.next_id("interception");
        let area = if leg.mode == "sea" { "sea" } else { "land" };
        let mut persons = Vec::new();
        for p in members {
            let record = self.record_with("interceptions", p, &style, json!({}))?;
            let slash = |iso: &Option<String>| {
                iso.as_deref()
                    .map(|b| format!("{}/{}/{}", &b[8..10], &b[5..7], &b[0..4]))
                    .unwrap_or_default()
            };
            self.out.source_row(
                "interception-reports.csv",
                INTERCEPTION_CSV_HEADER,
                &[
                    &id,
                    &slash(&Some(date(day))),
                    area,
                    &format!("{:.4},{:.4}", leg.from.2, leg.from.3),
                    outcome,
                    &record.id,
                    &record.name,
                    &slash(&record.born),
                    if p.gender == "female" { "F" } else { "M" },
                    &country_name(&p.nationality),
                    &suspect.id,
                    &suspect.name,
                ],
            )?;
            persons.push(record.id);
        }
        let title = match outcome {
            "rescued" => "Rescue",
            _ => "Interception",
        };
        let mut entity = json!({"id": id, "schema": "Interception", "properties": {
            "name": [format!("{title} off {}", leg.from.0)], "date": [date(day)],
            "area": [area], "outcome": [outcome],
            "point": [format!("{:.4},{:.4}", leg.from.2, leg.from.3)],
            "personsIntercepted": [members.len().to_string()], "persons": persons, "suspects": [suspect.id],
            "summary": [corridor.name]}});
        // The conveyance stopped: a vessel at sea, the network's vehicle on land (the same one
        // its driver takes across the border, so a crossing can meet an interception).
        let conveyance_prop = if leg.mode == "sea" {
            "vessel"
        } else {
            "vehicle"
        };
        entity["properties"][conveyance_prop] = json!([conveyance]);
        self.out.entity("interceptions", entity)?;
        // The smuggling behind the stop, as UNODC's reporting system records it: how the
        // group moved is the leg's mode (the ground truth of modus-operandi frequencies).
        let modus_operandi = match leg.mode.as_str() {
            "sea" => "boat_unseaworthy",
            "foot" => "on_foot_guided",
            "air" => "fraudulent_documents",
            _ => "concealment_in_vehicle",
        };
        let incident_id = id.replacen("interception", "smuggling-incident", 1);
        self.out.entity(
            "interceptions",
            json!({"id": incident_id, "schema": "SmugglingIncident", "properties": {
                "name": [format!("Smuggling {} → {}", leg.from.0, leg.to.0)], "date": [date(day)],
                "modusOperandi": [modus_operandi], "migrantsCount": [members.len().to_string()],
                "routeName": [corridor.mmp_route], "leg": [format!("{} → {}", leg.from.0, leg.to.0)],
                "smugglers": [suspect.id], "point": [format!("{:.4},{:.4}", leg.from.2, leg.from.3)]}}),
        )
    }

    /// What protection actors record of a group they meet after a rescue or an interception:
    /// a registration of each person and referrals to services, consent noted. Kept apart from
    /// enforcement (its own dataset, protection purpose).
    pub(super) fn protection(
        &mut self,
        members: &[Person],
        unaccompanied: bool,
        outcome: &str,
        day: i64,
    ) -> std::io::Result<()> {
        if !["rescued", "intercepted", "returned"].contains(&outcome) {
            return Ok(());
        }
        let style = self.settings.styles.protection_registration;
        for p in members {
            let record = self.record("protection", p, &style)?;
            let mut services: Vec<&str> = Vec::new();
            if unaccompanied {
                services.push("child_protection");
            }
            match outcome {
                "returned" => services.push("avrr"),
                "rescued" if self.rng.chance(0.3) => services.push("medical"),
                _ => {}
            }
            if outcome != "returned" && self.rng.chance(0.35) {
                services.push("asylum");
            }
            for service in services {
                let consent = if self.rng.chance(0.9) {
                    "given"
                } else {
                    "refused"
                };
                let status = if consent == "given" {
                    *self
                        .rng
                        .pick(&["sent", "accepted", "in_progress", "completed"])
                } else {
                    "declined"
                };
                let referral = self.next_id("referral");
                self.out.entity(
                    "protection",
                    json!({"id": referral, "schema": "Referral", "properties": {
                        "person": [record], "service": [service], "consent": [consent], "status": [status],
                        "startDate": [date(day + 1)], "dueDate": [date(day + 15)]}}),
                )?;
            }
        }
        Ok(())
    }

    pub(super) fn debriefing(
        &mut self,
        migrant: &Person,
        network: &Network,
        day: i64,
    ) -> std::io::Result<()> {
        // Many remember the safe house they were kept in.
        let extra = if self.rng.chance(0.7) {
            json!({"addressEntity": [network.safe_house]})
        } else {
            json!({})
        };
        let debriefee = self
            .record_with(
                "debriefings",
                migrant,
                &self.settings.styles.debriefing,
                extra,
            )?
            .id;
        for (member, role) in &network.members {
            if !["organiser", "recruiter", "transporter"].contains(role)
                || !self.rng.chance(self.settings.records.named_in_debriefing)
            {
                continue;
            }
            // Some give the smuggler's phone number, which links to seized phones and transfers.
            let extra = match network.phone_of(member) {
                Some(phone) if self.rng.chance(0.5) => json!({"phone": [phone]}),
                _ => json!({}),
            };
            let named = self
                .record_with(
                    "debriefings",
                    member,
                    &self.settings.styles.debriefing,
                    extra,
                )?
                .id;
            let link = self.next_id("debrief-link");
            self.out.entity(
                "debriefings",
                json!({"id": link, "schema": "UnknownLink", "properties": {
                    "subject": [debriefee], "object": [named], "role": [format!("named as {role}")], "date": [date(day)]}}),
            )?;
        }
        Ok(())
    }

    /// National watchlist entries for some organisers and transporters, written from
    /// intelligence: often only the year of birth, sometimes the name in its own script.
    pub(super) fn watchlist(&mut self, network: &Network) -> std::io::Result<()> {
        for (member, role) in &network.members {
            if ["organiser", "transporter", "boat_pilot"].contains(role)
                && self.rng.chance(self.settings.records.watchlisted_share)
            {
                let extra = json!({"topics": ["crime.traffick"], "program": ["national watchlist"], "notes": [format!("suspected {role}")]});
                self.record_with("watchlist", member, &self.settings.styles.watchlist, extra)?;
            }
        }
        Ok(())
    }

    /// The seized phone of a network's transporter: its contacts (names as saved in the phone,
    /// often in their own script) and its calls with the rest of the network.
    pub(super) fn phone_extract(
        &mut self,
        network: &Network,
        corridor: &str,
    ) -> std::io::Result<Vec<String>> {
        let mut numbers = Vec::new();
        for (member, _) in &network.members {
            let record = self.record(
                "phone-extracts",
                member,
                &self.settings.styles.phone_contacts,
            )?;
            let number = self.phone_number(&member.nationality);
            let phone = self.next_id("phone");
            self.out.entity(
                "phone-extracts",
                json!({"id": phone, "schema": "PhoneNumber", "properties": {
                    "number": [number], "user": [record], "lineType": ["mobile"], "summary": [format!("contact on a phone seized on the {corridor} route")]}}),
            )?;
            numbers.push((record, number));
        }
        let owner = network
            .members
            .iter()
            .position(|(_, r)| *r == "transporter")
            .unwrap_or(0);
        for i in 0..numbers.len() {
            if i == owner {
                continue;
            }
            for _ in 0..self.rng.range(2, 12) {
                let (caller, callee) = if self.rng.chance(0.5) {
                    (owner, i)
                } else {
                    (i, owner)
                };
                let call = self.next_id("call");
                let day = DAY0 + self.rng.range(0, 640) as i64;
                let minute = self.rng.range(0, 1439);
                self.out.entity(
                    "phone-extracts",
                    json!({"id": call, "schema": "Call", "properties": {
                        "caller": [numbers[caller].0], "callerNumber": [numbers[caller].1],
                        "receiver": [numbers[callee].0], "receiverNumber": [numbers[callee].1],
                        "date": [moment(day, minute)], "duration": [self.rng.range(5, 900).to_string()]}}),
                )?;
            }
        }
        Ok(numbers.into_iter().map(|(_, n)| n).collect())
    }

    /// A mobile number in a numbering range that is really allocated for mobiles in a country
    /// where the network operates (Libya, Turkiye, Syria, Italy), so that it validates.
    pub(super) fn phone_number(&mut self, nationality: &str) -> String {
        let (prefix, digits) = match nationality {
            "ly" | "tn" | "ne" => ("+21891", 7),
            "sy" | "iq" | "ps" => ("+963944", 6),
            "it" | "gr" | "es" | "hu" | "hr" => ("+39347", 7),
            _ => ("+90532", 7),
        };
        let mut n = prefix.to_string();
        for _ in 0..digits {
            n.push(char::from(b'0' + self.rng.range(0, 9) as u8));
        }
        n
    }
}
