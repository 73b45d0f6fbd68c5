//! Route names as the sources write them, normalised to one code each (`data/routes.yaml`).

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub code: String,
    pub label: String,
    pub names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteFile {
    routes: Vec<Route>,
}

struct Table {
    routes: Vec<Route>,
    by_name: HashMap<String, usize>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let file: RouteFile = serde_yaml_ng::from_str(include_str!("../data/routes.yaml"))
        .expect("data/routes.yaml is checked by a test");
    let mut by_name = HashMap::new();
    for (i, r) in file.routes.iter().enumerate() {
        for n in &r.names {
            by_name.insert(n.to_lowercase(), i);
        }
        by_name.insert(r.code.clone(), i);
    }
    Table {
        routes: file.routes,
        by_name,
    }
});

/// Every route, in the file's order.
pub fn all() -> &'static [Route] {
    &TABLE.routes
}

/// The route a source's name (or a code) means, if listed.
pub fn route(name: &str) -> Option<&'static Route> {
    TABLE
        .by_name
        .get(&name.trim().to_lowercase())
        .map(|&i| &TABLE.routes[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_spelling_has_one_route_and_codes_are_unique() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for r in all() {
            assert!(codes.insert(r.code.clone()), "code {} twice", r.code);
            for n in &r.names {
                assert!(names.insert(n.to_lowercase()), "name {n} twice");
            }
        }
        assert_eq!(
            route("Central Mediterranean Route").unwrap().code,
            "central-mediterranean"
        );
        assert_eq!(
            route("central mediterranean").unwrap().code,
            "central-mediterranean"
        );
        assert_eq!(route("Darien").unwrap().code, "central-american");
        assert!(route("Moon route").is_none());
    }

    #[test]
    fn the_simulators_routes_are_known() {
        // The simulator names its corridors' routes as the Missing Migrants Project does; an
        // unknown name would land its fees and incidents under "undefined".
        let corridors = include_str!("../../corridor-sim/data/corridors.yaml");
        let mut seen = 0;
        for line in corridors.lines() {
            if let Some(name) = line.trim().strip_prefix("mmp_route:") {
                assert!(route(name).is_some(), "simulator route {name:?} unknown");
                seen += 1;
            }
        }
        assert!(seen >= 8, "{seen} corridors read");
    }
}
