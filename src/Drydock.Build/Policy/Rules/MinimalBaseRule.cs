using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// A shell or a package manager is the first tool of anyone who gets code execution in the container,
/// and extra packages to patch. Distroless (chiseled) bases have neither. Paths are looked up in the
/// final file system, so a layer that deletes them (a whiteout) counts.
/// </summary>
internal sealed class MinimalBaseRule : ILintRule
{
    private static readonly string[] Shells =
        ["bin/sh", "usr/bin/sh", "bin/bash", "usr/bin/bash", "bin/ash", "bin/dash", "usr/bin/dash", "bin/busybox", "usr/bin/busybox"];

    private static readonly string[] PackageManagers =
        ["usr/bin/apt", "usr/bin/apt-get", "usr/bin/dpkg", "sbin/apk", "usr/bin/apk", "usr/bin/microdnf", "usr/bin/dnf", "usr/bin/tdnf", "usr/bin/yum", "usr/bin/rpm"];

    public IEnumerable<Finding> Check(LintSubject image)
    {
        foreach (var (kind, paths) in new[] { ("a shell", Shells), ("a package manager", PackageManagers) })
        {
            var found = paths.Where(image.Files.Files.ContainsKey).ToList();
            if (found.Count > 0)
            {
                var first = image.Files.Files[found[0]];
                yield return LintRules.Finding(
                    KnownCodes.NotMinimalBase,
                    $"The image has {kind} ({string.Join(", ", found.Select(path => "/" + path))}), the first tool of an attacker; use a distroless base such as a chiseled .NET image (ContainerFamily=noble-chiseled).",
                    first.Where);
            }
        }
    }
}
