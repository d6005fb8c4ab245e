using System.Net;
using System.Net.Http.Headers;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// How often and how long a registry operation is retried: only for 408, 429, 5xx and network faults,
/// with exponential backoff (or the registry's <c>Retry-After</c>) and a bound on both attempts and
/// waiting. Everything else (401, 403, 404, a protocol error) fails at once.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    /// <summary>5 attempts, waiting 0.5, 1, 2, 4 s (or what Retry-After asks, up to 30 s).</summary>
    public static RetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// Runs <paramref name="operation"/> until it succeeds, throws a non-transient error, or the
    /// attempts are used up (then <see cref="KnownCodes.RegistryUnavailable"/> with the last fault).
    /// </summary>
    public async Task<T> RunAsync<T>(string what, Func<Task<T>> operation, IBuildLog log, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            TransientRegistryException fault;
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (TransientRegistryException e)
            {
                fault = e;
            }
            catch (HttpRequestException e) when (e.InnerException is DrydockException inner)
            {
                // A blob read from the archive failed its digest check while it was being sent.
                throw inner;
            }
            catch (Exception e) when (IsNetworkFault(e, cancellationToken))
            {
                fault = new TransientRegistryException(MessageText.Quote(e.GetBaseException().Message), null, e);
            }

            if (attempt >= MaxAttempts)
            {
                throw new DrydockException(
                    KnownCodes.RegistryUnavailable,
                    $"{what} failed {attempt} times; the last answer: {fault.Message}. Nothing more was pushed; rerun the publish when the registry is available (blobs already there are skipped).",
                    fault);
            }

            var backoff = FirstDelay * Math.Pow(2, attempt - 1);
            var delay = fault.RetryAfter is { } asked ? asked : backoff;
            if (delay > MaxDelay)
            {
                delay = MaxDelay;
            }

            log.Detail($"Drydock: {what}: {fault.Message}; attempt {attempt + 1} of {MaxAttempts} in {delay.TotalSeconds:0.###} s");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The wait a 429 or 503 asks for: delta seconds or an HTTP date; null when absent.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };

    private static bool IsNetworkFault(Exception e, CancellationToken cancellationToken) =>
        (e is HttpRequestException { StatusCode: null, HttpRequestError: not HttpRequestError.SecureConnectionError } or IOException)
        || (e is TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested);
}

/// <summary>A fault worth retrying: 408, 429, 5xx, or the connection failed.</summary>
public sealed class TransientRegistryException(string message, TimeSpan? retryAfter, Exception? inner = null)
    : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
