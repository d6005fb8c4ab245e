using System.Net;
using System.Net.Http.Headers;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci.Registry;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RetryAfterInSecondsOrAsADate()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.RetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), Now));
        Assert.Equal(TimeSpan.FromSeconds(90), RetryPolicy.RetryAfter(new RetryConditionHeaderValue(Now.AddSeconds(90)), Now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.RetryAfter(new RetryConditionHeaderValue(Now.AddSeconds(-5)), Now));
        Assert.Null(RetryPolicy.RetryAfter(null, Now));
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    public void OnlyTimeoutsThrottlingAndServerErrorsAreTransient(HttpStatusCode status, bool transient) =>
        Assert.Equal(transient, RetryPolicy.IsTransient(status));

    [Fact]
    public async Task StopsAfterTheBoundWithDry6004()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));
        var attempts = 0;

        var error = await Assert.ThrowsAsync<DrydockException>(() => policy.RunAsync<int>(
            "x", () => { attempts++; throw new TransientRegistryException("503", null); }, new ListBuildLog(), CancellationToken.None));

        Assert.Equal(KnownCodes.RegistryUnavailable, error.Code);
        Assert.Equal(3, attempts);
        Assert.Contains("failed 3 times", error.Message);
    }

    [Fact]
    public async Task WaitsWhatRetryAfterAsksUpToTheCap()
    {
        var policy = new RetryPolicy(2, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(300));
        var log = new ListBuildLog();
        var attempts = 0;

        var started = DateTime.UtcNow;
        var value = await policy.RunAsync("x", () => ++attempts == 1 ? throw new TransientRegistryException("429", TimeSpan.FromHours(1)) : Task.FromResult(7), log, CancellationToken.None);

        Assert.Equal(7, value);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.Contains(log.Details, line => line.Contains("in 0.3 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NonTransientErrorsAreNotRetried()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => RetryPolicy.Default.RunAsync<int>(
            "x", () => { attempts++; throw new InvalidOperationException(); }, new ListBuildLog(), CancellationToken.None));
        Assert.Equal(1, attempts);
    }

    /// <summary>The numbers the docs give are the default policy's: attempts, each wait, and the bound on Retry-After.</summary>
    [Theory]
    [InlineData("how-it-works.md")]
    [InlineData("registries.md")]
    public void TheDocsNumbersAreTheCodes(string doc)
    {
        var policy = RetryPolicy.Default;
        var waits = Enumerable.Range(0, policy.MaxAttempts - 1)
            .Select(attempt => (policy.FirstDelay * Math.Pow(2, attempt)).TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var text = File.ReadAllText(Doc(doc)).ReplaceLineEndings(" ");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

        Assert.Contains($"{policy.MaxAttempts} attempts", text, StringComparison.Ordinal);
        Assert.Contains(string.Join(", ", waits) + " s", text, StringComparison.Ordinal);
        Assert.Contains($" {policy.MaxDelay.TotalSeconds} s)", text, StringComparison.Ordinal);
    }

    private static string Doc(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var doc = Path.Combine(directory.FullName, "docs", name);
            if (File.Exists(doc))
            {
                return doc;
            }
        }

        throw new FileNotFoundException($"docs/{name} not found above the test assembly.");
    }
}
