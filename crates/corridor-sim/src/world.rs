//! The world: smuggling networks along real corridors, migrants who travel them, and the
//! records that agencies make of both — written as FtM entities per source, with the ground
//! truth beside them.

use serde_json::{Value, json};

use crate::data::{Corridor, Culture, NameForms, Names};
use crate::render::{self, Style, TrueName};
use crate::rng::Rng;

mod intelligence;

/// Where the world goes: entities per source dataset, rows of the sources' own exports, and
/// rows of the truth tables.
pub trait Output {
    fn entity(&mut self, dataset: &str, entity: Value) -> std::io::Result<()>;
    fn source_row(&mut self, file: &str, header: &[&str], row: &[&str]) -> std::io::Result<()>;
    fn truth(&mut self, table: &str, row: &[&str]) -> std::io::Result<()>;
}

/// Sizes of a world.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub migrant_groups: u64,
    pub networks_per_corridor: u64,
    /// Regular travellers' crossings per smuggled person (the background a border post sees).
    pub background_per_migrant: u64,
}

/// The truth tables and their columns (documented in the output's README).
pub const TRUTH_TABLES: &[(&str, &str)] = &[
    ("records", "record_id,dataset,true_id,kind"),
    ("networks", "person_id,network_id,role,corridor,scope"),
    (
        "persons",
        "true_id,name,native_name,birth_date,gender,nationality,script",
    ),
    ("groups", "person_id,group_id,corridor,outcome,attempts"),
    ("journeys", "group_id,leg,network_id,handoff,day"),
    ("cotravel", "crossing_id,group_id"),
    (
        "payments",
        "transfer_id,fee_id,payer_id,broker_id,recipient_id,channel,paying_broker_id",
    ),
    ("settlements", "settlement_id,transfer_id"),
    ("vehicles", "vehicle_id,network_id,kind"),
    ("addresses", "address_id,network_id"),
    ("documents", "crossing_id,mrz_valid"),
];

struct Person {
    id: String,
    name: TrueName,
    /// The family name as the family carries it, before a woman's form (Petrov for Petrova):
    /// what relatives inherit.
    family_line: NameForms,
    gender: &'static str,
    nationality: String,
    birth: (i32, u8, u8),
    passport: Option<String>,
}

/// A record of a person as one source wrote it.
struct Rendered {
    id: String,
    name: String,
    born: Option<String>,
}

/// The border system's own export: one row per crossing (see OUTPUT.md).
pub const BORDER_CSV_HEADER: &[&str] = &[
    "crossing_ref",
    "passport_no",
    "nationality",
    "full_name",
    "birth_date",
    "sex",
    "point_code",
    "direction",
    "crossed_at",
    "mrz",
];

/// One passage of a border control point by one traveller.
struct Passage<'p> {
    point: &'p str,
    direction: &'p str,
    when: String,
    /// Chance that the passport's MRZ has a wrong check digit.
    broken_share: f64,
    vehicle: Option<&'p str>,
}

/// Every role a network member may have; a transnational organisation has the first seven,
/// a local outfit an organiser, a recruiter, a driver or pilot and someone who takes the money.
pub const ROLES: &[&str] = &[
    "organiser",
    "recruiter",
    "transporter",
    "boat_pilot",
    "safe_house_keeper",
    "money_broker",
    "paying_broker",
    "document_forger",
    "corrupt_official",
];

/// Where and how a group was stopped, for its interception report.
struct Stop<'a> {
    leg: &'a crate::data::Leg,
    facilitator: &'a Person,
    /// The vessel at sea, the vehicle on land.
    conveyance: &'a str,
    day: i64,
    /// What happened to the people: rescued, disembarked, released, detained, returned.
    outcome: &'static str,
}

impl<'a> Stop<'a> {
    fn new(
        leg: &'a crate::data::Leg,
        facilitator: &'a Person,
        conveyance: &'a str,
        day: i64,
        outcome: &'static str,
    ) -> Stop<'a> {
        Stop {
            leg,
            facilitator,
            conveyance,
            day,
            outcome,
        }
    }
}

struct Network {
    id: String,
    /// The corridor legs (indices) this network runs: all of them for a transnational
    /// organisation, one for a local outfit.
    legs: Vec<usize>,
    members: Vec<(Person, &'static str)>,
    /// The network's vehicle (border-crossings dataset) and boat (interceptions dataset).
    vehicle: String,
    vessel: String,
    /// The safe house where the network keeps migrants (an Address in the debriefings).
    safe_house: String,
    /// Each member's phone number, in member order.
    phones: Vec<String>,
}

impl Network {
    fn phone_of(&self, person: &Person) -> Option<&str> {
        let i = self.members.iter().position(|(p, _)| p.id == person.id)?;
        self.phones.get(i).map(String::as_str)
    }
}

impl Network {
    fn with_role(&self, role: &str) -> Option<&Person> {
        self.members
            .iter()
            .find(|(_, r)| *r == role)
            .map(|(p, _)| p)
    }
}

pub struct World<'a, O: Output> {
    /// Hawala transfers not yet settled between brokers: network index, transfer id, amount, day.
    pub unsettled: Vec<(usize, String, u64, i64)>,
    pub rng: Rng,
    pub settings: &'a crate::settings::Settings,
    pub names: &'a Names,
    pub out: &'a mut O,
    pub counter: u64,
}

const DAY0: i64 = 20_089; // 2025-01-01 as days since 1970-01-01

fn date(days: i64) -> String {
    corridor_model::types::format_unix_utc(days * 86_400)[..10].to_string()
}

fn moment(days: i64, minutes: u64) -> String {
    let s = corridor_model::types::format_unix_utc(days * 86_400 + minutes as i64 * 60);
    s[..19].to_string()
}

/// The passport's machine-readable zone as read at the border, and whether it is valid.
fn mrz_of(p: &Person, passport: &str, broken: bool) -> String {
    let alpha3 = corridor_model::types::country_by_code(&p.nationality)
        .and_then(|c| c.alpha3.clone())
        .unwrap_or_else(|| "XXX".into());
    let (y, m, d) = p.birth;
    let birth = format!("{:02}{m:02}{d:02}", y % 100);
    let lines = crate::mrz::td3(
        &crate::mrz::Td3 {
            issuing_state: &alpha3,
            surname: &p.name.family[1],
            given_names: &p.name.given[1],
            number: passport,
            nationality: &alpha3,
            birth: &birth,
            sex: if p.gender == "female" { 'F' } else { 'M' },
            expiry: "310101",
        },
        broken,
    );
    lines.join("\n")
}

impl<O: Output> World<'_, O> {
    /// A crossing record with the traveller's MRZ, some of them broken; returns the crossing id.
    #[allow(clippy::too_many_arguments)]
    fn crossing(
        &mut self,
        p: &Person,
        record: &Rendered,
        facts: Passage<'_>,
    ) -> std::io::Result<String> {
        let Passage {
            point,
            direction,
            when,
            broken_share,
            vehicle,
        } = facts;
        let id = self.next_id("crossing");
        let passport = p.passport.clone().unwrap_or_default();
        let broken = self.rng.chance(broken_share);
        let mrz = mrz_of(p, &passport, broken);
        let alpha3 = corridor_model::types::country_by_code(&p.nationality)
            .and_then(|c| c.alpha3.clone())
            .unwrap_or_default();
        // The export writes dates the way the border system shows them: DD.MM.YYYY.
        let born = record
            .born
            .as_deref()
            .map(|b| format!("{}.{}.{}", &b[8..10], &b[5..7], &b[0..4]))
            .unwrap_or_default();
        let sex = if p.gender == "female" { "F" } else { "M" };
        self.out.source_row(
            "border-crossings.csv",
            BORDER_CSV_HEADER,
            &[
                &id,
                &passport,
                &alpha3,
                &record.name,
                &born,
                sex,
                point,
                direction,
                &when,
                &mrz,
            ],
        )?;
        let mut props = json!({
            "traveller": [record.id], "point": [point], "direction": [direction],
            "date": [when], "mrz": [mrz]});
        if let Some(vehicle) = vehicle {
            props["vehicle"] = json!([vehicle]);
        }
        self.out.entity(
            "border-crossings",
            json!({"id": id, "schema": "Crossing", "properties": props}),
        )?;
        self.out
            .truth("documents", &[&id, if broken { "false" } else { "true" }])?;
        Ok(id)
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}-{:07}", self.counter)
    }

    /// A real person of the world, written to the truth with their true attributes.
    fn person(
        &mut self,
        culture: &Culture,
        nationality: &str,
        adult: bool,
    ) -> std::io::Result<Person> {
        self.person_in_family(culture, nationality, adult, None)
    }

    /// A person who carries `family`'s family name, when given.
    fn person_in_family(
        &mut self,
        culture: &Culture,
        nationality: &str,
        adult: bool,
        family: Option<&Person>,
    ) -> std::io::Result<Person> {
        let female = self.rng.chance(self.settings.people.female_share);
        let pool = if female {
            &culture.female
        } else {
            &culture.male
        };
        let s = self.names.frequency_exponent;
        let mut given = self.rng.by_rank(pool, s).clone();
        if self.rng.chance(culture.second_given) {
            let second = self.rng.by_rank(pool, s);
            if second[0] != given[0] {
                given = join_forms(&given, second);
            }
        }
        let father = culture
            .patronymic
            .then(|| self.rng.by_rank(&culture.male, s).clone());
        let family = match family {
            Some(relative) => relative.family_line.clone(),
            None if culture.double_family => {
                let first = self.rng.by_rank(&culture.family, s);
                let second = self.rng.by_rank(&culture.family, s);
                join_forms(first, second)
            }
            None => self.rng.by_rank(&culture.family, s).clone(),
        };
        let family_line = family.clone();
        let family = if female {
            culture.feminine(&family)
        } else {
            family
        };
        let age = if adult {
            self.rng.range(18, 55)
        } else {
            self.rng.range(10, 17)
        } as i32;
        // Ages hold when the world begins (2025-01-01): an adult is 18 at the first crossing.
        let birth = (
            2024 - age,
            self.rng.range(1, 12) as u8,
            self.rng.range(1, 28) as u8,
        );
        let passport = self
            .rng
            .chance(self.settings.people.passport_share)
            .then(|| {
                format!(
                    "{}{:07}",
                    nationality.to_ascii_uppercase(),
                    self.rng.range(0, 9_999_999)
                )
            });
        let person = Person {
            id: self.next_id("true-person"),
            name: TrueName {
                given,
                father,
                family,
            },
            family_line,
            gender: if female { "female" } else { "male" },
            nationality: nationality.to_string(),
            birth,
            passport,
        };
        let (y, m, d) = person.birth;
        self.out.truth(
            "persons",
            &[
                &person.id,
                &person.name.canonical(),
                &person.name.native(),
                &format!("{y:04}-{m:02}-{d:02}"),
                person.gender,
                nationality,
                &culture.script,
            ],
        )?;
        Ok(person)
    }

    /// One source's record of a person: a new entity, mapped to the real person in the truth.
    fn record(&mut self, dataset: &str, person: &Person, style: &Style) -> std::io::Result<String> {
        Ok(self.record_with(dataset, person, style, json!({}))?.id)
    }

    /// A record with extra properties (`extra` is an object of property → list of values).
    fn record_with(
        &mut self,
        dataset: &str,
        person: &Person,
        style: &Style,
        extra: Value,
    ) -> std::io::Result<Rendered> {
        let id = self.next_id(&format!("{dataset}-p"));
        let name = render::render_name(&person.name, style, &mut self.rng);
        let mut props =
            json!({"name": [name], "nationality": [person.nationality], "gender": [person.gender]});
        let (y, m, d) = person.birth;
        let born = render::render_birth_date(y, m, d, style, &mut self.rng);
        if let Some(born) = &born {
            props["birthDate"] = json!([born]);
        }
        if let Some(p) = &person.passport {
            props["passportNumber"] = json!([p]);
        }
        if let (Value::Object(props), Value::Object(extra)) = (&mut props, extra) {
            props.extend(extra);
        }
        self.out.entity(
            dataset,
            json!({"id": id, "schema": "Person", "properties": props}),
        )?;
        self.out
            .truth("records", &[&id, dataset, &person.id, "person"])?;
        Ok(Rendered { id, name, born })
    }

    pub fn corridor(
        &mut self,
        corridor: &Corridor,
        size: &Size,
        groups: u64,
    ) -> std::io::Result<u64> {
        let nats: Vec<&String> = corridor.nationalities.keys().collect();
        let weights: Vec<f64> = corridor.nationalities.values().copied().collect();
        // Crossing points where a leg meets a controlled border.
        let mut points = Vec::new();
        for (i, leg) in corridor.legs.iter().enumerate() {
            let id = format!("bcp-{}-{i}", corridor.id);
            self.out.entity(
                "border-crossings",
                json!({"id": id, "schema": "BorderCrossingPoint", "properties": {
                    "name": [leg.from.0], "country": [leg.from.1],
                    "location": [format!("{},{}", leg.from.2, leg.from.3)],
                    "pointType": [if leg.mode == "sea" { "sea" } else { "land" }],
                    "route": [corridor.mmp_route]}}),
            )?;
            points.push(id);
        }
        // Networks: transnational organisations that run the whole corridor with every role,
        // and local outfits that run one leg with a few; every leg has at least one network.
        let mut networks = Vec::new();
        let all_legs: Vec<usize> = (0..corridor.legs.len()).collect();
        let mut plans: Vec<Vec<usize>> = (0..size.networks_per_corridor)
            .map(|_| {
                if self.rng.chance(self.settings.networks.transnational_share) {
                    all_legs.clone()
                } else {
                    vec![self.rng.range(0, corridor.legs.len() as u64 - 1) as usize]
                }
            })
            .collect();
        for leg in &all_legs {
            if !plans.iter().any(|p| p.contains(leg)) {
                plans.push(vec![*leg]);
            }
        }
        for legs in plans {
            networks.push(self.network(corridor, &nats, legs)?);
        }
        let mut smuggled = 0;
        for _ in 0..groups {
            smuggled += self.group(corridor, &nats, &weights, &networks, &points)?;
        }
        self.settle(&networks)?;
        Ok(smuggled)
    }

    /// One network with its members, conveyances, safe house, watchlist entries and phones.
    fn network(
        &mut self,
        corridor: &Corridor,
        nats: &[&String],
        legs: Vec<usize>,
    ) -> std::io::Result<Network> {
        let id = self.next_id("true-network");
        let transnational = legs.len() == corridor.legs.len() && legs.len() > 1;
        let scope = if transnational {
            "transnational"
        } else {
            "local"
        };
        let mut roles: Vec<&'static str> = if transnational {
            ROLES[..7].to_vec()
        } else {
            let sea = corridor.legs[legs[0]].mode == "sea";
            vec![
                "organiser",
                "recruiter",
                if sea { "boat_pilot" } else { "transporter" },
                "money_broker",
            ]
        };
        // Larger organisations have more drivers and a corrupt official on the payroll.
        if transnational {
            let extra_drivers = self.rng.range(0, 2) as usize;
            roles.extend(std::iter::repeat_n("transporter", extra_drivers));
            if self.rng.chance(0.3) {
                roles.push("corrupt_official");
            }
        } else if self.rng.chance(0.3) {
            roles.push("document_forger");
        }
        let mut members = Vec::new();
        for role in roles {
            // Members live where the network works.
            let leg = &corridor.legs[*self.rng.pick(&legs)];
            let country = leg.from.1.clone();
            let pick = self.rng.next_u64();
            let culture = self
                .names
                .culture_of(&country, pick)
                .or_else(|| self.names.culture_of(nats[0], pick))
                .expect("checked by data tests");
            let p = self.person(culture, &country, true)?;
            self.out
                .truth("networks", &[&p.id, &id, role, &corridor.id, scope])?;
            members.push((p, role));
        }
        let (vehicle, vessel) = self.conveyances(&id, corridor)?;
        let safe_house = self.safe_house(&id, corridor)?;
        let mut network = Network {
            id,
            legs,
            members,
            vehicle,
            vessel,
            safe_house,
            phones: Vec::new(),
        };
        self.watchlist(&network)?;
        network.phones = self.phone_extract(&network, &corridor.id)?;
        Ok(network)
    }

    fn group(
        &mut self,
        corridor: &Corridor,
        nats: &[&String],
        weights: &[f64],
        networks: &[Network],
        points: &[String],
    ) -> std::io::Result<u64> {
        let nationality = nats[self.rng.weighted(weights)].clone();
        let pick = self.rng.next_u64();
        let culture = self
            .names
            .culture_of(&nationality, pick)
            .expect("checked by data tests");
        let group_id = self.next_id("true-group");
        // 55 % travel alone, 30 % as a family of 2-5, 15 % are unaccompanied children.
        let g = &self.settings.groups;
        let kind = self
            .rng
            .weighted(&[g.alone, g.family, g.unaccompanied_child]);
        let [family_low, family_high] = g.family_size;
        let members: Vec<Person> = match kind {
            0 => vec![self.person(culture, &nationality, true)?],
            1 => {
                let n = self.rng.range(family_low, family_high);
                let head = self.person(culture, &nationality, true)?;
                let mut family = vec![head];
                for i in 1..n {
                    let p =
                        self.person_in_family(culture, &nationality, i == 1, Some(&family[0]))?;
                    family.push(p);
                }
                family
            }
            _ => vec![self.person(culture, &nationality, false)?],
        };
        let mut day = DAY0 + self.rng.range(0, 600) as i64;
        let mut outcome = "arrived";
        let mut attempts: u64 = 1;
        let mut leg_index = 0;
        let mut retrying = false;
        // The network in charge: chosen for the first leg taken, handed on where it stops.
        let mut current: Option<usize> = None;
        while leg_index < corridor.legs.len() {
            let leg = &corridor.legs[leg_index];
            // Not every journey takes every leg: each leg is an alternative start or a step.
            // A group sent back tries the same leg again.
            if leg_index > 0 && !retrying && self.rng.chance(0.5) {
                leg_index += 1;
                continue;
            }
            retrying = false;
            day += self.rng.range(leg.days[0], leg.days[1]) as i64;
            let previous = current;
            let network_index = match current {
                Some(n) if networks[n].legs.contains(&leg_index) => n,
                _ => {
                    let running: Vec<usize> = (0..networks.len())
                        .filter(|n| networks[*n].legs.contains(&leg_index))
                        .collect();
                    *self.rng.pick(&running)
                }
            };
            current = Some(network_index);
            let network = &networks[network_index];
            let handoff = previous.is_some_and(|p| p != network_index);
            self.out.truth(
                "journeys",
                &[
                    &group_id,
                    &leg_index.to_string(),
                    &network.id,
                    if handoff { "true" } else { "false" },
                    &date(day),
                ],
            )?;
            let facilitator = network
                .with_role(if leg.mode == "sea" {
                    "boat_pilot"
                } else {
                    "transporter"
                })
                .expect("a network running a leg has its driver or pilot");
            let conveyance = if leg.mode == "sea" {
                network.vessel.as_str()
            } else {
                network.vehicle.as_str()
            };
            // The fee of the leg, per person, for the whole group.
            let amount = self.rng.range(leg.fee_usd[0], leg.fee_usd[1]) * members.len() as u64;
            let paid_for = intelligence::FeeFor {
                route: corridor.mmp_route.clone(),
                leg: format!("{} → {}", leg.from.0, leg.to.0),
                service: if leg.mode == "sea" {
                    "sea_crossing"
                } else {
                    "leg"
                },
                persons: members.len() as u64,
            };
            self.fee(
                &members[0],
                network,
                network_index,
                facilitator,
                amount,
                day,
                &paid_for,
            )?;
            if leg.mode != "sea" && points.len() > leg_index {
                self.crossings(
                    &members,
                    facilitator,
                    &network.vehicle,
                    &points[leg_index],
                    &group_id,
                    day,
                )?;
            }
            if self.rng.chance(leg.death) {
                outcome = if self.rng.chance(0.5) {
                    "dead"
                } else {
                    "missing"
                };
                self.incident(corridor, leg, members.len() as u64, outcome, day)?;
                break;
            }
            if self.rng.chance(leg.intercept) {
                let o = &self.settings.outcomes;
                // At sea, a boat in distress is rescued and its people brought to a port of
                // safety: the smuggled journey ends there.
                if leg.mode == "sea" && self.rng.chance(o.rescue_share_at_sea) {
                    let stop = Stop::new(leg, facilitator, conveyance, day, "rescued");
                    self.interception(corridor, &members, stop)?;
                    outcome = "rescued";
                    break;
                }
                let g = &self.settings.groups;
                if attempts < g.max_attempts && self.rng.chance(g.retry_after_interception) {
                    let sent_back = if leg.mode == "sea" {
                        "disembarked"
                    } else {
                        "released"
                    };
                    let stop = Stop::new(leg, facilitator, conveyance, day, sent_back);
                    self.interception(corridor, &members, stop)?;
                    attempts += 1;
                    retrying = true;
                    day += self.rng.range(7, 60) as i64;
                    continue;
                }
                let returned = self.rng.chance(o.returned_after_interception);
                let ending = if returned { "returned" } else { "detained" };
                let stop = Stop::new(leg, facilitator, conveyance, day, ending);
                self.interception(corridor, &members, stop)?;
                outcome = if returned { "returned" } else { "intercepted" };
                break;
            }
            leg_index += 1;
        }
        let attempts = attempts.to_string();
        for p in &members {
            self.out.truth(
                "groups",
                &[&p.id, &group_id, &corridor.id, outcome, &attempts],
            )?;
        }
        self.protection(&members, kind == 2, outcome, day)?;
        if let Some(n) = current
            && self.rng.chance(self.settings.records.debriefed_share)
        {
            self.debriefing(&members[0], &networks[n], day)?;
        }
        Ok(members.len() as u64)
    }

    /// A network's safe house, in a town on its corridor.
    fn safe_house(&mut self, network: &str, corridor: &Corridor) -> std::io::Result<String> {
        let leg = self.rng.pick(&corridor.legs);
        let street = *self.rng.pick(&[
            "Market Street",
            "Old Port Road",
            "Station Road",
            "Mosque Street",
            "Hill Road",
        ]);
        let id = self.next_id("address");
        self.out.entity(
            "debriefings",
            json!({"id": id, "schema": "Address", "properties": {
                "full": [format!("{} {street}, {}", self.rng.range(1, 200), leg.from.0)],
                "city": [leg.from.0], "country": [leg.from.1],
                "latitude": [format!("{:.4}", leg.from.2)], "longitude": [format!("{:.4}", leg.from.3)]}}),
        )?;
        self.out.truth("addresses", &[&id, network])?;
        Ok(id)
    }

    /// A network's van and boat, recorded where they are seen: at the border and at sea.
    fn conveyances(
        &mut self,
        network: &str,
        corridor: &Corridor,
    ) -> std::io::Result<(String, String)> {
        let letters = |rng: &mut Rng| -> String {
            (0..2)
                .map(|_| char::from(b'A' + rng.range(0, 25) as u8))
                .collect()
        };
        let plate = format!(
            "{} {:04} {}",
            letters(&mut self.rng),
            self.rng.range(0, 9999),
            letters(&mut self.rng)
        );
        let vehicle = self.next_id("vehicle");
        let kind = *self.rng.pick(&["van", "truck", "minibus", "car"]);
        self.out.entity(
            "border-crossings",
            json!({"id": vehicle, "schema": "Vehicle", "properties": {"registrationNumber": [plate], "type": [kind]}}),
        )?;
        self.out.truth("vehicles", &[&vehicle, network, kind])?;
        let vessel = self.next_id("vessel");
        let boat = *self.rng.pick(&[
            "Al Amal", "Nour", "Baraka", "Sea Star", "Salama", "Hope", "Al Fajr",
        ]);
        let name = format!("{boat} {}", self.rng.range(1, 99));
        let kind = *self
            .rng
            .pick(&["fishing boat", "rubber dinghy", "iron boat", "wooden boat"]);
        let flag = corridor.legs[0].from.1.clone();
        self.out.entity(
            "interceptions",
            json!({"id": vessel, "schema": "Vessel", "properties": {"name": [name], "type": [kind], "flag": [flag]}}),
        )?;
        self.out.truth("vehicles", &[&vessel, network, kind])?;
        Ok((vehicle, vessel))
    }

    fn crossings(
        &mut self,
        members: &[Person],
        driver: &Person,
        vehicle: &str,
        point: &str,
        group: &str,
        day: i64,
    ) -> std::io::Result<()> {
        let minute = self.rng.range(0, 1439);
        let travellers: Vec<&Person> = members
            .iter()
            .chain(std::iter::once(driver))
            .filter(|p| p.passport.is_some())
            .collect();
        for (i, p) in travellers.iter().enumerate() {
            let record = self.record_with(
                "border-crossings",
                p,
                &self.settings.styles.border_system,
                json!({}),
            )?;
            let passage = Passage {
                point,
                direction: "exit",
                when: moment(day, minute + i as u64),
                broken_share: self.settings.records.broken_mrz_smuggled,
                vehicle: Some(vehicle),
            };
            let id = self.crossing(p, &record, passage)?;
            self.out.truth("cotravel", &[&id, group])?;
        }
        Ok(())
    }

    /// Regular travellers crossing the corridor's points, the background of every border post.
    pub fn background(&mut self, corridor: &Corridor, crossings: u64) -> std::io::Result<()> {
        let nats: Vec<String> = corridor
            .legs
            .iter()
            .flat_map(|l| [l.from.1.clone(), l.to.1.clone()])
            .collect();
        let mut done = 0;
        while done < crossings {
            let nationality = self.rng.pick(&nats).clone();
            let pick = self.rng.next_u64();
            let Some(culture) = self
                .names
                .culture_of(&nationality, pick)
                .or_else(|| self.names.cultures.get("hispanic"))
            else {
                break;
            };
            let mut p = self.person(culture, &nationality, true)?;
            if p.passport.is_none() {
                p.passport = Some(format!(
                    "{}{:07}",
                    nationality.to_ascii_uppercase(),
                    self.rng.range(0, 9_999_999)
                ));
            }
            let record = self.record_with(
                "border-crossings",
                &p,
                &self.settings.styles.border_system,
                json!({}),
            )?;
            let trips = self.rng.range(1, 4).min(crossings - done);
            for _ in 0..trips {
                let leg_index = self.rng.range(0, corridor.legs.len() as u64 - 1) as usize;
                let day = DAY0 + self.rng.range(0, 640) as i64;
                let minute = self.rng.range(0, 1439);
                let direction = if self.rng.chance(0.5) {
                    "entry"
                } else {
                    "exit"
                };
                let point = format!("bcp-{}-{leg_index}", corridor.id);
                let passage = Passage {
                    point: &point,
                    direction,
                    when: moment(day, minute),
                    broken_share: self.settings.records.broken_mrz_regular,
                    vehicle: None,
                };
                self.crossing(&p, &record, passage)?;
                done += 1;
            }
        }
        Ok(())
    }
}

/// Two names written one after the other, form by form (own script with own script, the most
/// common rendering with the most common); where one has fewer forms its most common one stands
/// in.
fn join_forms(a: &NameForms, b: &NameForms) -> NameForms {
    (0..a.len().max(b.len()))
        .map(|i| {
            let pick = |f: &NameForms| f.get(i).unwrap_or(&f[1.min(f.len() - 1)]).clone();
            format!("{} {}", pick(a), pick(b))
        })
        .collect()
}
