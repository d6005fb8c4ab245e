using System.Globalization;

namespace Drydock.Runtime;

/// <summary>
/// What the engine said of each container the publish started ahead (<see cref="DrydockVariables.WarmContainers"/>), so
/// the test that takes one need not ask again (an <c>inspect</c>: a fifth of a second on podman while containers start):
/// a file beside the offer, one line per container, <c>id pid hostPort</c> (<c>-</c>: none), written before its id is offered.
/// A test host that does not read it inspects the container itself.
/// </summary>
internal static class WarmContainerFacts
{
    /// <summary>The facts file of the offer <paramref name="offer"/>.</summary>
    public static string FileOf(string offer) => offer + ".facts";

    /// <summary>The line of a running container <paramref name="id"/>, as the engine inspected it.</summary>
    public static string Line(string id, ContainerFacts facts) =>
        string.Join(' ', id, facts.Pid.ToString(CultureInfo.InvariantCulture), facts.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "-") + "\n";

    /// <summary>The facts of <paramref name="id"/> among <paramref name="lines"/>: running, its process and its port; null when none.</summary>
    public static ContainerFacts? Find(IEnumerable<string> lines, string id)
    {
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 3 && fields[0] == id && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                int? port = int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
                return new ContainerFacts("running", Running: true, ExitCode: 0, OomKilled: false, pid, port, Health: null);
            }
        }

        return null;
    }
}
