using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Slipway.Oci;

namespace Slipway.Cli.Tests.Output;

/// <summary>Every error Slipway raises derives from <see cref="SlipwayException"/> and has a code that never changes
/// once released; docs/errors.md lists them all.</summary>
public sealed partial class ErrorCodesTests
{
    /// <summary>The approved codes. Adding a kind of error adds a line; changing a line breaks scripts that match on it.</summary>
    private static readonly Dictionary<string, string> Approved = new(StringComparer.Ordinal)
    {
        ["Slipway.Oci.OciFormatException"] = "oci.invalid",
        ["Slipway.Dockerfile.Expansion.ExpansionException"] = "dockerfile.expansion",
        ["Slipway.Build.Engine.DockerfileException"] = "dockerfile.invalid",
        ["Slipway.Registry.RegistryException"] = "registry.error",
        ["Slipway.Registry.ContentVerificationException"] = "registry.content-mismatch",
        ["Slipway.Registry.IdleTimeoutException"] = "registry.idle-timeout",
        ["Slipway.Store.NoSpaceException"] = "store.no-space",
        ["Slipway.Store.UnsafeStoreException"] = "store.unsafe",
        ["Slipway.Store.BlobNotFoundException"] = "store.blob-not-found",
        ["Slipway.Store.BlobCorruptException"] = "store.blob-corrupt",
        ["Slipway.Store.BlobVerificationException"] = "store.blob-mismatch",
        ["Slipway.Store.Layers.LayerExtractionException"] = "layer.invalid",
        ["Slipway.Build.Engine.BuildException"] = "build.failed",
        ["Slipway.Build.Engine.RunFailedException"] = "build.run-failed",
        ["Slipway.Store.Images.ImageException"] = "image.failed",
        ["Slipway.Build.Containers.ContainerException"] = "container.failed",
        ["Slipway.Images.EngineException"] = "engine.failed",
        ["Slipway.Cli.Templates.TemplateException"] = "template.invalid",
        ["Slipway.Runtime.Network.PortSpecException"] = "port.invalid",
    };

    /// <summary>Every concrete error type in the assemblies the CLI is made of.</summary>
    private static List<Type> ErrorTypes()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([typeof(SlipwayApp).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            if (!seen.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var name in assembly.GetReferencedAssemblies().Where(n => n.Name!.StartsWith("Slipway.", StringComparison.Ordinal)))
            {
                pending.Enqueue(Assembly.Load(name));
            }
        }

        return [.. seen.Values.SelectMany(a => a.GetTypes())
            .Where(t => t.IsSubclassOf(typeof(SlipwayException)) && !t.IsAbstract && t.IsPublic)];
    }

    private static string CodeOf(Type type) =>
        // Code is a constant per type: an instance made without a constructor answers it.
        ((SlipwayException)RuntimeHelpers.GetUninitializedObject(type)).Code;

    [Fact]
    public void Every_error_type_has_its_approved_code()
    {
        var actual = ErrorTypes().ToDictionary(t => t.FullName!, CodeOf, StringComparer.Ordinal);

        Assert.Equal(Approved.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Codes_are_unique_lowercase_and_dotted()
    {
        Assert.Equal(Approved.Count, Approved.Values.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Approved.Values, code => Assert.Matches(CodeShape(), code));
    }

    [Fact]
    public void Each_type_declares_its_code_as_a_constant_the_renderer_can_switch_on()
    {
        foreach (var type in ErrorTypes())
        {
            var field = type.GetField("ErrorCode", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
            Assert.True(field is { IsLiteral: true }, $"{type.Name} has no public const ErrorCode");
            Assert.Equal(CodeOf(type), field!.GetRawConstantValue());
        }
    }

    [Fact]
    public void Docs_list_every_code_with_its_type()
    {
        var doc = File.ReadAllText(Path.Join(Slipway.Testing.Conformance.RepositoryRoot(), "docs", "errors.md"));

        foreach (var (type, code) in Approved)
        {
            Assert.Matches($@"\| `{Regex.Escape(code)}` \| `{Regex.Escape(type[(type.LastIndexOf('.') + 1)..])}` \|", doc);
        }
    }

    [GeneratedRegex(@"^[a-z]+(\.[a-z]+(-[a-z]+)*)+$")]
    private static partial Regex CodeShape();
}
