using System;
using System.IO;

// Both tables of the network namespace this process runs in (proc(5)); a kernel without IPv6 has no tcp6.
foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
{
    try
    {
        Console.Out.Write(File.ReadAllText(table));
    }
    catch (IOException)
    {
    }
}
