//! The demo's research data: a tenth of the Missing Migrants Project's incidents and Frontex's
//! recent detections on four routes (public data, see samples/PUBLIC-DATA.md), imported as a
//! researcher's analyst would.

use crate::commands::Context;

const MMP_SAMPLE: &str = include_str!("../samples/mmp-sample.csv");
const FRONTEX_SAMPLE: &str = include_str!("../samples/frontex-sample.csv");

/// Imports the samples; returns how many incidents and counts.
pub fn demo_research(ctx: &Context) -> anyhow::Result<(usize, usize)> {
    let node = ctx.node(1)?;
    let me = crate::border_command::operator(ctx);
    let incidents =
        node.import_research(&me, "mmp", "samples/mmp-sample.csv", MMP_SAMPLE.as_bytes())?;
    let counts = node.import_research(
        &me,
        "detections",
        "samples/frontex-sample.csv",
        FRONTEX_SAMPLE.as_bytes(),
    )?;
    Ok((incidents.records, counts.records))
}
