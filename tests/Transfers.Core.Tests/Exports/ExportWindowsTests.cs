using Transfers.Core.Exports;

namespace Transfers.Core.Tests.Exports;

public sealed class ExportWindowsTests
{
    private static readonly DateTimeOffset s_submitted = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_watermark = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Resolve_FirstTransfer_StartsAtEpochAndEndsAtSubmission()
    {
        var window = ExportWindows.Resolve(null, null, fullRefresh: false, watermark: null, s_submitted);

        Assert.Equal(new ExportWindow(DateTimeOffset.UnixEpoch, s_submitted), window);
    }

    [Fact]
    public void Resolve_Incremental_StartsAtWatermark()
    {
        var window = ExportWindows.Resolve(null, null, fullRefresh: false, s_watermark, s_submitted);

        Assert.Equal(new ExportWindow(s_watermark, s_submitted), window);
    }

    [Fact]
    public void Resolve_FullRefresh_IgnoresWatermark()
    {
        var window = ExportWindows.Resolve(null, null, fullRefresh: true, s_watermark, s_submitted);

        Assert.Equal(DateTimeOffset.UnixEpoch, window.Start);
    }

    [Fact]
    public void Resolve_ExplicitWindow_WinsOverWatermarkAndSubmission()
    {
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2023, 2, 1, 0, 0, 0, TimeSpan.Zero);

        var window = ExportWindows.Resolve(start, end, fullRefresh: false, s_watermark, s_submitted);

        Assert.Equal(new ExportWindow(start, end), window);
    }

    [Fact]
    public void Resolve_WatermarkAfterExplicitEnd_GivesEmptyWindowAtEnd()
    {
        var end = new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero);

        var window = ExportWindows.Resolve(null, end, fullRefresh: false, s_watermark, s_submitted);

        Assert.Equal(new ExportWindow(end, end), window);
    }

    [Fact]
    public void Resolve_ExplicitEndAfterSubmission_EndsAtSubmission()
    {
        // Arrange: a transfer queued with a future end before the API refused one.
        var end = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);

        // Act
        var window = ExportWindows.Resolve(null, end, fullRefresh: false, s_watermark, s_submitted);

        // Assert
        Assert.Equal(new ExportWindow(s_watermark, s_submitted), window);
    }

    [Fact]
    public void Advance_LaterWindow_MovesToItsEnd()
    {
        Assert.Equal(s_submitted, ExportWindows.Advance(s_watermark, new ExportWindow(s_watermark, s_submitted)));
        Assert.Equal(s_submitted, ExportWindows.Advance(null, new ExportWindow(DateTimeOffset.UnixEpoch, s_submitted)));
    }

    [Fact]
    public void Advance_BackfillOfOlderWindow_KeepsLaterWatermark()
    {
        var backfill = new ExportWindow(DateTimeOffset.UnixEpoch, s_watermark.AddDays(-10));

        Assert.Equal(s_watermark, ExportWindows.Advance(s_watermark, backfill));
    }
}
