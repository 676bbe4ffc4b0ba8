using Azure;
using Azure.Data.Tables;
using Transfers.Durable.Replay;

namespace Transfers.Durable.Storage;

/// <summary>What orchestration steps and work dispatch read and write in an instance's partition.</summary>
internal sealed partial class HubStore
{
    /// <summary>The most entities one table transaction may hold.</summary>
    public const int MaxBatch = 100;

    /// <summary>Reads the instance row and the first inbox messages: what a step needs besides history.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="maxMessages">How many inbox messages to read at most.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The instance (or <c>null</c>), the messages in row-key order, and whether more are waiting.</returns>
    public async Task<(InstanceRecord? Instance, List<InboxMessage> Inbox, bool More)> ReadStepAsync(string instanceId, int maxMessages, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and (RowKey eq {Rows.Instance} or (RowKey ge {Rows.InboxStart} and RowKey lt {Rows.InboxEnd}))");
        InstanceRecord? instance = null;
        var inbox = new List<InboxMessage>();
        await foreach (var page in _instances.QueryAsync<TableEntity>(filter, maxMessages + 2, cancellationToken: cancellationToken).AsPages(pageSizeHint: maxMessages + 2))
        {
            foreach (var row in page.Values)
            {
                if (row.RowKey == Rows.Instance)
                {
                    instance = await ToInstanceAsync(row, withPayloads: true, cancellationToken);
                }
                else if (inbox.Count < maxMessages)
                {
                    inbox.Add(await ToInboxAsync(row, cancellationToken));
                }
                else
                {
                    return (instance, inbox, true);
                }
            }

            return (instance, inbox, page.ContinuationToken is not null);
        }

        return (instance, inbox, false);
    }

    /// <summary>Reads everything an instance may still have to do: its row, its whole inbox and its pending work.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The instance (or <c>null</c>), the inbox and the work rows.</returns>
    public async Task<(InstanceRecord? Instance, int InboxCount, List<WorkItem> Work)> ReadPendingAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and (RowKey eq {Rows.Instance} or RowKey ge {Rows.InboxStart})");
        InstanceRecord? instance = null;
        var inboxCount = 0;
        var work = new List<WorkItem>();
        await foreach (var row in _instances.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == Rows.Instance)
            {
                instance = await ToInstanceAsync(row, withPayloads: false, cancellationToken);
            }
            else if (row.RowKey.StartsWith(Rows.WorkStart, StringComparison.Ordinal))
            {
                work.Add(await ToWorkAsync(row, cancellationToken));
            }
            else
            {
                inboxCount++;
            }
        }

        return (instance, inboxCount, work);
    }

    /// <summary>Reads the committed history of one generation.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="generation">The generation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The events in order.</returns>
    public async Task<List<HistoryEvent>> ReadHistoryAsync(string instanceId, int generation, CancellationToken cancellationToken = default)
    {
        var prefix = Rows.HistoryPrefix(generation);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var events = new List<HistoryEvent>();
        await foreach (var row in _instances.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            events.Add(new HistoryEvent(
                Enum.Parse<HistoryEventType>(row.GetString("Type")!),
                (row.GetDateTimeOffset("At") ?? DateTimeOffset.UnixEpoch).UtcDateTime,
                row.GetInt32("TaskId") ?? -1,
                row.GetString("Name"),
                await GetPayloadAsync(row, "Data", cancellationToken)));
        }

        return events;
    }

    /// <summary>
    /// Commits one orchestration step in a single table transaction: the instance row under its ETag, new history,
    /// new work, consumed inbox deletions and carried inbox messages. Either all of it is committed or none.
    /// </summary>
    /// <param name="commit">The step.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The instance row's new ETag, or <c>default</c> when the service did not say.</returns>
    /// <exception cref="TableTransactionFailedException">
    /// The instance changed since it was read, or a row already exists (the instance row itself, for a commit that
    /// creates the instance).
    /// </exception>
    public async Task<ETag> CommitStepAsync(StepCommit commit, CancellationToken cancellationToken = default)
    {
        var id = commit.Instance.InstanceId;
        var actions = new List<TableTransactionAction>(commit.Count)
        {
            commit.CreatesInstance
                ? new(TableTransactionActionType.Add, await ToEntityAsync(commit.Instance, cancellationToken))
                : new(TableTransactionActionType.UpdateReplace, await ToEntityAsync(commit.Instance, cancellationToken), commit.Instance.ETag),
        };
        foreach (var (sequence, e) in commit.History)
        {
            var row = new TableEntity(id, Rows.History(commit.HistoryGeneration, sequence)) { ["Type"] = e.Type.ToString(), ["At"] = new DateTimeOffset(e.Timestamp, TimeSpan.Zero) };
            if (e.TaskId >= 0)
            {
                row["TaskId"] = e.TaskId;
            }

            if (e.Name is { } name)
            {
                row["Name"] = name;
            }

            await SetPayloadAsync(row, "Data", e.Data, cancellationToken);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
        }

        foreach (var work in commit.Work)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, await ToEntityAsync(work, cancellationToken)));
        }

        foreach (var message in commit.AddInbox)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, await ToEntityAsync(id, message, cancellationToken)));
        }

        foreach (var key in commit.Delete)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id, key), ETag.All));
        }

        var response = await _instances.SubmitTransactionAsync(actions, cancellationToken);

        // No ETag means no cached row: a later step must read it, never write unconditionally.
        return response.Value[0].Headers.ETag ?? default;
    }

    /// <summary>Turns finished work into its inbox result, atomically, so the result is recorded at most once.</summary>
    /// <param name="work">The work row.</param>
    /// <param name="result">The result message.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when the work was already completed by someone else.</returns>
    public async Task<bool> CompleteWorkAsync(WorkItem work, InboxMessage result, CancellationToken cancellationToken = default)
    {
        try
        {
            await _instances.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(work.InstanceId, work.RowKey), ETag.All),
                    new TableTransactionAction(TableTransactionActionType.Add, await ToEntityAsync(work.InstanceId, result, cancellationToken)),
                ],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409)
        {
            return false;
        }
    }

    /// <summary>Deletes a work row that is done or moot.</summary>
    /// <param name="work">The work row.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the row is gone.</returns>
    public async Task DeleteWorkAsync(WorkItem work, CancellationToken cancellationToken = default)
    {
        try
        {
            await _instances.DeleteEntityAsync(work.InstanceId, work.RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Done by someone else already.
        }
    }

    /// <summary>Adds a message to an instance's inbox, announcing it in the index first.</summary>
    /// <param name="instanceId">The receiving instance.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when a message with that key was already there.</returns>
    public async Task<bool> AddInboxAsync(string instanceId, InboxMessage message, CancellationToken cancellationToken = default)
    {
        await TouchIndexAsync(instanceId, cancellationToken);
        try
        {
            await _instances.AddEntityAsync(await ToEntityAsync(instanceId, message, cancellationToken), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Deletes rows of an instance's partition, in transactions of at most 100.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="keys">The row keys.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the rows are gone.</returns>
    public async Task DeleteRowsAsync(string instanceId, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in keys.Chunk(MaxBatch))
        {
            await _instances.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, k), ETag.All)), cancellationToken);
        }
    }

    private async Task<TableEntity> ToEntityAsync(string instanceId, InboxMessage message, CancellationToken cancellationToken)
    {
        var row = new TableEntity(instanceId, message.RowKey) { ["Kind"] = message.Kind.ToString(), ["Generation"] = message.Generation, ["TaskId"] = message.TaskId };
        if (message.Name is { } name)
        {
            row["Name"] = name;
        }

        await SetPayloadAsync(row, "Data", message.Data, cancellationToken);
        return row;
    }

    private async Task<InboxMessage> ToInboxAsync(TableEntity row, CancellationToken cancellationToken) => new(
        row.RowKey,
        Enum.Parse<InboxKind>(row.GetString("Kind")!),
        row.GetInt32("Generation") ?? 0,
        row.GetInt32("TaskId") ?? -1,
        row.GetString("Name"),
        await GetPayloadAsync(row, "Data", cancellationToken));

    private async Task<TableEntity> ToEntityAsync(WorkItem work, CancellationToken cancellationToken)
    {
        var row = new TableEntity(work.InstanceId, work.RowKey)
        {
            ["Generation"] = work.Generation,
            ["TaskId"] = work.TaskId,
            ["FireAt"] = new DateTimeOffset(work.FireAt, TimeSpan.Zero),
            ["TargetGeneration"] = work.TargetGeneration,
        };
        if (work.Name is { } name)
        {
            row["Name"] = name;
        }

        if (work.TargetId is { } target)
        {
            row["TargetId"] = target;
        }

        if (work.TraceParent is { } traceParent)
        {
            row["TraceParent"] = traceParent;
        }

        await SetPayloadAsync(row, "Data", work.Data, cancellationToken);
        return row;
    }

    private async Task<WorkItem> ToWorkAsync(TableEntity row, CancellationToken cancellationToken) => new(
        row.PartitionKey,
        row.RowKey,
        (WorkKind)row.RowKey[2],
        row.GetInt32("Generation") ?? 0,
        row.GetInt32("TaskId") ?? -1,
        row.GetString("Name"),
        await GetPayloadAsync(row, "Data", cancellationToken),
        (row.GetDateTimeOffset("FireAt") ?? DateTimeOffset.UnixEpoch).UtcDateTime,
        row.GetString("TargetId"),
        row.GetInt32("TargetGeneration") ?? 0,
        row.GetString("TraceParent"));
}

/// <summary>Everything one orchestration step commits atomically.</summary>
internal sealed class StepCommit
{
    /// <summary>Gets the new instance row; its ETag is the one read at the start of the step.</summary>
    public required InstanceRecord Instance { get; init; }

    /// <summary>
    /// Gets or sets a value indicating whether the commit inserts the instance row (a first step folded into the
    /// instance's creation) rather than replacing it under its ETag.
    /// </summary>
    public bool CreatesInstance { get; set; }

    /// <summary>Gets the generation the new history rows belong to.</summary>
    public required int HistoryGeneration { get; init; }

    /// <summary>Gets the new history rows with their sequence numbers.</summary>
    public List<(int Sequence, HistoryEvent Event)> History { get; } = [];

    /// <summary>Gets the new work rows.</summary>
    public List<WorkItem> Work { get; } = [];

    /// <summary>Gets the inbox messages to add (events carried over a ContinueAsNew).</summary>
    public List<InboxMessage> AddInbox { get; } = [];

    /// <summary>Gets the row keys to delete: consumed inbox messages and stale history.</summary>
    public List<string> Delete { get; } = [];

    /// <summary>Gets the number of entities in the transaction.</summary>
    public int Count => 1 + History.Count + Work.Count + AddInbox.Count + Delete.Count;
}
