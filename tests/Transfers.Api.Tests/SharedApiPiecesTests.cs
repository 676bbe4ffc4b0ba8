using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transfers.Api.Ownership;
using Transfers.Core.Application;

namespace Transfers.Api.Tests;

/// <summary>The body reader with per-family limits, the paging rules, and the Ownership mapping of service results.</summary>
public sealed class SharedApiPiecesTests
{
    [Theory]
    [InlineData("12", true, 12)]
    [InlineData(null, true, 20)]
    [InlineData("1", true, 1)]
    [InlineData("100", true, 100)]
    [InlineData("0", false, 0)]
    [InlineData("101", false, 0)]
    [InlineData("+5", false, 0)]
    [InlineData(" 5", false, 0)]
    [InlineData("-1", false, 0)]
    [InlineData("1e2", false, 0)]
    [InlineData("", false, 0)]
    [InlineData("99999999999", false, 0)]
    public void TryParsePageSize_Text_AcceptsPlainDigitsInRangeOnly(string? text, bool accepted, int expected)
    {
        // Act
        var ok = Paging.TryParsePageSize(text, defaultSize: 20, maxSize: 100, out var pageSize);

        // Assert
        Assert.Equal(accepted, ok);
        if (accepted)
        {
            Assert.Equal(expected, pageSize);
        }
    }

    [Fact]
    public void PageSizeMessage_NameAndMax_SaysTheRange()
    {
        // Act
        var message = Paging.PageSizeMessage("limit", 100);

        // Assert
        Assert.Equal("limit must be a whole number from 1 to 100.", message);
    }

    [Fact]
    public void AddNextLink_QueryWithCursor_KeepsTheQueryAndReplacesTheCursor()
    {
        // Arrange
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost", 7071);
        context.Request.Path = "/v1/transfers";
        context.Request.QueryString = new QueryString("?pageSize=2&after=old&include=status");

        // Act
        Paging.AddNextLink(context, "after", "new");

        // Assert
        Assert.Equal("<http://localhost:7071/v1/transfers?pageSize=2&include=status&after=new>; rel=\"next\"", context.Response.Headers.Link.ToString());
    }

    [Theory]
    [InlineData("{\"a\":1}", 64, null)]
    [InlineData("{\"a\":\"" + "0123456789" + "\"}", 16, "The request body is larger than 16 bytes.")]
    [InlineData("[1]", 64, "The request body must be a JSON object.")]
    [InlineData("   ", 64, "The request body must be a JSON object.")]
    [InlineData("{\"a\":", 64, "The request body is not valid JSON: ")]
    public async Task ReadObjectAsync_FamilyLimitsAndMessages_MapsTheFailureWithThem(string json, int maxBytes, string? message)
    {
        // Arrange: a family that answers with a message, as Exports does within its 64 KiB
        var request = Request(json);

        // Act
        var limits = new RequestBodyLimits(maxBytes, MaxDepth: 16);
        var (body, error) = await RequestJson.ReadObjectAsync(request, limits, b => RequestJson.Describe(b, limits));

        // Assert
        if (message is null)
        {
            Assert.Null(error);
            Assert.Equal(1, body.GetProperty("a").GetInt32());
        }
        else
        {
            Assert.StartsWith(message, error, StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Undefined, body.ValueKind);
        }
    }

    [Fact]
    public async Task ReadObjectAsync_NestedDeeperThanTheLimit_IsTheFamilysError()
    {
        // Arrange: a family that answers with a problem, as Shares does; Ownership allows 32 levels, this one 2
        var request = Request("{\"a\":{\"b\":{\"c\":1}}}");

        // Act
        var (_, error) = await RequestJson.ReadObjectAsync(request, new RequestBodyLimits(1024, MaxDepth: 2), b => Problems.Validation(b.Error.ToString()));

        // Assert
        var result = await Execute(error!);
        Assert.Equal(StatusCodes.Status400BadRequest, result.Status);
        Assert.Contains("Malformed", result.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ServiceOutcome.NotFound, 404, "{\"errors\":[{\"code\":\"not_found\",\"message\":\"gone\"}]}")]
    [InlineData(ServiceOutcome.Conflict, 409, "{\"errors\":[{\"code\":\"conflict\",\"message\":\"gone\"}]}")]
    [InlineData(ServiceOutcome.Invalid, 400, "{\"errors\":[{\"code\":\"invalid_value\",\"message\":\"gone\",\"field\":\"f\"}]}")]
    public async Task OwnershipResultsFrom_Failure_WritesTheFamilyEnvelope(ServiceOutcome outcome, int status, string body)
    {
        // Arrange
        var failure = outcome switch
        {
            ServiceOutcome.NotFound => ServiceResult.NotFound("gone"),
            ServiceOutcome.Conflict => ServiceResult.Conflict("gone"),
            _ => ServiceResult.Invalid("invalid_value", "gone", "f"),
        };

        // Act
        var result = await Execute(OwnershipResults.From(failure, () => throw new InvalidOperationException("not ok")));

        // Assert
        Assert.Equal((status, body), (result.Status, result.Body));
    }

    [Fact]
    public async Task OwnershipResultsFrom_OkWithValue_AnswersWithIt()
    {
        // Act
        var result = await Execute(OwnershipResults.From(ServiceResult.Ok("v"), value => TypedResults.Text(value, statusCode: 201)));

        // Assert
        Assert.Equal((201, "v"), (result.Status, result.Body));
    }

    private static HttpRequest Request(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context.Request;
    }

    private static async Task<(int Status, string Body)> Execute(IResult result)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
