namespace Transfers.Core.Tabular;

/// <summary>How rows are laid out in a file.</summary>
public enum RowFileFormat
{
    /// <summary>One JSON object per line.</summary>
    Jsonl,

    /// <summary>Comma-separated values (RFC 4180) with a header line.</summary>
    Csv,
}

/// <summary>How a row file is compressed.</summary>
public enum RowFileCompression
{
    /// <summary>Not compressed.</summary>
    None,

    /// <summary>gzip.</summary>
    Gzip,
}

/// <summary>File-name helpers for row files.</summary>
public static class RowFileNames
{
    /// <summary>The file extension of a format and compression, with the leading dot: <c>.jsonl.gz</c>, <c>.csv</c>.</summary>
    /// <param name="format">The format.</param>
    /// <param name="compression">The compression.</param>
    /// <returns>The extension.</returns>
    public static string Extension(RowFileFormat format, RowFileCompression compression) =>
        (format == RowFileFormat.Csv ? ".csv" : ".jsonl") + (compression == RowFileCompression.Gzip ? ".gz" : string.Empty);
}
