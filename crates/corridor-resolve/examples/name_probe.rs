//! How names are read: each part's written, Latin and consonant forms and its variant group.
//!
//!     cargo run --release -p corridor-resolve --example name_probe -- "Abd al-Rahman" "عبد الرحمن"

fn main() {
    for name in std::env::args().skip(1) {
        for p in corridor_resolve::names::prepare(&name).parts {
            println!(
                "{name}: written={} latin={} skeleton={} variant={}",
                p.written,
                p.latin,
                p.skeleton,
                p.variant.unwrap_or("-")
            );
        }
    }
}
