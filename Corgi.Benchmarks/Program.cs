using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Corgi.Benchmarks.Workloads;

namespace Corgi.Benchmarks;

/// <summary>
/// The benchmark command: runs the workloads of WORKLOADS.md and prints one JSON object per line.
/// <code>
/// dotnet run -c Release --project Corgi.Benchmarks -- W1 [W1-dense] W2 W3 [W3L] [W4] [W5] [W5-grid] [W6] [W6-tanh] [W6-scoped] [W7] [W7-scoped] [W8] [--threads 1|2|1,2] [--dtype float64,float32] [--reps 5] [--quick] [--profile]
/// </code>
/// Each workload runs in every dtype asked for, one after the other (W2 in float64 only, as WORKLOADS.md defines it).
/// </summary>
internal static class Program
{
    /// <summary>
    /// Every workload, by name: adding one is one method and one entry here.
    /// </summary>
    private static readonly Dictionary<string, Action<RunContext>> s_workloads = new(StringComparer.OrdinalIgnoreCase)
    {
        ["W1"] = Mlp.RawOps,
        ["W1-dense"] = Mlp.DenseLayers,
        ["W2"] = Dynamic.Run,
        ["W3"] = ctx => MatMul.Run(ctx, "W3", 512),
        ["W3L"] = ctx => MatMul.Run(ctx, "W3L", 1024),
        ["W4"] = Cnn.Run,
        ["W5"] = Peak.Run,
        ["W5-grid"] = GemmGrid.Run,
        ["W6"] = Transformer.Run,
        ["W6-tanh"] = ctx => Transformer.Run(ctx, "W6-tanh", true),
        ["W6-scoped"] = ctx => Transformer.Run(ctx, "W6-scoped", false, scoped: true),
        ["W7"] = Lstm.Run,
        ["W7-scoped"] = ctx => Lstm.Run(ctx, scoped: true),
        ["W8"] = SmallBatch.Run,
    };

    private const string Usage =
        "usage: Corgi.Benchmarks W1 [W1-dense] W2 W3 [W3L] [W4] [W5] [W5-grid] [W6] [W6-tanh] [W6-scoped] [W7] [W7-scoped] [W8] [--threads 1|2|1,2] [--dtype float64,float32] [--reps 5] [--warmup 20] [--warmup-seconds 2] [--quick] [--profile]\n"
        + "  --threads  thread counts to measure, comma-separated (default 1)\n"
        + "  --dtype    dtypes to measure, comma-separated (default float64,float32; W2 is float64 only)\n"
        + "  --reps     repetitions of N steps; the median per-step time is reported (default 5)\n"
        + "  --warmup   untimed warm-up steps (default 20)\n"
        + "  --warmup-seconds  the warm-up lasts at least this long, so the JIT's optimized code is timed (default 2)\n"
        + "  --providers  linear-algebra providers to alternate in this process, comma-separated: openblas, corgi, managed (default: Blas's choice)\n"
        + "  --rounds   with --providers: rounds of every provider in turn, each workload line once per round (default 1)\n"
        + "  --quick    smoke test: 2 warm-up steps, no minimum warm-up time, 2 repetitions of at most 2 steps\n"
        + "  --profile  also print W2-/W3-/W4-/W6-/W7-/W8-profile lines (allocations, forward/backward split, time per phase)\n"
        + "  --list     print the workload names\n"
        + "Output: one JSON object per line, as defined in WORKLOADS.md.";

    private static int Main(string[] args)
    {
        var names = new List<string>();
        var threads = new List<int> { 1 };
        var dtypes = new List<DType> { DType.Float64, DType.Float32 };
        int reps = 5, warmUp = 20;
        double warmUpSeconds = 2.0;
        bool quick = false, profile = false;
        string[]? providers = null;
        int rounds = 1;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--threads":
                        threads = Value(args, ref i).Split(',').Select(s => Positive("--threads", s)).ToList();
                        break;
                    case "--dtype":
                        dtypes = new List<DType>();
                        foreach (var d in Value(args, ref i).Split(',')) dtypes.Add(DTypes.Parse(d));
                        break;
                    case "--reps": reps = Positive("--reps", Value(args, ref i)); break;
                    case "--warmup": warmUp = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture); break;
                    case "--warmup-seconds": warmUpSeconds = double.Parse(Value(args, ref i), CultureInfo.InvariantCulture); break;
                    case "--providers": providers = Value(args, ref i).Split(','); break;
                    case "--rounds": rounds = Positive("--rounds", Value(args, ref i)); break;
                    case "--quick": quick = true; break;
                    case "--profile": profile = true; break;
                    case "--list": Console.WriteLine(string.Join(" ", s_workloads.Keys)); return 0;
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    default:
                        if (args[i].StartsWith('-')) throw new ArgumentException($"unknown option {args[i]}");
                        if (!s_workloads.ContainsKey(args[i]))
                            throw new ArgumentException($"unknown workload {args[i]} (known: {string.Join(", ", s_workloads.Keys)})");
                        names.Add(args[i]);
                        break;
                }
            }
            if (names.Count == 0) throw new ArgumentException("no workload given");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (quick)
        {
            reps = Math.Min(reps, 2);
            warmUp = Math.Min(warmUp, 2);
            warmUpSeconds = 0;
        }

        // Alternating providers round by round in one process compares them under the same machine load.
        for (int round = 0; round < (providers == null ? 1 : rounds); round++)
        foreach (var provider in providers ?? [""])
        foreach (int t in threads)
        {
            if (provider.Length > 0) ProviderInfo.Use(provider);
            // (Environment.SetEnvironmentVariable would not reach native getenv on Unix, so OPENBLAS_NUM_THREADS
            // is the caller's business; the thread count is set through the API instead.)
            ProviderInfo.SetThreads(t);
            // both dtypes of a workload back to back, so their ratio is measured in the same phase of the run
            foreach (var name in names)
                foreach (var dtype in dtypes)
                {
                    if (dtype != DType.Float64 && name.Equals("W2", StringComparison.OrdinalIgnoreCase)) continue;
                    var ctx = new RunContext
                    {
                        Threads = t, DType = dtype, Repetitions = reps, WarmUp = warmUp, WarmUpSeconds = warmUpSeconds,
                        Quick = quick, Profile = profile,
                    };
                    s_workloads[name](ctx);
                }
        }
        return 0;
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static int Positive(string option, string s)
    {
        int v = int.Parse(s, CultureInfo.InvariantCulture);
        return v >= 1 ? v : throw new ArgumentException($"{option} must be >= 1, got {s}");
    }
}
