using Slipway.Oci;
using Slipway.Store;

// Usage: Slipway.Store.ProcessHelper <root> <name-prefix> <count>
//   Sets <count> refs named <prefix><i>, each as its own locked read-modify-write of refs.json.
// Usage: Slipway.Store.ProcessHelper gc <root> <count>
//   Runs <count> garbage collections back to back, as a `slipway prune` looping beside the test would.
if (args is ["gc", var gcRoot, var gcCount] && int.TryParse(gcCount, out var collections))
{
    var collecting = LocalStore.Open(gcRoot, TimeProvider.System);
    for (var i = 0; i < collections; i++)
    {
        await collecting.CollectGarbageAsync();
    }

    return 0;
}

if (args.Length != 3 || !int.TryParse(args[2], out var count))
{
    return 2;
}

var store = LocalStore.Open(args[0], TimeProvider.System);
for (var i = 0; i < count; i++)
{
    var name = args[1] + i;
    var target = Descriptor.For(MediaTypes.OciManifest, System.Text.Encoding.UTF8.GetBytes(name));
    await store.Refs.SetAsync(name, target);
}

return 0;
