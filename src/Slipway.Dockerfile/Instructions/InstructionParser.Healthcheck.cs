using System.Globalization;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static HealthcheckInstruction? ParseHealthcheck(Context c)
    {
        var args = c.Node.Args;
        if (args.Count == 0)
        {
            return c.NoFlags() ? c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, "HEALTHCHECK requires at least one argument") : null;
        }

        var type = args[0].ToUpperInvariant();
        if (type == "NONE")
        {
            if (!c.NoFlags())
            {
                return null;
            }

            return args.Count != 1
                ? c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, "HEALTHCHECK NONE takes no arguments")
                : new HealthcheckInstruction(["NONE"], default, default, default, default, 0) { Node = c.Node };
        }

        var flags = new FlagSet().String("interval", "timeout", "start-period", "start-interval", "retries");
        if (!c.Flags(flags))
        {
            return null;
        }

        if (type != "CMD")
        {
            return c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, $"Unknown type \"{type}\" in HEALTHCHECK (try CMD)");
        }

        if (args.Count < 2)
        {
            return c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, "Missing command after HEALTHCHECK CMD");
        }

        var test = new List<string> { c.Node.IsJson ? "CMD" : "CMD-SHELL" };
        test.AddRange(args.Skip(1));
        var durations = new TimeSpan[4];
        string[] names = ["interval", "timeout", "start-period", "start-interval"];
        for (var i = 0; i < names.Length; i++)
        {
            if (!OptionalInterval(c, flags, names[i], out durations[i]))
            {
                return null;
            }
        }

        var retries = 0;
        if (flags.GetString("retries") is { Length: > 0 } r)
        {
            if (!int.TryParse(r, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out retries))
            {
                // Go's ParseInt(r, 10, 32): digits that do not fit 32 bits are out of range, anything else bad syntax.
                var digits = r.TrimStart('+', '-');
                var reason = r.Length - digits.Length <= 1 && digits.Length > 0 && digits.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
                return c.Fail<HealthcheckInstruction>(DiagnosticIds.BadFlagValue,
                    $"strconv.ParseInt: parsing {GoQuote.Quote(r)}: {reason}", "retries");
            }

            if (retries < 0)
            {
                return c.Fail<HealthcheckInstruction>(DiagnosticIds.BadFlagValue,
                    $"--retries cannot be negative ({retries})", "retries");
            }
        }

        return new HealthcheckInstruction(test, durations[0], durations[1], durations[2], durations[3], retries)
        {
            Node = c.Node,
        };
    }

    private static bool OptionalInterval(Context c, FlagSet flags, string name, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = flags.GetString(name);
        if (string.IsNullOrEmpty(s))
        {
            return true;
        }

        if (!GoDuration.TryParse(s, out value, out var error))
        {
            c.Fail<object>(DiagnosticIds.BadFlagValue, error ?? "invalid duration", name);
            return false;
        }

        if (value != TimeSpan.Zero && value < TimeSpan.FromMilliseconds(1))
        {
            c.Fail<object>(DiagnosticIds.BadFlagValue, $"Interval \"{name}\" cannot be less than 1ms", name);
            return false;
        }

        return true;
    }
}
