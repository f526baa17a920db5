using Slipway.Build.Containers;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary>Images containers were made from: <c>rmi</c> refuses to delete them, and prunes keep them, with docker's
/// words (a container keeps its image's content in any case, see <see cref="ImageStore.KeepForContainerAsync"/>).</summary>
internal static class ImagesInUse
{
    /// <summary>The ids of the images some container uses.</summary>
    public static async Task<HashSet<Digest>> IdsAsync(CommandContext ctx, CancellationToken token) =>
        [.. (await ctx.Containers.ListAsync(token).ConfigureAwait(false)).Select(c => c.Record.ImageId)];

    /// <summary>Refuses what <c>docker rmi</c> refuses: removing the last name of an image a container uses (unless
    /// forced), and deleting such an image by id (unless forced; never when the container runs).</summary>
    public static async Task CheckRemoveAsync(CommandContext ctx, string nameOrId, bool force, CancellationToken token)
    {
        FoundImage found;
        try
        {
            found = await ctx.Images.FindImageAsync(nameOrId, null, token).ConfigureAwait(false);
        }
        catch (ImageException)
        {
            return; // rmi says what is wrong with the name
        }

        // A container records the platform image it runs; of an index, any of its platforms counts.
        var ids = found.Index?.Images.Select(i => i.Id).ToHashSet() ?? [found.Image.Id];
        var name = found.Name;
        var image = (Id: found.Id, Target: found.Target);
        var users = (await ctx.Containers.ListAsync(token).ConfigureAwait(false)).Where(c => ids.Contains(c.Record.ImageId) || c.Record.ImageId == found.Id).ToList();
        if (users.Count == 0)
        {
            return;
        }

        if (name is not null)
        {
            var names = (await ctx.Images.ListAsync(token).ConfigureAwait(false))
                .Count(n => !n.IsDangling && n.Target.Digest == image.Target.Digest);
            if (names <= 1 && !force)
            {
                throw new ImageException($"conflict: unable to remove repository reference \"{nameOrId}\" (must force) - container {users[0].Record.ShortId} is using its referenced image {image.Id.ShortHex}");
            }

            return;
        }

        if (users.FirstOrDefault(c => c.State.IsRunning && ctx.Containers.IsSupervisorAlive(c.Id)) is { } running)
        {
            throw new ImageException($"conflict: unable to delete {image.Id.ShortHex} (cannot be forced) - image is being used by running container {running.Record.ShortId}");
        }

        if (!force)
        {
            throw new ImageException($"conflict: unable to delete {image.Id.ShortHex} (must be forced) - image is being used by stopped container {users[0].Record.ShortId}");
        }
    }
}
