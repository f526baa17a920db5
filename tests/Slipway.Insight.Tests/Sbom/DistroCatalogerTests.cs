using Slipway.Insight.Sbom;

namespace Slipway.Insight.Tests.Sbom;

public class DistroCatalogerTests
{
    private const string DpkgStatus = """
        Package: libc6
        Status: install ok installed
        Priority: optional
        Architecture: amd64
        Multi-Arch: same
        Source: glibc
        Version: 2.36-9+deb12u4
        Description: GNU C Library: Shared libraries
         Contains the standard libraries that are used by nearly all programs on
         the system.

        Package: zlib1g
        Status: install ok installed
        Architecture: amd64
        Source: zlib (1:1.2.13.dfsg-1)
        Version: 1:1.2.13.dfsg-1

        Package: removed-one
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0

        """;

    [Fact]
    public void Installed_dpkg_packages_are_listed_with_arch_source_and_distro()
    {
        var packages = DpkgCataloger.Parse(DpkgStatus, "/var/lib/dpkg/status", new ImageFacts { DistroId = "debian", DistroVersion = "12" });

        Assert.Equal(["libc6", "zlib1g"], packages.Select(p => p.Name));
        var libc = packages[0];
        Assert.Equal("2.36-9+deb12u4", libc.Version);
        Assert.Equal("glibc", libc.SourcePackage);
        Assert.Equal("pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc", libc.Purl);
        Assert.Equal("pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib%401%3A1.2.13.dfsg-1", packages[1].Purl);
    }

    [Fact]
    public void Distroless_status_d_files_count_and_md5sums_do_not()
    {
        var dpkg = new DpkgCataloger();

        Assert.True(dpkg.Wants("var/lib/dpkg/status", 10, false));
        Assert.True(dpkg.Wants("var/lib/dpkg/status.d/base", 10, false));
        Assert.False(dpkg.Wants("var/lib/dpkg/status.d/base.md5sums", 10, false));
        Assert.False(dpkg.Wants("var/lib/dpkg/status-old", 10, false));
    }

    [Fact]
    public void An_ubuntu_image_names_its_packages_under_ubuntu()
    {
        var packages = DpkgCataloger.Parse("Package: bash\nVersion: 5.1-6ubuntu1\nArchitecture: amd64\n", "/x", new ImageFacts { DistroId = "ubuntu" });

        Assert.StartsWith("pkg:deb/ubuntu/bash@", packages.Single().Purl, StringComparison.Ordinal);
    }

    [Fact]
    public void Apk_records_give_name_version_arch_license_and_origin()
    {
        const string installed = """
            C:Q1abc=
            P:musl
            V:1.2.4-r2
            A:x86_64
            S:383152
            L:MIT
            o:musl
            T:the musl c library

            C:Q1def=
            P:busybox-binsh
            V:1.36.1-r15
            A:x86_64
            L:GPL-2.0-only
            o:busybox

            """;

        var packages = ApkCataloger.Parse(installed, "/lib/apk/db/installed", new ImageFacts { DistroId = "alpine", DistroVersion = "3.19.1" });

        Assert.Equal(2, packages.Count);
        Assert.Equal("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1&upstream=musl", packages[0].Purl);
        Assert.Equal("MIT", packages[0].License);
        Assert.Equal("busybox", packages[1].SourcePackage);
    }
}
