namespace Slipway.Dockerfile.Instructions;

/// <summary>The value of <c>COPY --chmod</c>/<c>ADD --chmod</c>, as BuildKit reads it: an octal mode up to 07777 that
/// replaces each copied entry's mode, or a symbolic mode as chmod(1) writes it (<c>u+x,g-w</c>, <c>a=rX</c>,
/// <c>go=u-w</c>) applied to each source entry's own mode, with no umask (BuildKit uses tonistiigi/dchapes-mode, a port
/// of BSD setmode(3); this follows it clause by clause).</summary>
public sealed class ChmodSpec
{
    // chmod(1)'s octal bits.
    private const uint SetUid = 0x800; // 04000
    private const uint SetGid = 0x400; // 02000
    private const uint Sticky = 0x200; // 01000
    private const uint RwxUser = 0x1C0; // 0700
    private const uint RwxGroup = 0x38; // 0070
    private const uint RwxOther = 0x7; // 0007
    private const uint ReadAll = 0x124; // 0444
    private const uint WriteAll = 0x92; // 0222
    private const uint ExecAll = 0x49; // 0111
    private const uint UserBit = 0x100; // 0400: "who includes u"
    private const uint GroupBit = 0x20; // 0040
    private const uint OtherBit = 0x4; // 0004
    private const uint Standard = SetUid | SetGid | RwxUser | RwxGroup | RwxOther;
    private const uint NoMask = 0xFFFF; // umask 0

    [Flags]
    private enum Copy
    {
        None = 0,
        Clear = 1,
        Set = 2,
        Group = 4,
        Other = 8,
        User = 16,
    }

    private readonly record struct Command(char Op, uint Bits, Copy Copy);

    private readonly uint? _octal;
    private readonly List<Command> _commands;

    private ChmodSpec(uint? octal, List<Command> commands)
    {
        _octal = octal;
        _commands = commands;
    }

    /// <summary>The value as written.</summary>
    public string Text { get; private init; } = "";

    /// <summary>An octal value replaces the mode; a symbolic one changes it.</summary>
    public bool IsOctal => _octal is not null;

    /// <summary>The spec, or null with BuildKit's error (its wording for a numeric value that is not a mode, Go's
    /// <c>invalid syntax</c> for a malformed symbolic one).</summary>
    public static ChmodSpec? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        var nonOctal = $"invalid chmod parameter: '{text}'. it should be octal string and between 0 and 07777";
        if (TryOctal(text, out var octal))
        {
            if (octal > 0xFFF)
            {
                error = nonOctal;
                return null;
            }

            return new ChmodSpec(octal, []) { Text = text };
        }

        if (text.Length > 0 && char.IsAsciiDigit(text[0]))
        {
            // Numeric but not octal (or past 16 bits): BuildKit keeps its octal message for these.
            error = nonOctal;
            return null;
        }

        var commands = ParseSymbolic(text);
        if (commands is null)
        {
            error = "invalid syntax";
            return null;
        }

        return new ChmodSpec(null, commands) { Text = text };
    }

    /// <summary>The mode (permission and setuid/setgid/sticky bits, 07777) an entry gets whose source mode is
    /// <paramref name="mode"/>.</summary>
    public uint Apply(uint mode, bool isDirectory)
    {
        if (_octal is { } octal)
        {
            return octal;
        }

        var original = mode & 0xFFF;
        var result = original;
        foreach (var c in _commands)
        {
            switch (c.Op)
            {
                case 'u':
                    result = CopyBits(c, result, (result & RwxUser) >> 6);
                    break;
                case 'g':
                    result = CopyBits(c, result, (result & RwxGroup) >> 3);
                    break;
                case 'o':
                    result = CopyBits(c, result, result & RwxOther);
                    break;
                case '+':
                    result |= c.Bits;
                    break;
                case '-':
                    result &= ~c.Bits;
                    break;
                case 'X' when (original & ExecAll) != 0 || isDirectory:
                    result |= c.Bits;
                    break;
            }
        }

        return result & 0xFFF;
    }

    public override string ToString() => Text;

    /// <summary>Go's strconv.ParseUint(s, 8, 32): octal digits only, no sign.</summary>
    private static bool TryOctal(string s, out uint value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        ulong v = 0;
        foreach (var c in s)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            v = (v * 8) + (uint)(c - '0');
            if (v > uint.MaxValue)
            {
                return false;
            }
        }

        value = (uint)v;
        return true;
    }

    /// <summary>u, g or o: copies one class's bits (<paramref name="value"/>, three bits) to the classes named.</summary>
    private static uint CopyBits(Command c, uint mode, uint value)
    {
        if (c.Copy.HasFlag(Copy.Clear))
        {
            var clear = c.Copy.HasFlag(Copy.Set) ? RwxOther : value;
            if (c.Copy.HasFlag(Copy.User))
            {
                mode &= ~((clear << 6) & c.Bits);
            }

            if (c.Copy.HasFlag(Copy.Group))
            {
                mode &= ~((clear << 3) & c.Bits);
            }

            if (c.Copy.HasFlag(Copy.Other))
            {
                mode &= ~(clear & c.Bits);
            }
        }

        if (c.Copy.HasFlag(Copy.Set))
        {
            if (c.Copy.HasFlag(Copy.User))
            {
                mode |= (value << 6) & c.Bits;
            }

            if (c.Copy.HasFlag(Copy.Group))
            {
                mode |= (value << 3) & c.Bits;
            }

            if (c.Copy.HasFlag(Copy.Other))
            {
                mode |= value & c.Bits;
            }
        }

        return mode;
    }

    /// <summary>setmode(3)'s clause loop: [ugoa]*[+-=][rwxXst|ugo]* repeated, clauses joined by commas.</summary>
    private static List<Command>? ParseSymbolic(string s)
    {
        var commands = new List<Command>();
        var i = 0;
        var equalOpDone = false;
        while (true)
        {
            uint who = 0;
            for (; ; i++)
            {
                if (i >= s.Length)
                {
                    return null;
                }

                var w = s[i] switch
                {
                    'a' => Standard,
                    'u' => SetUid | RwxUser,
                    'g' => SetGid | RwxGroup,
                    'o' => RwxOther,
                    _ => 0u,
                };
                if (w == 0)
                {
                    break;
                }

                who |= w;
            }

            while (true)
            {
                var op = s[i++];
                switch (op)
                {
                    case '+' or '-':
                        break;
                    case '=':
                        equalOpDone = false;
                        break;
                    default:
                        return null;
                }

                who &= ~Sticky;
                uint perm = 0, permX = 0;
                for (; ; i++)
                {
                    var b = i < s.Length ? s[i] : '\0';
                    var done = false;
                    switch (b)
                    {
                        case 'r':
                            perm |= ReadAll;
                            break;
                        case 's' when who == 0 || (who & ~RwxOther) != 0:
                            perm |= SetUid | SetGid;
                            break;
                        case 't' when who == 0 || (who & ~RwxOther) != 0:
                            who |= Sticky;
                            perm |= Sticky;
                            break;
                        case 's' or 't':
                            break;
                        case 'w':
                            perm |= WriteAll;
                            break;
                        case 'X' when op != '-':
                            permX = ExecAll;
                            break;
                        case 'X' or 'x':
                            perm |= ExecAll;
                            break;
                        case 'u' or 'g' or 'o':
                            if (perm != 0)
                            {
                                Add(commands, op, who, perm);
                                perm = 0;
                            }

                            if (op == '=')
                            {
                                equalOpDone = true;
                            }

                            if (permX != 0)
                            {
                                Add(commands, 'X', who, permX);
                                permX = 0;
                            }

                            Add(commands, b, who, op);
                            break;
                        default:
                            if (perm != 0 || (op == '=' && !equalOpDone))
                            {
                                if (op == '=')
                                {
                                    equalOpDone = true;
                                }

                                Add(commands, op, who, perm);
                            }

                            if (permX != 0)
                            {
                                Add(commands, 'X', who, permX);
                            }

                            done = true;
                            break;
                    }

                    if (done)
                    {
                        break;
                    }
                }

                if (i >= s.Length)
                {
                    return commands;
                }

                if (s[i] == ',')
                {
                    i++;
                    break;
                }
            }
        }
    }

    /// <summary>setmode's addcmd: <c>=</c> clears the classes named then adds; u/g/o copy a class's bits.</summary>
    private static void Add(List<Command> commands, char op, uint who, uint arg)
    {
        switch (op)
        {
            case '=':
                commands.Add(new Command('-', who != 0 ? who : Standard, Copy.None));
                commands.Add(new Command('+', who != 0 ? who & arg : NoMask & arg, Copy.None));
                break;
            case '+' or '-' or 'X':
                commands.Add(new Command(op, who != 0 ? who & arg : NoMask & arg, Copy.None));
                break;
            default:
                var copy = who != 0
                    ? (who & UserBit) != 0 ? Copy.User : Copy.None
                    : Copy.User | Copy.Group | Copy.Other;
                if (who != 0)
                {
                    copy |= ((who & GroupBit) != 0 ? Copy.Group : Copy.None) | ((who & OtherBit) != 0 ? Copy.Other : Copy.None);
                }

                copy |= (char)arg switch
                {
                    '+' => Copy.Set,
                    '-' => Copy.Clear,
                    _ => Copy.Set | Copy.Clear,
                };
                commands.Add(new Command(op, who != 0 ? 0xFFFF : NoMask, copy));
                break;
        }
    }
}
