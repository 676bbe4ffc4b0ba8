namespace Transfers.Core.Exports;

/// <summary>
/// Limits of the list and map fields clients send. Each such field is stored as JSON in one table property, which
/// holds at most 32K characters; the limits keep the largest valid value well below that, so a valid request is
/// never refused by storage.
/// </summary>
public static class ExportLimits
{
    /// <summary>The most tags of a transfer: 50 tags of 256-character keys and values take under 26,000 characters.</summary>
    public const int MaxTags = 50;

    /// <summary>
    /// The most model names in a transfer's <c>models</c> or a destination's <c>enabled_models</c>: 500 names of up to
    /// 40 characters take under 22,000 characters.
    /// </summary>
    public const int MaxModelNames = 500;

    /// <summary>The most columns of a model's <c>columns</c> or <c>primary_key</c>: what one entity can hold besides its keys and timestamp.</summary>
    public const int MaxColumns = 252;

    /// <summary>The most characters of all names in a model's <c>columns</c> (or <c>primary_key</c>) together.</summary>
    public const int MaxColumnNameChars = 30_000;
}
