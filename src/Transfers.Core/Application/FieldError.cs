namespace Transfers.Core.Application;

/// <summary>
/// A problem with one field of a request, as every family's validation reports it; each family's results file writes
/// it in the family's own envelope.
/// </summary>
/// <param name="Code">A machine-readable code such as <c>invalid_ref</c> or <c>missing_required_field</c>.</param>
/// <param name="Message">What is wrong, for people.</param>
/// <param name="Field">The field at fault, if any.</param>
public sealed record FieldError(string Code, string Message, string? Field = null);
