using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Transfers.Core.Storage;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Shares;

/// <summary>A share as the client asks for it.</summary>
/// <param name="Name">The name.</param>
/// <param name="Source">The source.</param>
/// <param name="Destination">The destination, if any.</param>
public sealed record ShareRequest(string Name, ShareSource Source, ShareDestination? Destination);

/// <summary>A transfer as the client asks for it.</summary>
/// <param name="Contents">What to send.</param>
/// <param name="TransferNow">Whether to start at once.</param>
public sealed record TransferRequest(ShareTransferContents Contents, bool TransferNow);

/// <summary>
/// Reads and checks request bodies field by field. Every broken rule is reported under the JSON path of its field,
/// with a message that names the rule; unknown fields and wrong types are errors too. Bodies come as the API's request
/// reader parsed them, which refuses strings and member names that are not Unicode text.
/// </summary>
public static partial class ShareRequestValidator
{
    /// <summary>The most path names in one files transfer.</summary>
    public const int MaxPathNames = 350;

    /// <summary>The most tables in one table transfer.</summary>
    public const int MaxTables = 100;

    private const int MaxPathLength = 1024;
    private static readonly string[] s_fileTypes = ["CSV", "PARQUET", "JSON"];

    /// <summary>Reads a share body.</summary>
    /// <param name="body">The JSON body.</param>
    /// <param name="storage">Tells which connections, containers and tables the tenant may use.</param>
    /// <param name="errors">The broken rules by field.</param>
    /// <returns>The request, or <c>null</c> when any rule is broken.</returns>
    public static ShareRequest? ReadShare(JsonElement body, TenantStorageAccess storage, out Dictionary<string, string[]> errors)
    {
        var e = new Errors();
        if (!e.Object(body, string.Empty, "name", "source", "destination"))
        {
            errors = e.ToDictionary();
            return null;
        }

        var name = e.RequiredString(body, "name", "name", 200);
        ShareSource? source = null;
        if (!body.TryGetProperty("source", out var src))
        {
            e.Add("source", "The source is required.");
        }
        else if (e.Object(src, "source", "connection", "container", "prefix"))
        {
            var connection = e.Connection(src, "source.connection", storage, postgres: false);
            var container = e.Container(src, "source.container", connection, "source.connection", storage);
            var prefix = e.OptionalPath(src, "prefix", "source.prefix");
            source = container is null ? null : new ShareSource(connection, container, prefix);
        }

        ShareDestination? destination = null;
        if (body.TryGetProperty("destination", out var dst) && dst.ValueKind != JsonValueKind.Null)
        {
            destination = ReadDestination(dst, "destination", storage, e);
        }

        errors = e.ToDictionary();
        return errors.Count == 0 ? new ShareRequest(name!, source!, destination) : null;
    }

    /// <summary>Reads a destination body.</summary>
    /// <param name="body">The JSON body.</param>
    /// <param name="storage">Tells which connections, containers and tables the tenant may use.</param>
    /// <param name="errors">The broken rules by field.</param>
    /// <returns>The destination, or <c>null</c> when any rule is broken.</returns>
    public static ShareDestination? ReadDestination(JsonElement body, TenantStorageAccess storage, out Dictionary<string, string[]> errors)
    {
        var e = new Errors();
        var destination = ReadDestination(body, string.Empty, storage, e);
        errors = e.ToDictionary();
        return errors.Count == 0 ? destination : null;
    }

    /// <summary>Reads a transfer body and checks it against the share.</summary>
    /// <param name="body">The JSON body.</param>
    /// <param name="share">The share.</param>
    /// <param name="storage">Tells which tables the tenant may read and write.</param>
    /// <param name="errors">The broken rules by field.</param>
    /// <returns>The request, or <c>null</c> when any rule is broken.</returns>
    public static TransferRequest? ReadTransfer(JsonElement body, Share share, TenantStorageAccess storage, out Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(storage);
        var e = new Errors();
        if (!e.Object(body, string.Empty, "transferEntity", "options"))
        {
            errors = e.ToDictionary();
            return null;
        }

        var transferNow = false;
        if (body.TryGetProperty("options", out var options) && options.ValueKind != JsonValueKind.Null && e.Object(options, "options", "transferNow"))
        {
            if (options.TryGetProperty("transferNow", out var now))
            {
                if (now.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    transferNow = now.GetBoolean();
                }
                else
                {
                    e.Add("options.transferNow", "transferNow must be true or false.");
                }
            }
        }

        ShareTransferContents? contents = null;
        if (!body.TryGetProperty("transferEntity", out var entity) || entity.ValueKind == JsonValueKind.Null)
        {
            e.Add("transferEntity", "The transferEntity is required: an object of type \"files\" or an array of tables.");
        }
        else if (entity.ValueKind == JsonValueKind.Object)
        {
            contents = ReadFiles(entity, e);
        }
        else if (entity.ValueKind == JsonValueKind.Array)
        {
            contents = ReadTables(entity, share, storage, e);
        }
        else
        {
            e.Add("transferEntity", "The transferEntity must be an object of type \"files\" or an array of tables.");
        }

        if (contents is not null && ShareStore.ContentsSize(contents) is var size && size > ShareStore.MaxContentsBytes)
        {
            var (field, what) = contents.Kind == ShareDestinationKinds.Files ? ("transferEntity.pathNames", "pathNames") : ("transferEntity", "The tables");
            e.Add(field, string.Create(
                CultureInfo.InvariantCulture,
                $"{what} take {size:N0} bytes once stored, more than the {ShareStore.MaxContentsBytes:N0} (512 KiB) a transfer holds: a character counts its UTF-8 bytes, '\"' counts 2, and a character that JSON escapes (emoji, private-use or unassigned) 6 per UTF-16 unit."));
        }

        if (contents is not null && share.Destination is { } destination && !ShareDestinationKinds.Takes(destination.Kind, contents.Kind))
        {
            e.Add("transferEntity", contents.Kind == ShareDestinationKinds.Files
                ? $"Files need a files destination; this share's destination is a {destination.Kind} destination."
                : "Tables need a table or postgres destination; this share's destination is a files destination.");
        }

        if (transferNow && share.Destination is null)
        {
            e.Add("options.transferNow", "transferNow:true needs a destination set in the share.");
        }

        errors = e.ToDictionary();
        return errors.Count == 0 ? new TransferRequest(contents!, transferNow) : null;
    }

    /// <summary>Checks one path name: relative, no <c>.</c> or <c>..</c> segment, no control characters, at most 1,024 characters.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The broken rule, or <c>null</c>.</returns>
    public static string? CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path switch
        {
            { Length: 0 } => "A path must not be empty.",
            { Length: > MaxPathLength } => $"A path must be at most {MaxPathLength} characters.",
            _ when path.StartsWith('/') => "A path must not start with '/': give it relative to the source prefix.",
            _ when path.Any(char.IsControl) => "A path must not contain control characters.",
            _ when path.Split('/', '\\').Any(s => s == "..") => "A path must not contain a '..' segment.",
            // Blob names keep a '.' segment as it is, so "a/./b" would name another blob than "a/b" would: refused like '..'.
            _ when path.Split('/', '\\').Any(s => s == ".") => "A path must not contain a '.' segment.",
            _ when path.Contains('\\', StringComparison.Ordinal) => "A path must use '/' as separator, not '\\'.",
            _ when path.Contains("//", StringComparison.Ordinal) => "A path must not contain empty segments ('//').",
            _ => null,
        };
    }

    /// <summary>
    /// Why a table of a transfer cannot be written to a destination: the name the destination's tablePrefix and the
    /// table's name make is not a table name, or not one the tenant may write; for a postgres destination, the name is
    /// not a PostgreSQL name Transfers accepts (the schema was checked with the destination).
    /// </summary>
    /// <param name="destination">The share's destination; without one, the name alone is checked on the host's account.</param>
    /// <param name="name">The table's name in the transfer.</param>
    /// <param name="storage">Tells which tables the tenant may write.</param>
    /// <returns>The broken rule, or <c>null</c>.</returns>
    public static string? DestinationTableProblem(ShareDestination? destination, string name, TenantStorageAccess storage)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(storage);
        if (destination?.Kind == ShareDestinationKinds.Postgres)
        {
            return PostgresNames.IsValidName(name)
                ? null
                : "name, for a postgres destination, must be 1-63 lower-case letters, digits or underscores, starting with a letter or underscore.";
        }

        var full = (destination?.TablePrefix ?? string.Empty) + name;
        return !TableNamePattern().IsMatch(full)
            ? "name, after the destination's tablePrefix, must be a table name: 3-63 letters or digits, starting with a letter."
            : storage.CheckTable(destination?.Connection, full);
    }

    private static ShareDestination? ReadDestination(JsonElement dst, string field, TenantStorageAccess storage, Errors e)
    {
        if (!e.Object(dst, field, "kind", "connection", "container", "prefix", "tablePrefix", "schema"))
        {
            return null;
        }

        var at = (string name) => field.Length == 0 ? name : field + "." + name;
        var kind = e.RequiredString(dst, "kind", at("kind"), 10);
        var postgres = kind == ShareDestinationKinds.Postgres;

        // A known kind needs its kind of connection: storage for files and tables, PostgreSQL for postgres.
        var connection = e.Connection(dst, at("connection"), storage, kind is ShareDestinationKinds.Files or ShareDestinationKinds.Table or ShareDestinationKinds.Postgres ? postgres : null);
        if (!postgres)
        {
            e.Forbidden(dst, "schema", at("schema"), "schema belongs to a postgres destination.");
        }

        switch (kind)
        {
            case ShareDestinationKinds.Files:
                e.Forbidden(dst, "tablePrefix", at("tablePrefix"), "tablePrefix belongs to a table destination.");
                var container = e.Container(dst, at("container"), connection, at("connection"), storage);
                var prefix = e.OptionalPath(dst, "prefix", at("prefix"));
                return container is null ? null : new ShareDestination(kind, connection, container, prefix, null);
            case ShareDestinationKinds.Table:
                e.Forbidden(dst, "container", at("container"), "container belongs to a files destination.");
                e.Forbidden(dst, "prefix", at("prefix"), "prefix belongs to a files destination; use tablePrefix.");
                var tablePrefix = e.RequiredString(dst, "tablePrefix", at("tablePrefix"), 40);
                if (tablePrefix is not null && !TablePrefixPattern().IsMatch(tablePrefix))
                {
                    e.Add(at("tablePrefix"), "tablePrefix must be 1-40 letters or digits, starting with a letter.");
                    return null;
                }

                // A refused connection has its own error already.
                if (tablePrefix is not null && !e.Has(at("connection")) && storage.CheckTablePrefix(connection, tablePrefix) is { } denied)
                {
                    e.Add(at("tablePrefix"), denied);
                    return null;
                }

                return tablePrefix is null ? null : new ShareDestination(kind, connection, null, null, tablePrefix);
            case ShareDestinationKinds.Postgres:
                e.Forbidden(dst, "container", at("container"), "container belongs to a files destination.");
                e.Forbidden(dst, "prefix", at("prefix"), "prefix belongs to a files destination.");
                e.Forbidden(dst, "tablePrefix", at("tablePrefix"), "tablePrefix belongs to a table destination; a postgres destination names a schema.");
                var schema = e.RequiredString(dst, "schema", at("schema"), PostgresNames.MaxIdentifierBytes);

                // A refused connection has its own error already.
                if (schema is not null && !e.Has(at("connection")) && storage.CheckSchema(connection, schema) is { } refused)
                {
                    e.Add(at("schema"), refused);
                    return null;
                }

                return schema is null || e.Has(at("connection")) ? null : new ShareDestination(kind, connection, null, null, null, schema);
            case null:
                return null;
            default:
                e.Add(at("kind"), "kind must be \"files\", \"table\" or \"postgres\".");
                return null;
        }
    }

    private static ShareTransferContents? ReadFiles(JsonElement entity, Errors e)
    {
        if (!e.Object(entity, "transferEntity", "type", "pathNames"))
        {
            return null;
        }

        var type = e.RequiredString(entity, "type", "transferEntity.type", 10);
        if (type is not null && type != "files")
        {
            e.Add("transferEntity.type", "A transferEntity object must have type \"files\"; tables are given as an array.");
        }

        if (!entity.TryGetProperty("pathNames", out var paths) || paths.ValueKind != JsonValueKind.Array)
        {
            e.Add("transferEntity.pathNames", "pathNames is required: an array of 1-350 paths.");
            return null;
        }

        var count = paths.GetArrayLength();
        if (count is 0 or > MaxPathNames)
        {
            e.Add("transferEntity.pathNames", $"pathNames must hold 1-{MaxPathNames} entries; it holds {count}.");
            return null;
        }

        var list = new List<string>(count);
        var index = 0;
        foreach (var item in paths.EnumerateArray())
        {
            var at = $"transferEntity.pathNames[{index++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                e.Add(at, "Each path must be a string.");
                continue;
            }

            var path = item.GetString()!;
            if (CheckPath(path) is { } problem)
            {
                e.Add(at, problem);
                continue;
            }

            list.Add(path);
        }

        return new ShareTransferContents(ShareDestinationKinds.Files, list, null);
    }

    private static ShareTransferContents? ReadTables(JsonElement entities, Share share, TenantStorageAccess storage, Errors e)
    {
        var destination = share.Destination;
        var count = entities.GetArrayLength();
        if (count is 0 or > MaxTables)
        {
            e.Add("transferEntity", $"A table transfer must hold 1-{MaxTables} tables; it holds {count}.");
            return null;
        }

        var tables = new List<ShareTableEntity>(count);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var item in entities.EnumerateArray())
        {
            var at = $"transferEntity[{index++}]";
            if (!e.Object(item, at, "type", "name", "sourceTable", "loadingPattern", "primaryKey", "fileType"))
            {
                continue;
            }

            var type = e.RequiredString(item, "type", at + ".type", 10);
            if (type is not null && type != "table")
            {
                e.Add(at + ".type", "Each entry of a transferEntity array must have type \"table\"; files are given as one object.");
            }

            var name = e.RequiredString(item, "name", at + ".name", 63);
            if (name is not null && (DestinationTableProblem(destination, name, storage) ?? (names.Add(name) ? null : $"The table name '{name}' appears twice.")) is { } problem)
            {
                e.Add(at + ".name", problem);
            }

            var sourceTable = e.RequiredString(item, "sourceTable", at + ".sourceTable", 63);
            if (sourceTable is not null && !TableNamePattern().IsMatch(sourceTable))
            {
                e.Add(at + ".sourceTable", "sourceTable must be a table name: 3-63 letters or digits, starting with a letter.");
            }
            else if (sourceTable is not null && storage.CheckTable(share.Source.Connection, sourceTable) is { } denied)
            {
                e.Add(at + ".sourceTable", denied);
            }

            var pattern = e.RequiredString(item, "loadingPattern", at + ".loadingPattern", 20);
            if (pattern is not null && !LoadingPatterns.All.Contains(pattern))
            {
                e.Add(at + ".loadingPattern", "loadingPattern must be APPEND_ONLY, UPDATE_AND_APPEND or OVERWRITE.");
            }

            var primaryKey = ReadPrimaryKey(item, at + ".primaryKey", e);
            if (pattern == LoadingPatterns.UpdateAndAppend && (!item.TryGetProperty("primaryKey", out var givenKey) || givenKey.ValueKind == JsonValueKind.Null))
            {
                e.Add(at + ".primaryKey", "UPDATE_AND_APPEND needs a primaryKey: the columns that identify a row.");
            }

            string? fileType = null;
            if (item.TryGetProperty("fileType", out var ft) && ft.ValueKind != JsonValueKind.Null)
            {
                fileType = ft.ValueKind == JsonValueKind.String ? ft.GetString() : null;
                if (fileType is null || !s_fileTypes.Contains(fileType, StringComparer.Ordinal))
                {
                    e.Add(at + ".fileType", "fileType must be CSV, PARQUET or JSON.");
                }
            }

            if (name is not null && sourceTable is not null && pattern is not null)
            {
                tables.Add(new ShareTableEntity(name, sourceTable, pattern, primaryKey, fileType));
            }
        }

        return new ShareTransferContents(ShareDestinationKinds.Table, null, tables);
    }

    private static List<string>? ReadPrimaryKey(JsonElement item, string at, Errors e)
    {
        if (!item.TryGetProperty("primaryKey", out var key) || key.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (key.ValueKind != JsonValueKind.Array || key.GetArrayLength() is 0 or > 10 ||
            key.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String || k.GetString() is not { Length: <= 255 } column || string.IsNullOrWhiteSpace(column)))
        {
            e.Add(at, "primaryKey must be an array of 1-10 non-empty column names.");
            return null;
        }

        var columns = key.EnumerateArray().Select(k => k.GetString()!).ToList();
        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            e.Add(at, "primaryKey must not name a column twice.");
            return null;
        }

        return columns;
    }

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex TablePrefixPattern();

    /// <summary>Collects errors by field.</summary>
    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            var key = field.Length == 0 ? "$" : field;
            if (!_errors.TryGetValue(key, out var list))
            {
                _errors[key] = list = [];
            }

            list.Add(message);
        }

        public bool Has(string field) => _errors.ContainsKey(field.Length == 0 ? "$" : field);

        public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);

        public bool Object(JsonElement element, string field, params string[] allowed)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Add(field, field.Length == 0 ? "The body must be a JSON object." : $"{field} must be an object.");
                return false;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    Add(field.Length == 0 ? property.Name : field + "." + property.Name, $"Unknown field '{property.Name}'.");
                }
            }

            return true;
        }

        public string? RequiredString(JsonElement element, string name, string field, int maxLength)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                Add(field, $"{name} is required.");
                return null;
            }

            return CheckString(value, name, field, maxLength);
        }

        public string? Connection(JsonElement element, string field, TenantStorageAccess storage, bool? postgres = null)
        {
            string? name = null;
            if (element.TryGetProperty("connection", out var value) && value.ValueKind != JsonValueKind.Null)
            {
                name = CheckString(value, "connection", field, 64);
                if (name is null)
                {
                    return null;
                }
            }

            var denied = postgres switch
            {
                true => storage.CheckPostgresConnection(name),
                false => storage.CheckStorageConnection(name),
                null => storage.CheckConnection(name),
            };
            if (denied is not null)
            {
                Add(field, denied);
                return null;
            }

            return name;
        }

        public string? Container(JsonElement element, string field, string? connection, string connectionField, TenantStorageAccess storage)
        {
            var name = RequiredString(element, "container", field, 63);
            if (name is not null && !ContainerPattern().IsMatch(name))
            {
                Add(field, "container must be a container name: 3-63 lower-case letters, digits or single hyphens, starting and ending with a letter or digit.");
                return null;
            }

            // A refused connection has its own error already.
            if (name is not null && !Has(connectionField) && storage.CheckContainer(connection, name) is { } denied)
            {
                Add(field, denied);
                return null;
            }

            return name;
        }

        public string? OptionalPath(JsonElement element, string name, string field)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var path = CheckString(value, name, field, MaxPathLength);
            if (path is null || path.Length == 0)
            {
                return null;
            }

            if (CheckPath(path) is { } problem)
            {
                Add(field, problem);
                return null;
            }

            return path;
        }

        public void Forbidden(JsonElement element, string name, string field, string message)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                Add(field, message);
            }
        }

        private string? CheckString(JsonElement value, string name, string field, int maxLength)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                Add(field, $"{name} must be a string.");
                return null;
            }

            var text = value.GetString()!;
            if (text.Length > maxLength || text.Any(char.IsControl))
            {
                Add(field, $"{name} must be at most {maxLength} characters, without control characters.");
                return null;
            }

            if (string.IsNullOrWhiteSpace(text) && name is not "prefix")
            {
                Add(field, $"{name} must not be empty.");
                return null;
            }

            return text;
        }
    }
}
