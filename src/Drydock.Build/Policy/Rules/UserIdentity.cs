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
