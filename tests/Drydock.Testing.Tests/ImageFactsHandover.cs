using System.Diagnostics;
using Drydock.Runtime;

namespace Drydock.Testing.Tests;

/// <summary>
/// A test host the publish started before the image existed: it waits for the file of the image's variables and lays
/// them over its environment, and stops waiting when the publish that promised them is gone.
/// </summary>
public sealed class ImageFactsHandover : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-facts-").FullName;

    [Fact]
    public async Task Apply_WaitsForTheFileAndSetsItsVariables()
    {
        var facts = Path.Combine(_directory, "tests.image");
        var set = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? Environment(string name) => name switch
        {
            DrydockVariables.ImageFacts => facts,
            DrydockVariables.ImageFactsWriter => System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        var writer = Task.Run(async () =>
        {
            await Task.Delay(300);
            File.WriteAllLines(facts + ".tmp", ["DRYDOCK_IMAGE=sha256:abc", "DRYDOCK_TEST_PORT=8080", "DRYDOCK_IMAGE_LOADED=true"]);
            File.Move(facts + ".tmp", facts);
        });
        var waited = Stopwatch.StartNew();

        Assert.True(ImageFacts.Apply(Environment, (name, value) => set[name] = value));

        Assert.InRange(waited.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(20));
        Assert.Equal("sha256:abc", set[DrydockVariables.Image]);
        Assert.Equal("8080", set[DrydockVariables.Port]);
        Assert.Equal("true", set[DrydockVariables.ImageLoaded]);
        await writer;
    }

    [Fact]
    public void Apply_NothingPromised_ReadsNothing() =>
        Assert.False(ImageFacts.Apply(_ => null, (_, _) => throw new InvalidOperationException("nothing may be set")));

    [Fact]
    public void Apply_ThePublishEndedBeforeItsImage_Dry5104()
    {
        // A process that has ended: its id names nobody (or, reused, not the publish: then the bound still holds).
        using var ended = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        ended.WaitForExit();
        string? Environment(string name) => name switch
        {
            DrydockVariables.ImageFacts => Path.Combine(_directory, "never.image"),
            DrydockVariables.ImageFactsWriter => ended.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };

        var error = Assert.Throws<InvalidOperationException>(() => ImageFacts.Apply(Environment, (_, _) => { }));

        Assert.StartsWith("DRY5104:", error.Message);
        Assert.Contains("ended before it built the image", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
