use std::fmt;

/// Where in an input a problem is: file, line (1-based, counting the header), and column or
/// field when known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", {column}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input itself is wrong at a place; the message says what rule it breaks.
    #[error("{at}: {message}")]
    Input { at: Location, message: String },
    /// The mapping file is wrong; nothing was read.
    #[error("mapping {file}: {message}")]
    Mapping { file: String, message: String },
    #[error("reading {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("writing rejects to {file}: {source}")]
    Rejects {
        file: String,
        source: std::io::Error,
    },
    #[error("store: {0}")]
    Store(#[from] corridor_store::StoreError),
}

impl ImportError {
    pub(crate) fn input(
        file: &str,
        line: Option<u64>,
        column: Option<String>,
        message: impl Into<String>,
    ) -> ImportError {
        ImportError::Input {
            at: Location {
                file: file.to_string(),
                line,
                column,
            },
            message: message.into(),
        }
    }
}
