//! Writes small Parquet files for tests of Parquet input: string and
//! integer columns, optional values, row groups of a chosen size.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// A column of a test file.
pub enum Column {
    /// An optional UTF-8 string column.
    Str(&'static str, Vec<Option<String>>),
    /// An optional 64-bit integer column.
    Int(&'static str, Vec<Option<i64>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Str(_, v) => v.len(),
            Column::Int(_, v) => v.len(),
        }
    }
}

/// Writes `columns` (all of one length) to `path` as Parquet, snappy
/// compressed, `group_rows` rows per row group.
pub fn write_parquet(
    path: &Path,
    columns: &[Column],
    group_rows: usize,
) -> parquet::errors::Result<()> {
    let fields: Vec<String> = columns
        .iter()
        .map(|c| match c {
            Column::Str(n, _) => format!("OPTIONAL BYTE_ARRAY {n} (UTF8);"),
            Column::Int(n, _) => format!("OPTIONAL INT64 {n};"),
        })
        .collect();
    let schema = Arc::new(parse_message_type(&format!(
        "message doc {{ {} }}",
        fields.join(" ")
    ))?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let file = File::create(path)?;
    let mut writer = SerializedFileWriter::new(file, schema, props)?;
    let rows = columns.first().map_or(0, Column::len);
    let mut start = 0;
    while start < rows {
        let end = (start + group_rows.max(1)).min(rows);
        let mut group = writer.next_row_group()?;
        let mut i = 0;
        while let Some(mut col) = group.next_column()? {
            match &columns[i] {
                Column::Str(_, v) => {
                    let part = &v[start..end];
                    let values: Vec<ByteArray> = part
                        .iter()
                        .flatten()
                        .map(|s| ByteArray::from(s.as_str()))
                        .collect();
                    let defs: Vec<i16> = part.iter().map(|x| i16::from(x.is_some())).collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, Some(&defs), None)?;
                }
                Column::Int(_, v) => {
                    let part = &v[start..end];
                    let values: Vec<i64> = part.iter().flatten().copied().collect();
                    let defs: Vec<i16> = part.iter().map(|x| i16::from(x.is_some())).collect();
                    col.typed::<Int64Type>()
                        .write_batch(&values, Some(&defs), None)?;
                }
            }
            col.close()?;
            i += 1;
        }
        group.close()?;
        start = end;
    }
    writer.close()?;
    Ok(())
}
