//! Records as the pair loop reads them: every comparable value of a record as numbers in one
//! fixed-width row.
//!
//! The loop visits ninety million pairs at a million records, the second record of each at
//! random. Prepared fields are strings and vectors behind pointers, a dozen cache misses a pair;
//! a row is two cache lines. Values are numbered (equal numbers, equal values), short folded
//! identifiers are held in the row itself, and names are rows of part numbers: the text of the
//! few distinct parts is read only where two differ, and what two parts make of each other is
//! remembered.

use std::collections::HashMap;

use crate::{Settings, compare, names, settings::Kind, values};

/// Parts of a name held in the row; longer names are read from [`NameParts::overflow`].
const INLINE_PARTS: usize = 5;
/// Bytes of a folded identifier held in the row.
const INLINE_ID_BYTES: usize = 16;
/// Cells of an identifier: its number, its folded form's number, the folded text inline.
const IDENTIFIER_CELLS: usize = 2 + INLINE_ID_BYTES / 4;
/// Cells of a name: skeletons' number, part count, overflow start, the parts inline.
const NAME_CELLS: usize = 3 + INLINE_PARTS;
/// A row's cell for an absent date.
const NO_DATE: u32 = u32::MAX;
/// First cell of an identifier's inline text when the text is not there (too long, or not
/// ASCII): it is read from the table of folded texts instead.
const NOT_INLINE: u32 = u32::MAX;

/// Where a comparison's cells start in a row, and what they hold.
#[derive(Clone, Copy)]
enum Slot {
    /// A number per distinct value, 0 for empty.
    Exact(usize),
    /// The date packed ([`pack_date`]).
    Date(usize),
    /// Number of the value (0 for empty), number of its OCR-folded form, then the folded text
    /// in four cells (or [`NOT_INLINE`]). The `usize` after the start indexes
    /// [`Rows::folded_texts`].
    Identifier(usize, usize),
    /// Number of the skeletons written together, number of parts, where the parts start in
    /// the overflow, then up to [`INLINE_PARTS`] part numbers. The second `usize` indexes
    /// [`Rows::names`].
    Name(usize, usize),
    /// Compared from the prepared fields.
    Fields,
}

impl Slot {
    fn width(kind: Kind) -> usize {
        match kind {
            Kind::Exact => 1,
            Kind::Date => 1,
            Kind::Identifier => IDENTIFIER_CELLS,
            Kind::Name => NAME_CELLS,
            Kind::Text => 0,
        }
    }
}

/// A name comparison's distinct parts, and the part numbers of names too long for the row.
struct NameParts {
    parts: Vec<names::Part>,
    overflow: Vec<u32>,
}

impl NameParts {
    /// The part numbers of the name in `cells`.
    fn of<'a>(&'a self, cells: &'a [u32]) -> &'a [u32] {
        let count = cells[1] as usize;
        if count <= INLINE_PARTS {
            &cells[3..3 + count]
        } else {
            &self.overflow[cells[2] as usize..][..count]
        }
    }
}

pub(crate) struct Rows {
    width: usize,
    cells: Vec<u32>,
    slots: Vec<Slot>,
    /// Per identifier comparison, its folded texts by number.
    folded_texts: Vec<Vec<String>>,
    names: Vec<NameParts>,
}

thread_local! {
    /// Parts already compared on this thread, by (part number, part number), and the run they
    /// belong to: worker threads outlive runs, and another run numbers parts anew.
    static PART_MATCHES: std::cell::RefCell<(u64, PartMatches)> =
        std::cell::RefCell::new((0, PartMatches::default()));
}

type PartMatches = crate::FastMap<(u32, u32, u32), Option<names::PartMatch>>;

/// Part pairs remembered per thread, at most: a few hundred megabytes at worst.
const MAX_REMEMBERED_PART_PAIRS: usize = 2_000_000;

impl Rows {
    pub(crate) fn empty() -> Rows {
        Rows {
            width: 0,
            cells: Vec::new(),
            slots: Vec::new(),
            folded_texts: Vec::new(),
            names: Vec::new(),
        }
    }

    pub(crate) fn new(settings: &Settings, fields: &[Vec<compare::Prepared>]) -> Rows {
        let mut slots = Vec::new();
        let mut width = 0;
        let (mut identifiers, mut name_comparisons) = (0, 0);
        for spec in &settings.comparisons {
            slots.push(match spec.kind {
                Kind::Exact => Slot::Exact(width),
                Kind::Date => Slot::Date(width),
                Kind::Identifier => {
                    identifiers += 1;
                    Slot::Identifier(width, identifiers - 1)
                }
                Kind::Name => {
                    name_comparisons += 1;
                    Slot::Name(width, name_comparisons - 1)
                }
                Kind::Text => Slot::Fields,
            });
            width += Slot::width(spec.kind);
        }
        let mut rows = Rows {
            width,
            cells: vec![0; width * fields.len()],
            slots,
            folded_texts: Vec::new(),
            names: Vec::new(),
        };
        for c in 0..settings.comparisons.len() {
            rows.fill(fields, c);
        }
        rows
    }

    /// Writes comparison `c`'s cells of every row.
    fn fill(&mut self, fields: &[Vec<compare::Prepared>], c: usize) {
        let width = self.width;
        fn text_of(row: &[compare::Prepared], c: usize) -> &str {
            match &row[c] {
                compare::Prepared::Text(t) => t,
                _ => "",
            }
        }
        let text = |row| text_of(row, c);
        match self.slots[c] {
            Slot::Exact(start) => {
                let mut numbers = Numbers::default();
                for (r, row) in fields.iter().enumerate() {
                    self.cells[r * width + start] = numbers.of_value(text(row));
                }
            }
            Slot::Date(start) => {
                for (r, row) in fields.iter().enumerate() {
                    let date = match &row[c] {
                        compare::Prepared::Date(d) => *d,
                        _ => None,
                    };
                    self.cells[r * width + start] = pack_date(date);
                }
            }
            Slot::Identifier(start, table) => {
                let mut raw = Numbers::default();
                let mut folded_numbers: HashMap<String, u32> = HashMap::new();
                let mut texts = vec![String::new()];
                for (r, row) in fields.iter().enumerate() {
                    let value = text(row);
                    let fold = values::ocr_fold(value);
                    let cells = &mut self.cells[r * width + start..][..IDENTIFIER_CELLS];
                    cells[0] = raw.of_value(value);
                    // Folded texts are numbered by the table's own index.
                    cells[1] = match folded_numbers.get(fold.as_str()) {
                        Some(n) => *n,
                        None => {
                            texts.push(fold.clone());
                            folded_numbers.insert(fold.clone(), texts.len() as u32 - 1);
                            texts.len() as u32 - 1
                        }
                    };
                    if fold.is_ascii() && fold.len() <= INLINE_ID_BYTES {
                        let mut bytes = [0u8; INLINE_ID_BYTES];
                        bytes[..fold.len()].copy_from_slice(fold.as_bytes());
                        for (k, cell) in cells[2..].iter_mut().enumerate() {
                            *cell = u32::from_le_bytes(bytes[4 * k..4 * k + 4].try_into().unwrap());
                        }
                    } else {
                        cells[2] = NOT_INLINE;
                    }
                }
                debug_assert_eq!(table, self.folded_texts.len());
                self.folded_texts.push(texts);
            }
            Slot::Name(start, table) => {
                let mut parts = Numbers::default();
                let mut compact = Numbers::default();
                let mut table_parts = Vec::new();
                let mut overflow = Vec::new();
                for (r, row) in fields.iter().enumerate() {
                    let cells = &mut self.cells[r * width + start..][..NAME_CELLS];
                    let compare::Prepared::Name(name) = &row[c] else {
                        continue;
                    };
                    cells[0] = compact.of(&name.compact, |_| {});
                    cells[1] = name.parts.len() as u32;
                    cells[2] = overflow.len() as u32;
                    for (k, part) in name.parts.iter().enumerate() {
                        let number = parts.of(&part.latin, |_| table_parts.push(part.clone()));
                        if name.parts.len() <= INLINE_PARTS {
                            cells[3 + k] = number;
                        } else {
                            overflow.push(number);
                        }
                    }
                }
                debug_assert_eq!(table, self.names.len());
                self.names.push(NameParts {
                    parts: table_parts,
                    overflow,
                });
            }
            Slot::Fields => {}
        }
    }

    fn row(&self, i: usize) -> &[u32] {
        &self.cells[i * self.width..][..self.width]
    }

    /// The level of comparison `c` for records `i` and `j`, or `None` where the comparison is
    /// made from the prepared fields.
    pub(crate) fn level(&self, run: u64, c: usize, i: usize, j: usize) -> Option<u8> {
        let (a, b) = (self.row(i), self.row(j));
        Some(match self.slots[c] {
            Slot::Exact(s) => {
                let (x, y) = (a[s], b[s]);
                if x == 0 || y == 0 {
                    0
                } else if x == y {
                    1
                } else {
                    2
                }
            }
            Slot::Date(s) => {
                values::compare_dates(unpack_date(a[s]).as_ref(), unpack_date(b[s]).as_ref()) as u8
            }
            Slot::Identifier(s, table) => {
                let (x, y) = (&a[s..s + IDENTIFIER_CELLS], &b[s..s + IDENTIFIER_CELLS]);
                if x[0] == 0 || y[0] == 0 {
                    0
                } else if x[0] == y[0] {
                    1
                } else if x[1] == y[1] || self.one_edit_apart(table, x, y) {
                    2
                } else {
                    3
                }
            }
            Slot::Name(s, table) => {
                self.name_level(run, table, &a[s..s + NAME_CELLS], &b[s..s + NAME_CELLS])
            }
            Slot::Fields => return None,
        })
    }

    /// Whether two identifiers' folded forms are one edit apart, from the row where both are
    /// there.
    fn one_edit_apart(&self, table: usize, x: &[u32], y: &[u32]) -> bool {
        if x[2] != NOT_INLINE && y[2] != NOT_INLINE {
            let (bx, by) = (inline_bytes(&x[2..]), inline_bytes(&y[2..]));
            let len = |b: &[u8; INLINE_ID_BYTES]| b.iter().position(|c| *c == 0).unwrap_or(b.len());
            return crate::similarity::within_one_bytes(&bx[..len(&bx)], &by[..len(&by)]);
        }
        let texts = &self.folded_texts[table];
        crate::similarity::within_one_edit(&texts[x[1] as usize], &texts[y[1] as usize])
    }

    fn name_level(&self, run: u64, table: usize, x: &[u32], y: &[u32]) -> u8 {
        let table_parts = &self.names[table];
        let (a, b) = (table_parts.of(x), table_parts.of(y));
        if a.is_empty() || b.is_empty() {
            return 0;
        }
        let aligned = PART_MATCHES.with(|memory| {
            let mut memory = memory.borrow_mut();
            let (memory_run, memory) = &mut *memory;
            if *memory_run != run {
                *memory_run = run;
                memory.clear();
            }
            names::align_by(
                a.len(),
                b.len(),
                |p, q| a[p] == b[q],
                |p, q| {
                    let key = (table as u32, a[p], b[q]);
                    if let Some(found) = memory.get(&key) {
                        return *found;
                    }
                    if memory.len() >= MAX_REMEMBERED_PART_PAIRS {
                        memory.clear();
                    }
                    let found = names::compare_parts(
                        &table_parts.parts[a[p] as usize - 1],
                        &table_parts.parts[b[q] as usize - 1],
                    );
                    memory.insert(key, found);
                    found
                },
            )
        });
        compare::name_level(a.len(), b.len(), &aligned, x[0] == y[0]) as u8
    }
}

/// Numbers for distinct values, from 1 (0 is kept for the empty value).
#[derive(Default)]
struct Numbers<'a>(HashMap<&'a str, u32>);

impl<'a> Numbers<'a> {
    fn of_value(&mut self, value: &'a str) -> u32 {
        if value.is_empty() {
            return 0;
        }
        self.of(value, |_| {})
    }

    /// The value's number; `first_seen` runs when the value is new.
    fn of(&mut self, value: &'a str, first_seen: impl FnOnce(&str)) -> u32 {
        let next = self.0.len() as u32 + 1;
        *self.0.entry(value).or_insert_with(|| {
            first_seen(value);
            next
        })
    }
}

fn inline_bytes(cells: &[u32]) -> [u8; INLINE_ID_BYTES] {
    let mut bytes = [0u8; INLINE_ID_BYTES];
    for (k, cell) in cells.iter().enumerate() {
        bytes[4 * k..4 * k + 4].copy_from_slice(&cell.to_le_bytes());
    }
    bytes
}

/// A date in one cell: year, then month and day each plus one (0 for unknown).
fn pack_date(date: Option<values::Date>) -> u32 {
    match date {
        None => NO_DATE,
        Some(d) => {
            (u32::from(d.year) << 16)
                | (u32::from(d.month.map_or(0, |m| m + 1)) << 8)
                | u32::from(d.day.map_or(0, |d| d + 1))
        }
    }
}

fn unpack_date(cell: u32) -> Option<values::Date> {
    if cell == NO_DATE {
        return None;
    }
    let code = |v: u32| (v & 0xff != 0).then(|| (v & 0xff) as u8 - 1);
    Some(values::Date {
        year: (cell >> 16) as u16,
        month: code(cell >> 8),
        day: code(cell),
    })
}
