namespace Transfers.Core.Application;

/// <summary>How a use case of an application service ended.</summary>
public enum ServiceOutcome
{
    /// <summary>It did what was asked.</summary>
    Ok,

    /// <summary>What it was asked about does not exist, or the caller may not see it.</summary>
    NotFound,

    /// <summary>The state of a record forbids it (a family that answers such requests with 409).</summary>
    Conflict,

    /// <summary>The request is invalid; <see cref="ServiceResult.Errors"/> says why.</summary>
    Invalid,
}

/// <summary>
/// What a use case of an application service returns instead of an HTTP result: ok, not found, conflict or invalid,
/// with the message or field errors the family's results file writes in the family's own envelope. A use case that
/// returns a value returns <see cref="ServiceResult{T}"/>, to which every failure here converts.
/// </summary>
public sealed class ServiceResult
{
    private static readonly ServiceResult OkResult = new(ServiceOutcome.Ok, null, []);

    private ServiceResult(ServiceOutcome outcome, string? message, IReadOnlyList<FieldError> errors)
    {
        Outcome = outcome;
        Message = message;
        Errors = errors;
    }

    /// <summary>Gets how the use case ended.</summary>
    public ServiceOutcome Outcome { get; }

    /// <summary>Gets the message of a <see cref="ServiceOutcome.NotFound"/> or <see cref="ServiceOutcome.Conflict"/> outcome.</summary>
    public string? Message { get; }

    /// <summary>Gets the errors of an <see cref="ServiceOutcome.Invalid"/> outcome; empty otherwise.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>Gets a value indicating whether the use case did what was asked.</summary>
    public bool IsOk => Outcome == ServiceOutcome.Ok;

    /// <summary>A use case that did what was asked and returns nothing.</summary>
    /// <returns>The result.</returns>
    public static ServiceResult Ok() => OkResult;

    /// <summary>A use case that did what was asked.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">What it returns.</param>
    /// <returns>The result.</returns>
    public static ServiceResult<T> Ok<T>(T value) => new(OkResult, value);

    /// <summary>A use case whose subject does not exist, or that the caller may not see.</summary>
    /// <param name="message">What was not found.</param>
    /// <returns>The result.</returns>
    public static ServiceResult NotFound(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(ServiceOutcome.NotFound, message, []);
    }

    /// <summary>A use case the state of a record forbids.</summary>
    /// <param name="message">What conflicts.</param>
    /// <returns>The result.</returns>
    public static ServiceResult Conflict(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(ServiceOutcome.Conflict, message, []);
    }

    /// <summary>An invalid request.</summary>
    /// <param name="errors">Why; at least one.</param>
    /// <returns>The result.</returns>
    public static ServiceResult Invalid(IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        return new(ServiceOutcome.Invalid, null, errors);
    }

    /// <summary>An invalid request with one error.</summary>
    /// <param name="code">The error code.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="field">The field at fault, if any.</param>
    /// <returns>The result.</returns>
    public static ServiceResult Invalid(string code, string message, string? field = null) => Invalid([new FieldError(code, message, field)]);

    /// <summary>This failure as the result of a use case that returns a value.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">This result is ok: an ok result needs its value (<see cref="Ok{T}"/>).</exception>
    public ServiceResult<T> ToServiceResult<T>() =>
        IsOk ? throw new InvalidOperationException("An ok result of a use case that returns a value needs the value.") : new(this, default);
}

/// <summary>A <see cref="ServiceResult"/> that carries a value when the use case did what was asked.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class ServiceResult<T>
{
    /// <summary>Initializes a new instance of the <see cref="ServiceResult{T}"/> class.</summary>
    /// <param name="status">How the use case ended.</param>
    /// <param name="value">The value of an ok outcome.</param>
    internal ServiceResult(ServiceResult status, T? value)
    {
        Status = status;
        Value = value;
    }

    /// <summary>Gets how the use case ended, with the message or errors of a failure.</summary>
    public ServiceResult Status { get; }

    /// <summary>Gets the value of an <see cref="ServiceOutcome.Ok"/> outcome; <c>default</c> otherwise.</summary>
    public T? Value { get; }

    /// <summary>Gets a value indicating whether the use case did what was asked (and <see cref="Value"/> holds its value).</summary>
    public bool IsOk => Status.IsOk;

    /// <summary>Converts a failure (not found, conflict, invalid) to the result of a use case that returns a value.</summary>
    /// <param name="failure">The failure.</param>
    public static implicit operator ServiceResult<T>(ServiceResult failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.ToServiceResult<T>();
    }
}
