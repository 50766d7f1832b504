using System.Collections.Generic;
using System.Diagnostics;

namespace Corgi.Autodiff;

/// <summary>
/// Opt-in timing of backward passes by forward op (the benchmarks' <c>--profile</c>): for each op, the time its
/// local derivatives and their broadcast reductions took, and how many times they ran. Off by default; when off
/// the engine pays one static read per input.
/// </summary>
internal static class BackwardProfile
{
    private static Dictionary<string, (long Ticks, int Calls)>? s_times;

    /// <summary>Whether backward passes are being timed.</summary>
    public static bool Enabled => s_times is not null;

    /// <summary>Starts timing (clearing what was timed before).</summary>
    public static void Start() => s_times = new Dictionary<string, (long, int)>();

    /// <summary>Stops timing and returns milliseconds and calls per op, slowest first.</summary>
    public static List<(string Op, double Ms, int Calls)> Stop()
    {
        var result = new List<(string, double, int)>();
        if (s_times is null) return result;
        foreach (var (op, (ticks, calls)) in s_times) result.Add((op, ticks * 1000.0 / Stopwatch.Frequency, calls));
        result.Sort((a, b) => b.Item2.CompareTo(a.Item2));
        s_times = null;
        return result;
    }

    /// <summary>Adds the time since <paramref name="start"/> to <paramref name="op"/>.</summary>
    public static void Record(string op, long start)
    {
        var times = s_times;
        if (times is null) return;
        long elapsed = Stopwatch.GetTimestamp() - start;
        lock (times)
        {
            times.TryGetValue(op, out var t);
            times[op] = (t.Ticks + elapsed, t.Calls + 1);
        }
    }
}
