//! Tables with small cells suppressed. Primary suppression hides every count between 1 and
//! the threshold; secondary (complementary) suppression then hides more cells until no row or
//! column has exactly one hidden cell, so that no hidden count can be worked out from the
//! published margins by subtraction. Zeros stay published (an empty cell is not a person).

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct SuppressedTable {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `None` where a cell is hidden.
    pub cells: Vec<Vec<Option<u64>>>,
    /// Margins are published whole.
    pub row_totals: Vec<u64>,
    pub column_totals: Vec<u64>,
    pub primary: usize,
    pub secondary: usize,
}

/// Suppresses `counts` (rows × columns) below `threshold`, then complementary cells.
pub fn suppress(
    rows: Vec<String>,
    columns: Vec<String>,
    counts: &[Vec<u64>],
    threshold: u64,
) -> SuppressedTable {
    let (nr, nc) = (rows.len(), columns.len());
    let mut hidden = vec![vec![false; nc]; nr];
    let mut primary = 0;
    for r in 0..nr {
        for c in 0..nc {
            if counts[r][c] > 0 && counts[r][c] < threshold {
                hidden[r][c] = true;
                primary += 1;
            }
        }
    }
    let mut secondary = 0;
    loop {
        let mut changed = false;
        // A line with exactly one hidden cell: hide its smallest other non-zero cell (the
        // cheapest to lose); a line with no other non-zero cell hides its smallest zero.
        for r in 0..nr {
            if hidden[r].iter().filter(|h| **h).count() == 1 {
                let pick = (0..nc)
                    .filter(|&c| !hidden[r][c])
                    .min_by_key(|&c| (counts[r][c] == 0, counts[r][c]));
                if let Some(c) = pick {
                    hidden[r][c] = true;
                    secondary += 1;
                    changed = true;
                }
            }
        }
        for c in 0..nc {
            if (0..nr).filter(|&r| hidden[r][c]).count() == 1 {
                let pick = (0..nr)
                    .filter(|&r| !hidden[r][c])
                    .min_by_key(|&r| (counts[r][c] == 0, counts[r][c]));
                if let Some(r) = pick {
                    hidden[r][c] = true;
                    secondary += 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    SuppressedTable {
        cells: (0..nr)
            .map(|r| {
                (0..nc)
                    .map(|c| (!hidden[r][c]).then_some(counts[r][c]))
                    .collect()
            })
            .collect(),
        row_totals: counts.iter().map(|r| r.iter().sum()).collect(),
        column_totals: (0..nc).map(|c| counts.iter().map(|r| r[c]).sum()).collect(),
        rows,
        columns,
        primary,
        secondary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The differencing attack: a hidden cell alone in its row or column is its margin minus
    /// the published cells.
    fn recoverable(t: &SuppressedTable) -> Vec<(usize, usize, u64)> {
        let mut out = Vec::new();
        for (r, row) in t.cells.iter().enumerate() {
            let hidden: Vec<usize> = (0..row.len()).filter(|&c| row[c].is_none()).collect();
            if let [c] = hidden[..] {
                let known: u64 = row.iter().flatten().sum();
                out.push((r, c, t.row_totals[r] - known));
            }
        }
        for c in 0..t.columns.len() {
            let hidden: Vec<usize> = (0..t.rows.len())
                .filter(|&r| t.cells[r][c].is_none())
                .collect();
            if let [r] = hidden[..] {
                let known: u64 = t.cells.iter().filter_map(|row| row[c]).sum();
                out.push((r, c, t.column_totals[c] - known));
            }
        }
        out
    }

    #[test]
    fn small_cells_are_hidden_and_cannot_be_recovered_from_the_margins() {
        let names = |p: &str, n: usize| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
        let counts = vec![
            vec![120, 3, 45, 0],
            vec![80, 60, 2, 33],
            vec![15, 40, 50, 7],
            vec![0, 0, 1, 90],
        ];
        let t = suppress(names("r", 4), names("c", 4), &counts, 5);
        assert_eq!(t.primary, 3);
        assert!(t.secondary >= 3);
        assert!(recoverable(&t).is_empty(), "{:?}", recoverable(&t));
        for (r, row) in t.cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Some(v) = cell {
                    assert!(*v == 0 || *v >= 5, "a small cell published at {r},{c}");
                }
            }
        }
        assert_eq!(t.row_totals, [168, 175, 112, 91]);
    }
}
