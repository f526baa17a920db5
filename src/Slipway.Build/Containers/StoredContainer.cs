namespace Slipway.Build.Containers;

/// <summary>A container in the store: what it was made from and its state as last recorded.</summary>
public sealed record StoredContainer(ContainerRecord Record, ContainerState State)
{
    public string Id => Record.Id;

    public string Name => Record.Name;
}
