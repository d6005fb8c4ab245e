using Drydock.Build.Git;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class GitInvocations
{
    [Fact]
    public void Read_Always_RunsGitAtMostFiveTimesWithoutPromptsOrLocks()
    {
        // A "git" that records how it was called, then runs the real one.
        using var repository = TempGitRepository.Init();
        var head = repository.Commit("first");
        var calls = Path.Combine(repository.Sandbox, "calls.txt");
        var bin = FakeGit.Create(
            repository.Sandbox,
            "recording-bin",
            $"echo \"$LC_ALL $GIT_TERMINAL_PROMPT $GIT_OPTIONAL_LOCKS $*\" >> '{calls}'\nexec '{FakeGit.Real()}' \"$@\"\n");
        var environment = new Dictionary<string, string?>(repository.Environment) { ["PATH"] = bin, ["LC_ALL"] = "de_DE.UTF-8" };

        var facts = GitRepository.Read(repository.Path, new ListBuildLog(), environment);

        Assert.Equal(head, facts.Sha);
        var lines = File.ReadAllLines(calls);
        Assert.InRange(lines.Length, 1, 5);
        Assert.All(lines, line => Assert.StartsWith("C 0 0 ", line, StringComparison.Ordinal));
    }
}
