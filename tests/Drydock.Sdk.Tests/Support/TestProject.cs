using System.Text.Json.Nodes;
using Drydock.Processes;

namespace Drydock.Sdk.Tests.Support;

/// <summary>
/// A user's app in its own temp folder (and, by default, its own git repository) that references the
/// packed Drydock.Sdk from artifacts/feed. Every command runs with CI variables scrubbed, so a test
/// sees only what it sets.
/// </summary>
internal sealed class TestProject : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private static readonly string[] ScrubbedPrefixes =
        ["GITHUB_", "RUNNER_", "BUILD_", "SYSTEM_", "AGENT_", "GITLAB_", "CI_", "JENKINS_", "GIT_", "DRYDOCK_"];

    private static readonly string[] ScrubbedNames =
        ["CI", "TF_BUILD", "BRANCH_NAME", "CHANGE_ID", "TAG_NAME", "SOURCE_DATE_EPOCH", "MSBUILDNOINPROCNODE"];

    private TestProject(string root, string name)
    {
        Root = root;
        Name = name;
    }

    /// <summary>The repository root; the project lives in <see cref="ProjectDirectory"/>.</summary>
    public string Root { get; }

    public string Name { get; }

    public string ProjectDirectory => Path.Combine(Root, Name);

    public string ArchivePath => Path.Combine(ProjectDirectory, "obj", "Release", "net10.0", "drydock", "image.tar");

    /// <summary>The report of a Release publish: beside <c>bin/Release/net10.0/publish</c>, or, for an app that sets a runtime identifier (Native AOT), one folder below.</summary>
    public string ReportPath
    {
        get
        {
            var output = Path.Combine(ProjectDirectory, "bin", "Release", "net10.0");
            var report = Path.Combine(output, "drydock.json");
            return File.Exists(report) || !Directory.Exists(output)
                ? report
                : Directory.GetFiles(output, "drydock.json", SearchOption.AllDirectories) is [var only] ? only : report;
        }
    }

    /// <summary>Extra environment variables for every command (e.g. CI variables a test simulates).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    public static TestProject Create(
        string name = "webapp",
        string sdk = "Microsoft.NET.Sdk.Web",
        string properties = "",
        bool git = true,
        bool asSdk = false,
        string? program = null,
        string items = "")
    {
        var root = NewRoot();
        var project = new TestProject(root, name);
        var web = sdk == "Microsoft.NET.Sdk.Web";
        var drydock = asSdk
            ? $"""<Sdk Name="Drydock.Sdk" Version="{Paths.PackageVersion}" />"""
            : "";
        var reference = asSdk
            ? ""
            : $"""<ItemGroup><PackageReference Include="Drydock.Sdk" Version="{Paths.PackageVersion}" PrivateAssets="all" /></ItemGroup>""";
        project.WriteFile($"{name}/{name}.csproj", $"""
            <Project Sdk="{sdk}">
              {drydock}
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <OutputType>Exe</OutputType>
                {properties}
              </PropertyGroup>
              {reference}
              <ItemGroup>{items}</ItemGroup>
            </Project>
            """);
        project.WriteFile($"{name}/Program.cs", program ?? (web
            ? """
              var app = WebApplication.CreateSlimBuilder(args).Build();
              app.MapGet("/", () => "Hello from a Drydock test!");
              app.Run();
              """
            : """Console.WriteLine("Hello from a Drydock test!");"""));
        project.WriteFeedAndRepository(git ? "Initial commit" : null);
        return project;
    }

    /// <summary>
    /// A copy of <c>samples/&lt;name&gt;</c> and <c>samples/&lt;name&gt;.ImageTests</c> (sources only) in a new
    /// git repository, against the packed package: as a user who cloned the sample has it.
    /// </summary>
    public static TestProject FromSample(string name)
    {
        var project = new TestProject(NewRoot(), name);
        foreach (var folder in new[] { name, $"{name}.ImageTests" })
        {
            var source = Path.Combine(Paths.RepositoryRoot, "samples", folder);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
                {
                    project.WriteFile(Path.Combine(folder, relative), File.ReadAllText(file));
                }
            }
        }

        project.WriteFile("Directory.Build.props", $"""
            <Project>
              <PropertyGroup><DrydockSdkVersion>{Paths.PackageVersion}</DrydockSdkVersion></PropertyGroup>
            </Project>
            """);
        project.WriteFeedAndRepository($"The {name} sample");
        return project;
    }

    /// <summary>
    /// <c>dotnet new <paramref name="template"/></c> as a user runs it, with a NuGet.config beside the project (as
    /// <c>dotnet new nugetconfig</c> puts it) adding the packed feed, <c>dotnet add package Drydock.Sdk</c>, and a
    /// Directory.Build.props with <c>TreatWarningsAsErrors</c> and <paramref name="properties"/>. Committed.
    /// </summary>
    public static TestProject FromTemplate(string template, string name, string properties = "")
    {
        var project = new TestProject(NewRoot(), name);
        project.RunChecked("dotnet", ["new", template, "-o", project.ProjectDirectory, "-n", name], project.Root);
        project.WriteFeedAndRepository(firstCommit: null, feedDirectory: name);
        // NU1603: the package mirror serves some of the templates' dependencies only in a later patch.
        project.WriteFile("Directory.Build.props", $"""
            <Project>
              <PropertyGroup>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
                {properties}
              </PropertyGroup>
            </Project>
            """);
        project.RunChecked("dotnet", ["add", "package", "Drydock.Sdk", "--version", Paths.PackageVersion], project.ProjectDirectory);
        project.InitRepository("Initial commit");
        return project;
    }

    /// <summary>A NuGet.config adding the packed feed (the machine's sources are inherited), a .gitignore, and with <paramref name="firstCommit"/> a git repository holding it all.</summary>
    private void WriteFeedAndRepository(string? firstCommit, string feedDirectory = "")
    {
        WriteFile(Path.Combine(feedDirectory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="drydock" value="{Paths.Feed}" />
              </packageSources>
            </configuration>
            """);
        WriteFile(".gitignore", "bin/\nobj/\n");
        if (firstCommit is not null)
        {
            InitRepository(firstCommit);
        }
    }

    private void InitRepository(string firstCommit)
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Drydock Test");
        Git("config", "user.email", "test@drydock.invalid");
        Git("config", "commit.gpgsign", "false");
        Commit(firstCommit);
    }

    /// <summary>A <c>git clone</c> of <paramref name="origin"/> into a new temp folder.</summary>
    public static TestProject Clone(TestProject origin)
    {
        var root = NewRoot();
        var clone = new TestProject(root, origin.Name);
        clone.RunChecked("git", ["clone", "-q", origin.Root, root], Path.GetTempPath());
        return clone;
    }

    /// <summary>
    /// Adds an xunit project <c>{Name}.ImageTests</c> that uses Drydock.Testing, with <paramref name="tests"/>
    /// as its test class body, and declares it as the app's <c>ContainerTestProject</c>. Commits.
    /// </summary>
    public void AddImageTests(string tests)
    {
        var name = $"{Name}.ImageTests";
        WriteFile($"{name}/{name}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                <PackageReference Include="Drydock.Testing" Version="{Paths.PackageVersion}" />
              </ItemGroup>
            </Project>
            """);
        WriteFile($"{name}/ImageTests.cs", $$"""
            using System.Net;
            using Drydock.Testing;
            using Xunit;

            public class ImageTests(ImageUnderTest image) : IClassFixture<ImageUnderTest>
            {
            {{tests}}
            }
            """);
        WriteFile($"{Name}/Directory.Build.targets", $"""
            <Project>
              <ItemGroup>
                <ContainerTestProject Include="../{name}/{name}.csproj" />
              </ItemGroup>
            </Project>
            """);
        Commit("Add image tests");
    }

    public void WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void Commit(string message, string date = "2026-01-02T03:04:05Z")
    {
        Git("add", "-A");
        RunChecked("git", ["commit", "-q", "-m", message], Root, new() { ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date });
    }

    public string Git(params string[] arguments) => RunChecked("git", arguments, Root).StandardOutput.Trim();

    public ProcessResult DotNet(params string[] arguments) => Run("dotnet", arguments, ProjectDirectory);

    /// <summary><c>dotnet publish -c Release</c> with the loopback registry's base images.</summary>
    public ProcessResult Publish(params string[] arguments) =>
        DotNet(["publish", "-c", "Release", "-nologo", $"-p:DrydockBaseRegistry={Paths.Registry}", .. arguments]);

    public JsonNode Report() => JsonNode.Parse(File.ReadAllText(ReportPath))!;

    public ProcessResult Run(string program, IEnumerable<string> arguments, string? workingDirectory = null, Dictionary<string, string?>? environment = null)
    {
        var merged = HermeticEnvironment();
        foreach (var (key, value) in Environment)
        {
            merged[key] = value;
        }

        foreach (var (key, value) in environment ?? [])
        {
            merged[key] = value;
        }

        return ProcessRunner.Run(program, arguments, CommandTimeout, CancellationToken.None, workingDirectory ?? ProjectDirectory, merged);
    }

    /// <summary>
    /// Starts <c>dotnet publish</c> without waiting for it; its output collects in <paramref name="output"/>. Through
    /// <c>env --default-signal</c>, which execs it (same pid) with every signal at its default: a test run started in
    /// the background (<c>nohup ./build.sh test &amp;</c>) ignores SIGINT, which the publish would inherit, and a test
    /// that signals it must reach its handlers.
    /// </summary>
    public System.Diagnostics.Process StartPublish(System.Text.StringBuilder output, params string[] arguments)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("env")
        {
            WorkingDirectory = ProjectDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["--default-signal", "dotnet", "publish", "-c", "Release", "-nologo", $"-p:DrydockBaseRegistry={Paths.Registry}", .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in HermeticEnvironment().Concat(Environment))
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = System.Diagnostics.Process.Start(startInfo)!;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Append(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }

    private static string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "drydock-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return root;
    }

    private ProcessResult RunChecked(string program, IEnumerable<string> arguments, string workingDirectory, Dictionary<string, string?>? environment = null)
    {
        var result = Run(program, arguments, workingDirectory, environment);
        return result.Succeeded
            ? result
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
    }

    private static Dictionary<string, string?> HermeticEnvironment()
    {
        var environment = new Dictionary<string, string?>();
        foreach (string key in System.Environment.GetEnvironmentVariables().Keys)
        {
            if (ScrubbedNames.Contains(key) || ScrubbedPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                environment[key] = null;
            }
        }

        environment["NUGET_PACKAGES"] = Paths.NuGetPackages;
        environment["CONTAINERS_CONF"] = Paths.ContainersConf;
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        // No build servers outliving a test: each test's folder is deleted afterwards.
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        return environment;
    }
}
