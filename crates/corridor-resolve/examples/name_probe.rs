fn main() {
    for arg in std::env::args().skip(1) {
        let n = corridor_resolve::names::prepare(&arg);
        for p in &n.parts {
            println!(
                "{arg}: written={} latin={} skeleton={} variant={:?}",
                p.written, p.latin, p.skeleton, p.variant
            );
        }
    }
}
