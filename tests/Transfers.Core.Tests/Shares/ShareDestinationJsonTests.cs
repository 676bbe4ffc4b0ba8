using Transfers.Core.DurableTask;
using Transfers.Core.Shares;

namespace Transfers.Core.Tests.Shares;

public sealed class ShareDestinationJsonTests
{
    [Fact]
    public void Deserialize_DestinationStoredBeforeSchemaExisted_ReadsWithNullSchema()
    {
        const string Stored = """{"kind":"table","connection":"c","tablePrefix":"t_"}""";

        var read = DurableJson.Deserialize<ShareDestination>(Stored);

        Assert.Equal(Stored, DurableJson.Serialize(read));
        Assert.Equal(new ShareDestination(ShareDestinationKinds.Table, "c", null, null, "t_"), read);
        Assert.Null(read!.Schema);
    }

    [Fact]
    public void Deserialize_PostgresDestination_KeepsItsSchema()
    {
        var destination = new ShareDestination(ShareDestinationKinds.Postgres, "warehouse", null, null, null, "analytics");

        var read = DurableJson.Deserialize<ShareDestination>(DurableJson.Serialize(destination));

        Assert.Equal(destination, read);
    }
}
