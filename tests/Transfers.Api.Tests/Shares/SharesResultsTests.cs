using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transfers.Api.Shares;
using Transfers.Core.Application;
using Transfers.Core.Shares;

namespace Transfers.Api.Tests.Shares;

/// <summary>The Shares mapping of service results to the family's problem+json envelope.</summary>
public sealed class SharesResultsTests
{
    [Theory]
    [InlineData(ShareInvalid.Share, "The share is invalid.")]
    [InlineData(ShareInvalid.Destination, "The destination is invalid.")]
    [InlineData(ShareInvalid.DestinationTables, "The destination cannot take the tables of the share's created transfers.")]
    [InlineData(ShareInvalid.Transfer, "The transfer is invalid.")]
    [InlineData(ShareInvalid.Start, "The transfer cannot start.")]
    public async Task From_Invalid_AnswersProblemWithTheCodesDetailAndTheMessagesByField(string code, string detail)
    {
        // Arrange
        var invalid = ServiceResult.Invalid([new FieldError(code, "m1", "destination"), new FieldError(code, "m2", "transferEntity"), new FieldError(code, "m3", "destination")]);

        // Act
        var (status, body) = await ExecuteAsync(SharesResults.From(invalid, () => throw new InvalidOperationException("not ok")));

        // Assert
        Assert.Equal(400, status);
        Assert.Equal(detail, body.GetProperty("detail").GetString());
        Assert.Equal("The request is invalid.", body.GetProperty("title").GetString());
        var errors = body.GetProperty("errors");
        Assert.Equal(["m1", "m3"], errors.GetProperty("destination").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["m2"], errors.GetProperty("transferEntity").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData(ServiceOutcome.NotFound, 404, "Not found")]
    [InlineData(ServiceOutcome.Conflict, 409, "Conflict")]
    public async Task Failure_NotFoundOrConflict_AnswersProblemWithTheMessageAsDetail(ServiceOutcome outcome, int expectedStatus, string title)
    {
        // Arrange
        var failure = outcome == ServiceOutcome.NotFound ? ServiceResult.NotFound("No share 'x' exists.") : ServiceResult.Conflict("No share 'x' exists.");

        // Act
        var (status, body) = await ExecuteAsync(SharesResults.Failure(failure));

        // Assert
        Assert.Equal((expectedStatus, title, "No share 'x' exists."), (status, body.GetProperty("title").GetString(), body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Json_WithLocation_WritesTheStatusLocationAndCamelCaseBodyWithoutNulls()
    {
        // Act
        var context = await RunAsync(SharesResults.Json(new { ShareId = "s", Next = (string?)null }, 201, "/v1/shares/s"));

        // Assert
        Assert.Equal((201, "/v1/shares/s"), (context.Response.StatusCode, context.Response.Headers.Location.ToString()));
        Assert.Equal("{\"shareId\":\"s\"}", await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private static async Task<(int Status, JsonElement Body)> ExecuteAsync(IResult result)
    {
        var context = await RunAsync(result);
        using var document = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, document.RootElement.Clone());
    }

    private static async Task<HttpContext> RunAsync(IResult result)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return context;
    }
}
