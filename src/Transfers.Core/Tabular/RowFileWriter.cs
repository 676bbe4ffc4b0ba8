using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;

namespace Transfers.Core.Tabular;

/// <summary>
/// Serializes rows to a stream as JSON Lines or CSV, optionally gzip-compressed, and measures what it wrote: rows,
/// bytes and the SHA-256 of the bytes as stored. Columns are the given ones, in order, or else the first row's
/// (keys first); the service's <c>Timestamp</c> and ETag are never written.
/// </summary>
public sealed class RowFileWriter : IAsyncDisposable
{
    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffffffZ";

    private readonly MeasuringStream _measured;
    private readonly Stream _body;
    private readonly RowFileFormat _format;

    // Rows are serialized into this buffer and handed to the stream once per call, asynchronously: a synchronous write
    // into a network stream would block a thread for every upload.
    private readonly ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private readonly Utf8JsonWriter _json;
    private IReadOnlyList<string>? _columns;
    private bool _completed;

    /// <summary>Initializes a new instance of the <see cref="RowFileWriter"/> class.</summary>
    /// <param name="destination">The stream to write to; left open.</param>
    /// <param name="format">The row format.</param>
    /// <param name="compression">The compression.</param>
    /// <param name="columns">The columns to write, in order; the first row's when null or empty.</param>
    public RowFileWriter(Stream destination, RowFileFormat format, RowFileCompression compression, IReadOnlyList<string>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _measured = new MeasuringStream(destination);
        _body = compression == RowFileCompression.Gzip
            ? new GZipStream(_measured, CompressionLevel.Fastest, leaveOpen: true)
            : _measured;
        _format = format;
        _columns = columns is { Count: > 0 } ? columns : null;
        _json = new Utf8JsonWriter(_pending, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Gets how many rows were written.</summary>
    public long Rows { get; private set; }

    /// <summary>Gets how many bytes reached the destination (compressed size); final after <see cref="CompleteAsync"/>.</summary>
    public long Bytes => _measured.Length;

    /// <summary>Gets the lower-case hex SHA-256 of the bytes written; available after <see cref="CompleteAsync"/>.</summary>
    public string? Sha256 { get; private set; }

    /// <summary>Writes rows.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are handed to the stream.</returns>
    public async ValueTask WriteAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ObjectDisposedException.ThrowIf(_completed, this);
        foreach (var row in rows)
        {
            _columns ??= DefaultColumns(row);
            if (_format == RowFileFormat.Jsonl)
            {
                WriteJson(_json, row, _columns);
                _json.Flush();
                _pending.Write("\n"u8);
            }
            else
            {
                if (Rows == 0)
                {
                    WriteLine(string.Join(',', _columns.Select(Csv)));
                }

                WriteLine(string.Join(',', _columns.Select(c => Csv(Format(Value(row, c))))));
            }

            Rows++;
        }

        await _body.WriteAsync(_pending.WrittenMemory, cancellationToken);
        _pending.ResetWrittenCount();
    }

    /// <summary>Flushes and closes the compression, then fixes <see cref="Bytes"/> and <see cref="Sha256"/>.</summary>
    /// <returns>A task that completes when every byte reached the destination stream.</returns>
    public async Task CompleteAsync()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        await _json.DisposeAsync();
        if (!ReferenceEquals(_body, _measured))
        {
            await _body.DisposeAsync();
        }

        await _measured.FlushAsync();
        Sha256 = _measured.HashHex();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await CompleteAsync();

    private void WriteLine(string line)
    {
        var span = _pending.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
        var written = Encoding.UTF8.GetBytes(line, span);
        span[written] = (byte)'\r';
        span[written + 1] = (byte)'\n';
        _pending.Advance(written + 2);
    }

    private static List<string> DefaultColumns(TableEntity row) =>
        ["PartitionKey", "RowKey", .. row.Keys.Where(k => k is not "PartitionKey" and not "RowKey" and not "Timestamp" and not "odata.etag")];

    private static object? Value(TableEntity row, string column) => row.TryGetValue(column, out var value) ? value : null;

    private static void WriteJson(Utf8JsonWriter json, TableEntity row, IReadOnlyList<string> columns)
    {
        json.Reset();
        json.WriteStartObject();
        foreach (var column in columns)
        {
            json.WritePropertyName(column);
            switch (Value(row, column))
            {
                case null: json.WriteNullValue(); break;
                case string s: json.WriteStringValue(s); break;
                case bool b: json.WriteBooleanValue(b); break;
                case int i: json.WriteNumberValue(i); break;
                case long l: json.WriteNumberValue(l); break;
                case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
                case double d: json.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
                case DateTimeOffset t: WriteTimestamp(json, t.UtcDateTime); break;
                case DateTime t: WriteTimestamp(json, t.ToUniversalTime()); break;
                case Guid g: json.WriteStringValue(g); break;
                case byte[] bytes: json.WriteBase64StringValue(bytes); break;
                case BinaryData data: json.WriteBase64StringValue(data.ToMemory().Span); break;
                case var other: json.WriteStringValue(Convert.ToString(other, CultureInfo.InvariantCulture)); break;
            }
        }

        json.WriteEndObject();
    }

    // Every row of a typical model has a timestamp: format it straight into UTF-8 rather than through a string.
    private static void WriteTimestamp(Utf8JsonWriter json, DateTime utc)
    {
        Span<byte> text = stackalloc byte[32];
        utc.TryFormat(text, out var written, TimestampFormat, CultureInfo.InvariantCulture);
        json.WriteStringValue(text[..written]);
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        DateTimeOffset t => t.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture),
        DateTime t => t.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        BinaryData data => Convert.ToBase64String(data.ToMemory().Span),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>Passes writes through while counting and hashing them.</summary>
    private sealed class MeasuringStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            _length += buffer.Length;
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
