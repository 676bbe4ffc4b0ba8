using Transfers.Core.DurableTask;

namespace Transfers.Core.Tests.DurableTask;

public sealed class PortTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/b", "'/'")]
    [InlineData("a\\b", "'/'")]
    [InlineData("a#b", "'/'")]
    [InlineData("a?b", "'/'")]
    [InlineData("a\u0001b", "control")]
    public void TryValidate_BadInstanceId_SaysWhy(string id, string expectedFragment)
    {
        var valid = InstanceIds.TryValidate(id, out var error);

        Assert.False(valid);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_LengthLimit_AcceptsExactlyMaxLength()
    {
        Assert.True(InstanceIds.TryValidate(new string('a', InstanceIds.MaxLength), out _));
        Assert.False(InstanceIds.TryValidate(new string('a', InstanceIds.MaxLength + 1), out _));
    }

    [Fact]
    public void GetDelay_Backoff_GrowsGeometricallyUpToTheCap()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(5));

        var delays = Enumerable.Range(1, 4).Select(policy.GetDelay).ToArray();

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)], delays);
    }

    [Fact]
    public void ShouldRetry_HandlePredicateAndAttempts_Decide()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromSeconds(1)) { Handle = f => f.IsCausedBy<TimeoutException>() };
        var timeout = TaskFailureDetails.FromException(new TimeoutException("slow"));
        var invalid = TaskFailureDetails.FromException(new InvalidOperationException("bad"));

        Assert.True(policy.ShouldRetry(1, timeout));
        Assert.True(policy.ShouldRetry(2, timeout));
        Assert.False(policy.ShouldRetry(3, timeout));
        Assert.False(policy.ShouldRetry(1, invalid));
    }

    [Fact]
    public void AddOrchestrator_SameNameDifferentType_Throws()
    {
        var registry = new DurableTaskRegistry().AddActivity<EchoActivity>("echo");

        Assert.Throws<InvalidOperationException>(() => registry.AddActivity<OtherActivity>("ECHO"));
        Assert.True(registry.Activities.ContainsKey("Echo"));
    }

    private sealed class EchoActivity : Activity<string, string>
    {
        public override Task<string> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default) => Task.FromResult(input);
    }

    private sealed class OtherActivity : Activity<string, string>
    {
        public override Task<string> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default) => Task.FromResult(input + "!");
    }
}
