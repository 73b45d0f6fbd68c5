//! Versioned schema migrations: numbered SQL files, applied in order, each once, recorded in
//! `schema_migrations`. Released files are never edited; a change is a new file.

pub(crate) struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "statements",
        sql: include_str!("../migrations/sqlite/0001_statements.sql"),
    },
    Migration {
        version: 2,
        name: "node",
        sql: include_str!("../migrations/sqlite/0002_node.sql"),
    },
    Migration {
        version: 3,
        name: "name trigrams",
        sql: include_str!("../migrations/sqlite/0003_name_trigrams.sql"),
    },
    Migration {
        version: 4,
        name: "resolution",
        sql: include_str!("../migrations/sqlite/0004_resolution.sql"),
    },
    Migration {
        version: 5,
        name: "border",
        sql: include_str!("../migrations/sqlite/0005_border.sql"),
    },
    Migration {
        version: 6,
        name: "cooperation",
        sql: include_str!("../migrations/sqlite/0006_cooperation.sql"),
    },
    Migration {
        version: 7,
        name: "cooperation shares",
        sql: include_str!("../migrations/sqlite/0007_coop_shares.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "statements",
        sql: include_str!("../migrations/postgres/0001_statements.sql"),
    },
    Migration {
        version: 2,
        name: "node",
        sql: include_str!("../migrations/postgres/0002_node.sql"),
    },
    Migration {
        version: 3,
        name: "name trigrams",
        sql: include_str!("../migrations/postgres/0003_name_trigrams.sql"),
    },
    Migration {
        version: 4,
        name: "resolution",
        sql: include_str!("../migrations/postgres/0004_resolution.sql"),
    },
    Migration {
        version: 5,
        name: "border",
        sql: include_str!("../migrations/postgres/0005_border.sql"),
    },
    Migration {
        version: 6,
        name: "cooperation",
        sql: include_str!("../migrations/postgres/0006_cooperation.sql"),
    },
    Migration {
        version: 7,
        name: "cooperation shares",
        sql: include_str!("../migrations/postgres/0007_coop_shares.sql"),
    },
];

pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";
