using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>A tiny busybox root filesystem made from the host's busybox-static, for tests that need an image
/// quickly without the base-image fixtures.</summary>
internal static class Rootfs
{
    public static string MakeBusybox(string parent)
    {
        var busybox = Capability.RequireTool("busybox");
        var root = Directory.CreateDirectory(Path.Join(parent, "rootfs")).FullName;
        var bin = Directory.CreateDirectory(Path.Join(root, "bin")).FullName;
        File.Copy(busybox, Path.Join(bin, "busybox"));
        foreach (var applet in (string[])["sh", "echo", "ls", "cat", "id"])
        {
            File.CreateSymbolicLink(Path.Join(bin, applet), "busybox");
        }

        var etc = Directory.CreateDirectory(Path.Join(root, "etc")).FullName;
        File.WriteAllText(Path.Join(etc, "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        File.WriteAllText(Path.Join(etc, "group"), "root:x:0:\nnogroup:x:65534:\n");
        return root;
    }
}
