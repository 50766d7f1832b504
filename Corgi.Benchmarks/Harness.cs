using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Corgi.Benchmarks;

/// <summary>The settings of one run, shared by every workload runner.</summary>
internal sealed class RunContext
{
    /// <summary>The thread count being measured (the provider has been set to it already).</summary>
    public required int Threads { get; init; }

    /// <summary>Repetitions of N steps; the median per-step time over them is reported.</summary>
    public required int Repetitions { get; init; }

    /// <summary>Warm-up steps (not timed).</summary>
    public required int WarmUp { get; init; }

    /// <summary>
    /// The warm-up also lasts at least this long. The .NET JIT first runs quickly compiled code and swaps in
    /// optimized (profile-guided) code from a background thread after a delay of about 100 ms; 20 steps
    /// of W2 take about 30 ms, so a warm-up counted in steps only would time the unoptimized code.
    /// </summary>
    public required double WarmUpSeconds { get; init; }

    /// <summary>The dtype being measured (WORKLOADS.md: float64 unless the row says float32).</summary>
    public required DType DType { get; init; }

    /// <summary>"float64" or "float32", for the dtype field of the JSON lines.</summary>
    public string DTypeName => DType.Name();

    /// <summary>
    /// Makes <see cref="DType"/> the process-wide default dtype (<see cref="Tensor.DefaultDType"/>) until disposed, so
    /// the NN toolkit's initializers and the factories make their tensors in it. A process-wide setting, not a
    /// <see cref="Tensor.DefaultDTypeScope(Corgi.DType)"/>: opening a scope once makes every later factory call read
    /// an AsyncLocal, which W2 (run in the same process) would pay for.
    /// </summary>
    public IDisposable UseDType() => new DefaultDTypeRestorer(DType);

    private sealed class DefaultDTypeRestorer : IDisposable
    {
        private readonly DType _previous;

        public DefaultDTypeRestorer(DType dtype)
        {
            _previous = Tensor.DefaultDType;
            Tensor.DefaultDType = dtype;
        }

        public void Dispose() => Tensor.DefaultDType = _previous;
    }

    /// <summary>Smoke-test mode: few steps, figures are not meaningful.</summary>
    public required bool Quick { get; init; }

    /// <summary>Also print the W2 profile line (allocations and forward/backward split).</summary>
    public required bool Profile { get; init; }

    /// <summary>The N of WORKLOADS.md, or a tiny N in quick mode.</summary>
    public int Steps(int n) => Quick ? Math.Min(n, 2) : n;

    /// <summary>
    /// Runs <paramref name="step"/> WarmUp times untimed (and for at least WarmUpSeconds), then Repetitions times N steps, and returns the
    /// median per-step time in milliseconds. A full collection runs before each repetition so one
    /// repetition does not pay for the garbage of the previous one.
    /// </summary>
    public double MedianMsPerStep(int n, Action step) => MedianMsPerStep(n, step, Repetitions, WarmUp, WarmUpSeconds);

    /// <summary>
    /// <see cref="MedianMsPerStep(int, Action)"/> with its own repetition count and warm-up (steps, with no time
    /// floor unless given): for measurements that alternate two steps repetition by repetition.
    /// </summary>
    public double MedianMsPerStep(int n, Action step, int repetitions, int warmUp, double warmUpSeconds = 0)
    {
        n = Steps(n);
        long warmStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmUp || Stopwatch.GetElapsedTime(warmStart).TotalSeconds < warmUpSeconds; i++) step();
        var perStep = new double[repetitions];
        long bytes = 0;
        int gen0 = 0, gen2 = 0;
        var cache0 = BufferCache.Statistics;
        TimeSpan pause = TimeSpan.Zero;
        for (int r = 0; r < repetitions; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long b0 = GC.GetAllocatedBytesForCurrentThread();
            int c0 = GC.CollectionCount(0), c2 = GC.CollectionCount(2);
            var p0 = GC.GetTotalPauseDuration();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) step();
            perStep[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / n;
            bytes += GC.GetAllocatedBytesForCurrentThread() - b0;
            gen0 += GC.CollectionCount(0) - c0;
            gen2 += GC.CollectionCount(2) - c2;
            pause += GC.GetTotalPauseDuration() - p0;
        }
        double steps = (double)n * repetitions;
        var cache1 = BufferCache.Statistics;
        LastAllocation = (bytes / steps, gen0 / steps, gen2 / steps);
        LastGcPauseMs = pause.TotalMilliseconds / steps;
        LastCache = ((cache1.Hits - cache0.Hits) / steps, (cache1.Misses - cache0.Misses) / steps);
        return Median(perStep);
    }

    /// <summary>Bytes allocated (this thread) and collections (gen0, gen2) per timed step of the last measurement.</summary>
    public (double Bytes, double Gen0, double Gen2) LastAllocation { get; private set; }

    /// <summary>Milliseconds per timed step the GC paused the program (GC.GetTotalPauseDuration) in the last measurement.</summary>
    public double LastGcPauseMs { get; private set; }

    /// <summary>Large buffers per timed step of the last measurement: served by the <see cref="BufferCache"/>, and allocated.</summary>
    public (double Hits, double Misses) LastCache { get; private set; }

    /// <summary>"alloc 8.39 MB/step, gen0 1/step, gen2 0.5/step, cache 3 hits 1 miss/step" for the last measurement's note.</summary>
    public string AllocationNote()
    {
        var (hits, misses) = LastCache;
        var (bytes, g0, g2) = LastAllocation;
        string size = bytes >= 1e6 ? (bytes / 1e6).ToString("G3", CultureInfo.InvariantCulture) + " MB"
            : bytes >= 1e3 ? (bytes / 1e3).ToString("G3", CultureInfo.InvariantCulture) + " kB"
            : bytes.ToString("G3", CultureInfo.InvariantCulture) + " B";
        return "alloc " + size + "/step, gen0 " + g0.ToString("G3", CultureInfo.InvariantCulture)
            + "/step, gen2 " + g2.ToString("G3", CultureInfo.InvariantCulture) + "/step, GC pauses "
            + LastGcPauseMs.ToString("G3", CultureInfo.InvariantCulture) + " ms/step, large buffers "
            + hits.ToString("G3", CultureInfo.InvariantCulture) + " cached + " + misses.ToString("G3", CultureInfo.InvariantCulture) + " new/step";
    }

    /// <summary>The median of a few values (the mean of the middle two for an even count).</summary>
    public static double Median(double[] values)
    {
        var v = (double[])values.Clone();
        Array.Sort(v);
        int m = v.Length / 2;
        return v.Length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}

/// <summary>Writes the one-JSON-object-per-line records of WORKLOADS.md.</summary>
internal static class Report
{
    // Keep '>' and '+' readable in notes; the output is a terminal and a JSON-lines file, never HTML.
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Prints {"system": "corgi", "workload": ..., "dtype": ..., "threads": ..., "ms_per_step": ...,
    /// [extra numeric fields,] "note": ...}. A null number is printed as JSON null (no measurement).
    /// </summary>
    public static void Line(string workload, string dtype, int threads, double? msPerStep, string note,
        params (string Key, object? Value)[] extra)
    {
        var fields = new List<(string, object?)>
        {
            ("system", "corgi"), ("workload", workload), ("dtype", dtype), ("threads", threads),
            ("ms_per_step", msPerStep),
        };
        fields.AddRange(extra);
        fields.Add(("note", note));
        Console.Out.WriteLine(Format(fields));
        Console.Out.Flush();
    }

    /// <summary>
    /// Runs <paramref name="step"/> <paramref name="n"/> times with the backward passes timed by forward op, and prints
    /// "<paramref name="workload"/>-backward": the mean ms per step of the slowest ops' local derivatives,
    /// with <paramref name="decimals"/> decimals (3 for workloads whose ops take microseconds).
    /// </summary>
    public static void BackwardByOp(RunContext ctx, string workload, int n, Action step, int decimals = 2)
    {
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        Corgi.Autodiff.BackwardProfile.Start();
        for (int s = 0; s < n; s++) step();
        var ops = Corgi.Autodiff.BackwardProfile.Stop();
        var parts = new List<string>();
        double total = 0;
        foreach (var (_, ms, _) in ops) total += ms / n;
        for (int i = 0; i < ops.Count && i < 14; i++)
            parts.Add(ops[i].Op + " " + (ops[i].Ms / n).ToString(format, CultureInfo.InvariantCulture) + " (" + ops[i].Calls / n + "x)");
        Line(workload + "-backward", ctx.DTypeName, ctx.Threads, null,
            "mean ms per step in local derivatives by forward op (" + total.ToString(format, CultureInfo.InvariantCulture) + " in all): " + string.Join(", ", parts));
    }

    /// <summary>Formats fields as one JSON object with Python's default separators (", " and ": ").</summary>
    public static string Format(IEnumerable<(string Key, object? Value)> fields)
    {
        var sb = new StringBuilder("{");
        bool first = true;
        foreach (var (key, value) in fields)
        {
            if (!first) sb.Append(", ");
            first = false;
            sb.Append(JsonSerializer.Serialize(key, s_json)).Append(": ").Append(value switch
            {
                null => "null",
                string s => JsonSerializer.Serialize(s, s_json),
                int i => i.ToString(CultureInfo.InvariantCulture),
                long l => l.ToString(CultureInfo.InvariantCulture),
                double d when double.IsFinite(d) => Number(d),
                double => "null",
                bool b => b ? "true" : "false",
                _ => JsonSerializer.Serialize(value.ToString(), s_json),
            });
        }
        return sb.Append('}').ToString();
    }

    /// <summary>Six significant digits, invariant culture, always a valid JSON number.</summary>
    public static string Number(double d) => d.ToString("G6", CultureInfo.InvariantCulture);
}
