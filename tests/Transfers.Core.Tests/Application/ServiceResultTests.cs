using Transfers.Core.Application;

namespace Transfers.Core.Tests.Application;

public sealed class ServiceResultTests
{
    [Fact]
    public void Ok_WithValue_IsOkAndCarriesIt()
    {
        // Act
        var result = ServiceResult.Ok(42);

        // Assert
        Assert.True(result.IsOk);
        Assert.Equal(42, result.Value);
        Assert.Empty(result.Status.Errors);
    }

    [Fact]
    public void ImplicitConversion_NotFoundToValueResult_KeepsOutcomeAndMessage()
    {
        // Act
        ServiceResult<string> result = ServiceResult.NotFound("No such thing.");

        // Assert
        Assert.False(result.IsOk);
        Assert.Equal((ServiceOutcome.NotFound, "No such thing."), (result.Status.Outcome, result.Status.Message));
        Assert.Null(result.Value);
    }

    [Fact]
    public void Invalid_OneError_CarriesCodeMessageAndField()
    {
        // Act
        var result = ServiceResult.Invalid("invalid_value", "Too many.", "ids");

        // Assert
        Assert.Equal(ServiceOutcome.Invalid, result.Outcome);
        Assert.Equal(new FieldError("invalid_value", "Too many.", "ids"), Assert.Single(result.Errors));
    }

    [Fact]
    public void Invalid_NoErrors_Throws()
    {
        // Act and Assert: an invalid result always says why
        Assert.Throws<ArgumentOutOfRangeException>(() => ServiceResult.Invalid([]));
    }

    [Fact]
    public void ToServiceResult_OkWithoutValue_Throws()
    {
        // Act and Assert: an ok result of a use case with a value needs the value
        Assert.Throws<InvalidOperationException>(() => ServiceResult.Ok().ToServiceResult<int>());
    }

    [Fact]
    public void Conflict_Message_IsConflictWithIt()
    {
        // Act
        ServiceResult<int> result = ServiceResult.Conflict("Limit reached.");

        // Assert
        Assert.Equal((ServiceOutcome.Conflict, "Limit reached."), (result.Status.Outcome, result.Status.Message));
    }
}
