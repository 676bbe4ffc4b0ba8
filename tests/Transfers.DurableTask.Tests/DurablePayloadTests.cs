using Transfers.Core.DurableTask;

namespace Transfers.DurableTask.Tests;

public sealed class DurablePayloadTests
{
    [Fact]
    public void Normalize_JsonStringHoldingJson_ReturnsTheInnerJson()
    {
        // Arrange: what Durable Task stores for a value the adapters wrote as a DurablePayload string.
        var stored = System.Text.Json.JsonSerializer.Serialize(DurablePayload.Write(new { approved = true }));

        // Act
        var normalized = DurablePayload.Normalize(stored);

        // Assert
        Assert.Equal("{\"approved\":true}", normalized);
    }

    [Fact]
    public void Normalize_PlainTextThatIsNoJson_ReturnsItAsAJsonString()
    {
        // Act: Azure Storage keeps a suspended instance's reason as its output, as plain text.
        var normalized = DurablePayload.Normalize("hold on");

        // Assert
        Assert.Equal("\"hold on\"", normalized);
        Assert.Equal("hold on", DurableJson.Deserialize<string>(normalized));
    }

    [Fact]
    public void Normalize_PlainJsonFromAnotherTool_ReturnsItUnchanged()
    {
        // Act
        var normalized = DurablePayload.Normalize("{\"a\":1}");

        // Assert
        Assert.Equal("{\"a\":1}", normalized);
    }
}
