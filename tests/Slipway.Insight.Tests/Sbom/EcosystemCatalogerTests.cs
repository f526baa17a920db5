using System.Text.Json;
using Slipway.Insight.Sbom;

namespace Slipway.Insight.Tests.Sbom;

public class EcosystemCatalogerTests
{
    [Fact]
    public void A_v3_lockfile_lists_installed_packages_and_skips_dev_and_links()
    {
        using var lockfile = JsonDocument.Parse("""
            {
              "name": "web", "version": "1.0.0", "lockfileVersion": 3,
              "packages": {
                "": { "name": "web", "version": "1.0.0" },
                "node_modules/express": { "version": "4.19.2", "license": "MIT" },
                "node_modules/@types/node": { "version": "20.11.0", "dev": true },
                "node_modules/@scope/lib": { "version": "2.0.0" },
                "node_modules/express/node_modules/debug": { "version": "2.6.9" },
                "node_modules/local": { "resolved": "../local", "link": true }
              }
            }
            """);

        var packages = NpmCataloger.FromLockfile(lockfile.RootElement, "/app/package-lock.json");

        Assert.Equal(["web@1.0.0", "express@4.19.2", "@scope/lib@2.0.0", "debug@2.6.9"], packages.Select(p => $"{p.Name}@{p.Version}"));
        Assert.Equal("pkg:npm/%40scope/lib@2.0.0", packages[2].Purl);
        Assert.Equal("MIT", packages[1].License);
    }

    [Fact]
    public void A_v1_lockfile_lists_nested_dependencies()
    {
        using var lockfile = JsonDocument.Parse("""
            { "lockfileVersion": 1, "dependencies": {
                "a": { "version": "1.0.0", "dependencies": { "b": { "version": "2.0.0" } } },
                "jest": { "version": "29.0.0", "dev": true } } }
            """);

        var packages = NpmCataloger.FromLockfile(lockfile.RootElement, "/package-lock.json");

        Assert.Equal(["pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0"], packages.Select(p => p.Purl));
    }

    [Fact]
    public void Only_package_json_files_of_installed_packages_and_project_lockfiles_are_read()
    {
        var npm = new NpmCataloger();

        Assert.True(npm.Wants("app/node_modules/express/package.json", 100, false));
        Assert.True(npm.Wants("app/node_modules/@scope/lib/package.json", 100, false));
        Assert.True(npm.Wants("app/node_modules/a/node_modules/b/package.json", 100, false));
        Assert.False(npm.Wants("app/node_modules/express/lib/package.json", 100, false));
        Assert.False(npm.Wants("app/package.json", 100, false));
        Assert.True(npm.Wants("app/package-lock.json", 100, false));
        Assert.False(npm.Wants("app/node_modules/x/package-lock.json", 100, false));
    }

    [Fact]
    public void An_installed_package_json_gives_name_version_and_license()
    {
        using var json = JsonDocument.Parse("""{ "name": "left-pad", "version": "1.3.0", "license": { "type": "WTFPL" } }""");

        var package = Assert.Single(NpmCataloger.FromPackageJson(json.RootElement, "/node_modules/left-pad/package.json"));

        Assert.Equal("pkg:npm/left-pad@1.3.0", package.Purl);
        Assert.Equal("WTFPL", package.License);
    }

    [Fact]
    public void Deps_json_libraries_of_type_package_become_nuget_packages()
    {
        using var deps = JsonDocument.Parse("""
            { "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0" },
              "libraries": {
                "App/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
                "Newtonsoft.Json/13.0.3": { "type": "package", "serviceable": true, "sha512": "sha512-x", "path": "newtonsoft.json/13.0.3" },
                "Microsoft.Extensions.Logging/8.0.0": { "type": "package" } } }
            """);

        var packages = DotnetDepsCataloger.Parse(deps.RootElement, "/app/App.deps.json");

        Assert.Equal(["pkg:nuget/Newtonsoft.Json@13.0.3", "pkg:nuget/Microsoft.Extensions.Logging@8.0.0"], packages.Select(p => p.Purl));
    }
}
