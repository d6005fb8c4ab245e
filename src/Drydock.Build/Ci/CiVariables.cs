namespace Drydock.Build.Ci;

/// <summary>
/// Reads CI variables from the dictionary the caller passed: empty or blank values count as unset,
/// because CI systems often define a variable as empty rather than leave it out.
/// </summary>
internal sealed class CiVariables(IReadOnlyDictionary<string, string> environment)
{
    public string? this[string name] =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public bool Is(string name, string expected) =>
        string.Equals(this[name], expected, StringComparison.OrdinalIgnoreCase);
}
