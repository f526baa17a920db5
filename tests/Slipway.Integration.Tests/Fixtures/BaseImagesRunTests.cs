using Slipway.Testing;

namespace Slipway.Integration.Tests.Fixtures;

/// <summary>The images work, not just parse: each unpacked root filesystem runs its toolchain in a chroot.
/// A builder layer that missed a changed file (a diff taken wrongly) breaks here first.</summary>
public class BaseImagesRunTests
{
    private const string PathInImage = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static TheoryData<string, string, string> Programs => new()
    {
        { "busybox", "echo hello from $(uname -s)", "hello from Linux" },
        { "debian", "apt-get --version | head -n 1", "apt " },
        {
            "gcc",
            "printf '#include <stdio.h>\\nint main(void) { puts(\"hello from C\"); return 0; }\\n' >/tmp/h.c"
            + " && gcc -o /tmp/h /tmp/h.c && /tmp/h",
            "hello from C"
        },
        {
            "golang",
            "printf 'package main\\nimport \"fmt\"\\nfunc main() { fmt.Println(\"hello from Go\") }\\n' >/tmp/main.go"
            + " && GOCACHE=/tmp/go-cache go run /tmp/main.go",
            "hello from Go"
        },
        { "node", "node -e 'console.log(\"hello from \" + \"node\")' && npm config get cafile", "hello from node" },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Each_image_runs_its_toolchain_in_a_chroot(string name, string script, string expected)
    {
        Capability.RequireRoot();
        Capability.RequireTool("debootstrap");
        var umoci = Capability.RequireTool("umoci");
        var unshare = Capability.RequireTool("unshare");
        var layout = await BaseImages.GetAsync(name, TestContext.Current.CancellationToken);
        using var temp = new TempDirectory();
        var bundle = Path.Join(temp.Path, "bundle");
        await Tool.RunAsync(umoci, "unpack", "--image", $"{layout}:{BaseImages.Tag}", bundle);
        var rootfs = Path.Join(bundle, "rootfs");

        // A private mount namespace gives the chroot /proc and /dev/null (as a runtime would) without leaving
        // a mount behind.
        var output = await Tool.RunAsync(unshare, "--mount", "--propagation", "private", "/bin/sh", "-ec",
            """
            mount -t proc proc "$1/proc"
            mount -t tmpfs tmpfs "$1/dev"
            mknod -m 666 "$1/dev/null" c 1 3
            exec chroot "$1" /usr/bin/env -i PATH="$3" HOME=/root /bin/sh -ec "$2"
            """,
            "sh", rootfs, script, PathInImage);

        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
