using System.Text;
using Microsoft.AspNetCore.Http;

namespace Transfers.Api.Tests;

public sealed class RequestJsonTests
{
    [Theory]
    [InlineData("""{"a":{"b":["ok","x\ud800"]}}""", "a.b[1]", "'a.b[1]' must be Unicode text")]
    [InlineData("""{"a":[{"b":1},{"c":"\udc00y"}]}""", "a[1].c", "'a[1].c' must be Unicode text")]
    [InlineData("""{"a":{"\ud800":1}}""", "a", "A member name of 'a' must be Unicode text")]
    [InlineData("""{"\udfff":1}""", "$", "A member name of '$' must be Unicode text")]
    [InlineData("""{"first":"\ud800\udc00","second":"\ud83d"}""", "second", "'second' must be Unicode text")]
    public async Task ReadObjectAsync_EscapedLoneSurrogate_ReturnsNotTextWithItsPath(string json, string path, string detail)
    {
        // Arrange
        var request = Request(Encoding.UTF8.GetBytes(json));

        // Act
        var body = await RequestJson.ReadObjectAsync(request, 1024, maxDepth: 16);

        // Assert
        Assert.Equal(RequestJsonError.NotText, body.Error);
        Assert.Equal(path, body.Path);
        Assert.StartsWith(detail, body.Detail, StringComparison.Ordinal);
        Assert.Contains("lone surrogate", body.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "name")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "name")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "name")]
    public async Task ReadObjectAsync_BytesThatAreNotUtf8_ReturnsNotText(byte[] bad, string path)
    {
        // Arrange: {"name":"a<bad>b"}
        var request = Request([.. "{\"name\":\"a"u8, .. bad, .. "b\"}"u8]);

        // Act
        var body = await RequestJson.ReadObjectAsync(request, 1024, maxDepth: 16);

        // Assert
        Assert.Equal(RequestJsonError.NotText, body.Error);
        Assert.Equal(path, body.Path);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "'a'")]
    [InlineData("""{"a":1,"\u0061":2}""", "'a'")]
    [InlineData("""{"x":[{"b":1},{"c":1,"c":2}]}""", "'c'")]
    public async Task ReadObjectAsync_MemberNamedTwice_ReturnsMalformedNamingIt(string json, string member)
    {
        // Arrange
        var request = Request(Encoding.UTF8.GetBytes(json));

        // Act
        var body = await RequestJson.ReadObjectAsync(request, 1024, maxDepth: 16);

        // Assert
        Assert.Equal(RequestJsonError.Malformed, body.Error);
        Assert.Contains($"Duplicate property {member}", body.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadObjectAsync_LoneSurrogateNamedTwice_ReturnsNotText()
    {
        // Arrange: the duplicate check would read the names; the text check comes first.
        var request = Request(Encoding.UTF8.GetBytes("""{"\ud800":1,"\ud800":2}"""));

        // Act
        var body = await RequestJson.ReadObjectAsync(request, 1024, maxDepth: 16);

        // Assert
        Assert.Equal(RequestJsonError.NotText, body.Error);
        Assert.Equal("$", body.Path);
    }

    [Fact]
    public async Task ReadObjectAsync_SurrogatePairsAndAccentedText_ReadsEveryString()
    {
        // Arrange: an escaped pair, a raw four-byte character, escapes of other kinds, in names and values.
        var request = Request(Encoding.UTF8.GetBytes("""{"\ud83d\ude00":["é\n","😀",{"k\u00e9":"\ud800\udc00"}]}"""));

        // Act
        var body = await RequestJson.ReadObjectAsync(request, 1024, maxDepth: 16);

        // Assert
        Assert.Equal(RequestJsonError.None, body.Error);
        var values = body.Root.GetProperty("😀");
        Assert.Equal("é\n", values[0].GetString());
        Assert.Equal("😀", values[1].GetString());
        Assert.Equal("\U00010000", values[2].GetProperty("ké").GetString());
    }

    private static HttpRequest Request(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        return context.Request;
    }
}
