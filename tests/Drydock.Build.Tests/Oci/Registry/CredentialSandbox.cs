using System.Text;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// A home folder, a PATH folder for credential helpers (shell scripts, so Unix only) and the environment a
/// <see cref="CredentialStore"/> reads, for one test. Nothing of the machine's own logins can leak in.
/// </summary>
internal sealed class CredentialSandbox : IDisposable
{
    private readonly TempDirectory temp = new();

    public CredentialSandbox()
    {
        Home = Directory.CreateDirectory(System.IO.Path.Combine(temp.Path, "home")).FullName;
        Bin = Directory.CreateDirectory(System.IO.Path.Combine(temp.Path, "bin")).FullName;
        Environment = new Dictionary<string, string?> { ["PATH"] = Bin + ":/usr/bin:/bin" };
    }

    public string Home { get; }

    /// <summary>Put first on <see cref="Environment"/>'s PATH.</summary>
    public string Bin { get; }

    public Dictionary<string, string?> Environment { get; }

    /// <summary>base64 of <c>user:password</c>, as docker login writes <c>auth</c>.</summary>
    public static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> under the sandbox and returns the full path.</summary>
    public string Write(string relativePath, string content)
    {
        var path = System.IO.Path.Combine(temp.Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A path under the sandbox, for a helper to record what it was given.</summary>
    public string PathOf(string relativePath) => System.IO.Path.Combine(temp.Path, relativePath);

    public string DockerConfig(string json) => Write("home/.docker/config.json", json);

    public string PodmanAuth(string json) => Write("home/.config/containers/auth.json", json);

    /// <summary>Writes an executable <c>docker-credential-&lt;name&gt;</c> shell script into <see cref="Bin"/>.</summary>
    public void Helper(string name, string script)
    {
        var path = System.IO.Path.Combine(Bin, "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// A helper that writes its arguments and standard input under the sandbox (<c>&lt;name&gt;.args</c>,
    /// <c>&lt;name&gt;.stdin</c>) and answers with <paramref name="user"/> and <paramref name="secret"/>.
    /// </summary>
    public void RecordingHelper(string name, string user, string secret) =>
        Helper(name, $$"""
            echo "$@" > '{{PathOf(name + ".args")}}'
            cat > '{{PathOf(name + ".stdin")}}'
            printf '%s' '{"ServerURL":"x","Username":"{{user}}","Secret":"{{secret}}"}'
            """);

    public RegistryCredential? Find(string registry, CancellationToken cancellationToken = default) =>
        new CredentialStore(Environment, Home).Find(registry, cancellationToken);

    public RegistryCredential? Find(string registry, string? repository) =>
        new CredentialStore(Environment, Home).Find(registry, repository, CancellationToken.None);

    public void Dispose() => temp.Dispose();
}
