using System.Text.RegularExpressions;

namespace Drydock.Tests.Registry;

/// <summary>What <see cref="RegistryProxy"/> does instead of (or before) forwarding a request.</summary>
internal abstract record ProxyFault
{
    /// <summary>Answer with <paramref name="status"/> and the given headers; the upstream never sees the request.</summary>
    public static ProxyFault Respond(int status, params (string Name, string Value)[] headers) =>
        new RespondFault(status, headers);

    /// <summary>Read <paramref name="bodyBytes"/> bytes of the request body (fewer if it is shorter), then reset the connection.</summary>
    public static ProxyFault CutAfter(long bodyBytes) => new CutFault(bodyBytes);

    /// <summary>Wait, then go on as if the rule were not there (latency; the kernel here has no netem).</summary>
    public static ProxyFault Delay(TimeSpan delay) => new DelayFault(delay);

    /// <summary>Forward, then add headers to the upstream's answer (features this registry lacks, e.g. <c>OCI-Subject</c>).</summary>
    public static ProxyFault AddHeaders(params (string Name, string Value)[] headers) => new AddHeadersFault(headers);

    /// <summary>Forward, then drop headers from the upstream's answer (what a registry leaves out, e.g. ECR's <c>Docker-Content-Digest</c>).</summary>
    public static ProxyFault RemoveHeaders(params string[] names) => new RemoveHeadersFault(names);

    /// <summary>Forward, then give the client <paramref name="status"/> instead of the upstream's (ECR answers a chunk's <c>PATCH</c> with 201, not 202).</summary>
    public static ProxyFault ReplaceStatus(int status) => new ReplaceStatusFault(status);

    /// <summary>
    /// Answer with a redirect to the same target: on the proxy's storage host (<see cref="RegistryProxy.StorageHost"/>,
    /// another origin, as blob storage is) when <paramref name="toStorage"/>, else as a relative <c>Location</c>.
    /// </summary>
    public static ProxyFault Redirect(int status, bool toStorage) => new RedirectFault(status, toStorage);
}

internal sealed record ReplaceStatusFault(int Status) : ProxyFault;

internal sealed record RemoveHeadersFault(IReadOnlyList<string> Names) : ProxyFault;

internal sealed record RedirectFault(int Status, bool ToStorage) : ProxyFault;

internal sealed record RespondFault(int Status, IReadOnlyList<(string Name, string Value)> Headers) : ProxyFault;

internal sealed record CutFault(long BodyBytes) : ProxyFault;

internal sealed record DelayFault(TimeSpan Duration) : ProxyFault;

internal sealed record AddHeadersFault(IReadOnlyList<(string Name, string Value)> Headers) : ProxyFault;

/// <summary>
/// A fault that fires on matching requests a limited number of times, then lets them through.
/// Rules are tried in the order they were added; the first that matches and has shots left fires.
/// </summary>
internal sealed class FaultRule
{
    private readonly object gate = new();
    private int remaining;
    private int fired;

    public FaultRule(string? method, Func<string, bool> target, ProxyFault fault, int times)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        Method = method;
        Target = target;
        Fault = fault;
        remaining = times;
    }

    /// <summary>Null matches every method.</summary>
    public string? Method { get; }

    /// <summary>A predicate over the request target (path and query).</summary>
    public Func<string, bool> Target { get; }

    public ProxyFault Fault { get; }

    /// <summary>How many times the rule has fired.</summary>
    public int Fired
    {
        get
        {
            lock (gate)
            {
                return fired;
            }
        }
    }

    /// <summary>A predicate that searches the target with a regular expression.</summary>
    public static Func<string, bool> Matching(string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return regex.IsMatch;
    }

    internal bool TryFire(string method, string target)
    {
        if ((Method is not null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) || !Target(target))
        {
            return false;
        }

        lock (gate)
        {
            if (remaining == 0)
            {
                return false;
            }

            remaining--;
            fired++;
            return true;
        }
    }
}

/// <summary>
/// One request the proxy received. <see cref="Status"/> is what the client got: 0 when the
/// connection was cut instead. <see cref="Fault"/> names the fault that fired, if any.
/// </summary>
internal sealed record ProxiedRequest(
    string Method,
    string Target,
    int Status,
    long BodyBytes,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ProxyFault? Fault)
{
    /// <summary>The target's path, without the query.</summary>
    public string Path => Target.Split('?', 2)[0];

    public string? Header(string name) =>
        Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>One call to the proxy's token endpoint (bearer mode).</summary>
internal sealed record TokenRequest(
    string Method,
    string? GrantType,
    IReadOnlyList<string> Scopes,
    bool BasicAuthPresented,
    int Status);
