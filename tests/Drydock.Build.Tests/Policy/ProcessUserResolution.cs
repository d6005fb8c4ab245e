using Drydock.Build.Policy.Rules;

namespace Drydock.Build.Tests.Policy;

/// <summary>config.User to uid, primary gid and supplementary groups, through the image's /etc/passwd and /etc/group, as runc resolves it.</summary>
public sealed class ProcessUserResolution
{
    private const string Passwd = "root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654::/home/app:/sbin/nologin\nweb:x:2000:2000::/:/bin/false\n";
    private const string Group = "root:x:0:\napp:x:1654:\nweb:x:2000:\nshared:x:3000:app,web\n";

    [Theory]
    [InlineData("app", 1654u, 1654u, new uint[] { 1654, 3000 })]
    [InlineData("1654", 1654u, 1654u, new uint[] { 1654, 3000 })]
    [InlineData("app:web", 1654u, 2000u, new uint[] { 2000 })]
    [InlineData("1654:0", 1654u, 0u, new uint[] { 0 })]
    [InlineData("4242", 4242u, 0u, new uint[] { 0 })]
    [InlineData("", 0u, 0u, new uint[] { 0 })]
    public void Resolve_FollowsPasswdAndGroup(string user, uint uid, uint gid, uint[] groups)
    {
        var resolved = UserIdentity.Resolve(user, Passwd, Group);

        Assert.NotNull(resolved);
        Assert.Equal((uid, gid), (resolved.Uid, resolved.Gid));
        Assert.Equal(groups, resolved.Groups);
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("app:nogroup")]
    public void Resolve_NameInNeitherFile_IsUnknown(string user) =>
        Assert.Null(UserIdentity.Resolve(user, Passwd, Group));
}
