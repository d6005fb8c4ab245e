using System.Globalization;

namespace Drydock.Build.Policy.Rules;

/// <summary>Who the container's process runs as, from <c>config.User</c> and the image's own <c>/etc/passwd</c>.</summary>
internal static class UserIdentity
{
    /// <summary>
    /// Why the process runs as uid 0, or null when it does not (or cannot be told). <c>config.User</c> is
    /// <c>user</c>, <c>uid</c>, <c>user:group</c>, <c>uid:gid</c>, …; only the user part decides, so
    /// <c>0:1000</c> is root and <c>1000:0</c> is not. An empty value means the runtime's default: root.
    /// </summary>
    public static string? RootReason(LintSubject image)
    {
        var user = image.User.Trim();
        var name = user.Split(':')[0];
        if (name.Length == 0)
        {
            return user.Length == 0 ? "config.User is empty, so the runtime starts it as root" : $"config.User '{user}' names no user, so the runtime starts it as root";
        }

        if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
        {
            return uid == 0 ? $"config.User '{user}' is uid 0" : null;
        }

        if (name == "root")
        {
            return $"config.User is '{user}'";
        }

        return UidInPasswd(image.Files.Passwd, name) == 0 ? $"config.User '{user}' is uid 0 in the image's /etc/passwd" : null;
    }

    /// <summary>
    /// The process's uid and groups, resolved the way runc resolves <c>config.User</c> against the image's
    /// own <c>/etc/passwd</c> and <c>/etc/group</c>: <c>user</c> or <c>uid</c> takes the primary gid from
    /// passwd (0 for a uid passwd does not list) plus the supplementary groups /etc/group lists the user
    /// in; <c>user:group</c> sets the group alone. Null when a name is in neither file (the runtime
    /// then refuses to start: another problem than access).
    /// </summary>
    public static ProcessUser? Resolve(string configUser, string? passwd, string? group)
    {
        var spec = configUser.Trim();
        var parts = spec.Split(':', 2);
        var (userPart, groupPart) = (parts[0], parts.Length == 2 ? parts[1] : "");
        var numericUid = ParseId(userPart);
        var entry = numericUid is { } byId
            ? Passwd(passwd).FirstOrDefault(e => e.Uid == byId)
            : Passwd(passwd).FirstOrDefault(e => e.Name == (userPart.Length == 0 ? "root" : userPart));
        if ((numericUid ?? entry?.Uid ?? (userPart.Length == 0 ? 0u : null)) is not { } uid)
        {
            return null;
        }

        if (groupPart.Length > 0)
        {
            var gid = ParseId(groupPart) ?? Groups(group).FirstOrDefault(g => g.Name == groupPart)?.Gid;
            return gid is { } explicitGid ? new ProcessUser(spec, uid, explicitGid, [explicitGid]) : null;
        }

        var primary = entry?.Gid ?? 0;
        var supplementary = entry is null ? [] : Groups(group).Where(g => g.Members.Contains(entry.Name, StringComparer.Ordinal)).Select(g => g.Gid);
        return new ProcessUser(spec, uid, primary, [primary, .. supplementary]);
    }

    private sealed record PasswdEntry(string Name, uint Uid, uint Gid);

    private sealed record GroupEntry(string Name, uint Gid, string[] Members);

    /// <summary>passwd(5): <c>name:password:uid:gid:gecos:home:shell</c>.</summary>
    private static IEnumerable<PasswdEntry> Passwd(string? text) =>
        Lines(text)
            .Where(f => f.Length >= 4 && ParseId(f[2]) is not null && ParseId(f[3]) is not null)
            .Select(f => new PasswdEntry(f[0], ParseId(f[2])!.Value, ParseId(f[3])!.Value));

    /// <summary>group(5): <c>name:password:gid:member,member</c>.</summary>
    private static IEnumerable<GroupEntry> Groups(string? text) =>
        Lines(text)
            .Where(f => f.Length >= 3 && ParseId(f[2]) is not null)
            .Select(f => new GroupEntry(f[0], ParseId(f[2])!.Value, f.Length > 3 ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []));

    private static IEnumerable<string[]> Lines(string? text) =>
        (text ?? "").Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line.Split(':'));

    private static uint? ParseId(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The uid of <paramref name="name"/> in passwd(5) text (<c>name:password:uid:gid:gecos:home:shell</c>), or null.</summary>
    internal static uint? UidInPasswd(string? passwd, string name)
    {
        foreach (var line in (passwd ?? "").Split('\n'))
        {
            var fields = line.TrimEnd('\r').Split(':');
            if (fields.Length >= 3 && fields[0] == name
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                return uid;
            }
        }

        return null;
    }
}

/// <summary>The identity a container's process has: what file permissions are checked against.</summary>
/// <param name="Spec"><c>config.User</c> as written.</param>
/// <param name="Groups">The primary gid and every supplementary gid.</param>
internal sealed record ProcessUser(string Spec, uint Uid, uint Gid, IReadOnlyList<uint> Groups)
{
    public bool IsRoot => Uid == 0;

    /// <summary>
    /// Whether this user has every permission in <paramref name="wanted"/> (given as the "others" bits,
    /// e.g. <see cref="UnixFileMode.OtherExecute"/>) on <paramref name="file"/>. As the kernel decides:
    /// the owner's bits for the owner, else the group's bits for a member, else the others' bits.
    /// </summary>
    public bool May(ImageFile file, UnixFileMode wanted)
    {
        var mode = (int)file.Mode;
        var bits = file.Uid == Uid ? (mode >> 6) & 7
            : Groups.Contains((uint)file.Gid) ? (mode >> 3) & 7
            : mode & 7;
        return (bits & (int)wanted) == (int)wanted;
    }

    public override string ToString() => $"config.User '{Spec}' (uid {Uid}, gid {Gid})";
}
