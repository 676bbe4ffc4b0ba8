using System.Text.Json;
using Transfers.Core.DurableTask;
using Transfers.DurableTask;

namespace Transfers.Infra.Tests;

/// <summary>
/// Values cross Durable Functions as <see cref="DurableJson"/> text inside a .NET string; Durable Functions' own
/// serializer then stores a JSON string holding JSON, which <see cref="DurablePayload.Normalize"/> undoes.
/// </summary>
public sealed class DurablePayloadTests
{
    private sealed record Sample(string ShareId, int FilesDone, SampleStatus Status);

    private enum SampleStatus
    {
        Created,
        Syncing,
    }

    [Fact]
    public void Write_Record_UsesTheDurableJsonConventions()
    {
        // Arrange
        var value = new Sample("s-1", 3, SampleStatus.Syncing);

        // Act
        var text = DurablePayload.Write(value);

        // Assert
        Assert.Equal("""{"shareId":"s-1","filesDone":3,"status":"Syncing"}""", text);
    }

    [Fact]
    public void Normalize_ValueStoredByDurableFunctions_ReturnsTheDurableJsonText()
    {
        // Arrange: what Durable Functions stores for the string the adapter handed it.
        var text = DurablePayload.Write(new Sample("s-1", 3, SampleStatus.Created));
        var stored = JsonSerializer.Serialize(text);

        // Act
        var normalized = DurablePayload.Normalize(stored);

        // Assert
        Assert.Equal(text, normalized);
        Assert.Equal(new Sample("s-1", 3, SampleStatus.Created), DurableJson.Deserialize<Sample>(normalized));
    }

    [Fact]
    public void Normalize_StoredStringValue_StaysAJsonString()
    {
        // Arrange: the adapter wrote the string "syncing" (DurableJson text "\"syncing\""), stored as a JSON string of it.
        var stored = JsonSerializer.Serialize(DurablePayload.Write("syncing"));

        // Act
        var normalized = DurablePayload.Normalize(stored);

        // Assert
        Assert.Equal("\"syncing\"", normalized);
        Assert.Equal("syncing", DurableJson.Deserialize<string>(normalized));
    }

    [Theory]
    [InlineData("""{"shareId":"x"}""")]
    [InlineData("42")]
    [InlineData("\"plain text from another tool\"")]
    public void Normalize_ValueNotWrittenByTheAdapter_IsUnchanged(string stored)
    {
        // Arrange / Act
        var normalized = DurablePayload.Normalize(stored);

        // Assert
        Assert.Equal(stored, normalized);
    }

    [Fact]
    public void Normalize_TextThatIsNoJson_BecomesAJsonString()
    {
        // Arrange: what Durable Task's Azure Storage provider keeps as a suspended instance's output (its reason)
        const string stored = "not json";

        // Act
        var normalized = DurablePayload.Normalize(stored);

        // Assert: the port's metadata carries JSON
        Assert.Equal("\"not json\"", normalized);
        Assert.Equal(stored, DurableJson.Deserialize<string>(normalized));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Normalize_NoValue_IsUnchanged(string? stored)
    {
        // Arrange / Act
        var normalized = DurablePayload.Normalize(stored);

        // Assert
        Assert.Equal(stored, normalized);
    }

    [Fact]
    public void ReadEvent_PayloadRaisedThroughThePort_ReadsTheValue()
    {
        // Arrange: raised by DurableClientAdapter (a string holding DurableJson), received as a JsonElement.
        var payload = JsonSerializer.SerializeToElement(DurablePayload.Write(new Sample("s-2", 1, SampleStatus.Syncing)));

        // Act
        var value = DurablePayload.ReadEvent<Sample>(payload);

        // Assert
        Assert.Equal(new Sample("s-2", 1, SampleStatus.Syncing), value);
    }

    [Fact]
    public void ReadEvent_PlainJsonRaisedByAnotherTool_ReadsTheValue()
    {
        // Arrange: raised through /runtime/webhooks/durabletask/instances/{id}/raiseEvent/{name} with a JSON body.
        using var document = JsonDocument.Parse("""{"shareId":"s-3","filesDone":2,"status":"created"}""");

        // Act
        var value = DurablePayload.ReadEvent<Sample>(document.RootElement);

        // Assert
        Assert.Equal(new Sample("s-3", 2, SampleStatus.Created), value);
    }

    [Fact]
    public void ReadEvent_PlainStringRaisedByAnotherTool_ReadsTheString()
    {
        // Arrange
        using var document = JsonDocument.Parse("\"approved\"");

        // Act
        var value = DurablePayload.ReadEvent<string>(document.RootElement);

        // Assert
        Assert.Equal("approved", value);
    }

    [Fact]
    public void ReadEvent_NoPayload_ReturnsDefault()
    {
        // Arrange
        using var document = JsonDocument.Parse("null");

        // Act / Assert
        Assert.Null(DurablePayload.ReadEvent<Sample>(document.RootElement));
        Assert.Equal(0, DurablePayload.ReadEvent<int>(default));
    }

    [Fact]
    public void Read_TextWrittenByWrite_RoundTrips()
    {
        // Arrange
        var value = new Sample("s-4", 7, SampleStatus.Syncing);

        // Act
        var typed = DurablePayload.Read<Sample>(DurablePayload.Write(value));
        var type = value.GetType();
        var untyped = DurablePayload.Read(DurablePayload.Write(value), type);

        // Assert
        Assert.Equal(value, typed);
        Assert.Equal(value, untyped);
        Assert.Null(DurablePayload.Write(null));
        Assert.Null(DurablePayload.Read<Sample>(null));
    }
}
