using System.Globalization;
using Slipway.Oci;

namespace Slipway.Runtime.Emulation;

/// <summary>One handler under /proc/sys/fs/binfmt_misc, as the kernel prints it (enabled, interpreter, flags,
/// offset, magic, mask), and the platforms its ELF magic stands for.</summary>
internal sealed record BinfmtEntry(string Name, bool Enabled, string Interpreter, string Flags, int Offset, byte[] Magic, byte[] Mask)
{
    private const int ElfClass32 = 1, ElfClass64 = 2, ElfLittle = 1, ElfBig = 2;

    public bool FixBinary => Flags.Contains('F', StringComparison.Ordinal);

    /// <summary>Null for text that is not a magic-type handler (an extension handler, register, status).</summary>
    public static BinfmtEntry? Parse(string name, string text)
    {
        bool? enabled = null;
        string? interpreter = null, flags = string.Empty;
        var offset = 0;
        byte[]? magic = null, mask = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var (key, value) = space < 0 ? (line, string.Empty) : (line[..space].TrimEnd(':'), line[(space + 1)..].Trim());
            switch (key)
            {
                case "enabled":
                    enabled = true;
                    break;
                case "disabled":
                    enabled = false;
                    break;
                case "interpreter":
                    interpreter = value;
                    break;
                case "flags":
                    flags = value;
                    break;
                case "offset" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed):
                    offset = parsed;
                    break;
                case "magic":
                    magic = FromHex(value);
                    break;
                case "mask":
                    mask = FromHex(value);
                    break;
            }
        }

        if (enabled is null || interpreter is null || magic is null)
        {
            return null;
        }

        return new BinfmtEntry(name, enabled.Value, interpreter, flags, offset, magic, mask ?? []);
    }

    /// <summary>The platforms whose binaries this handler's magic matches: an ELF header (class, byte order and
    /// e_machine) at offset 0 for a machine we know; empty for anything else.</summary>
    public IReadOnlyList<Platform> Platforms()
    {
        var header = new byte[Magic.Length];
        for (var i = 0; i < header.Length; i++)
        {
            header[i] = (byte)(Magic[i] & (i < Mask.Length ? Mask[i] : 0xff));
        }

        if (Offset != 0 || header.Length < 20 || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L'
            || header[3] != (byte)'F')
        {
            return [];
        }

        int elfClass = header[4], order = header[5];
        var machine = order == ElfBig ? (header[18] << 8) | header[19] : header[18] | (header[19] << 8);
        return (elfClass, order, machine) switch
        {
            (ElfClass32, ElfLittle, 3) => [Platform.Linux("386")],
            (ElfClass64, ElfLittle, 62) => [Platform.Linux("amd64")],
            (ElfClass32, ElfLittle, 40) => [Platform.Linux("arm", "v7"), Platform.Linux("arm", "v6")],
            (ElfClass64, ElfLittle, 183) => [Platform.Linux("arm64")],
            (ElfClass64, ElfLittle, 243) => [Platform.Linux("riscv64")],
            (ElfClass64, ElfLittle, 21) => [Platform.Linux("ppc64le")],
            (ElfClass64, ElfBig, 22) => [Platform.Linux("s390x")],
            _ => [],
        };
    }

    private static byte[]? FromHex(string hex)
    {
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
