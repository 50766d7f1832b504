using System;
using System.Threading;

namespace Corgi.Autodiff;

/// <summary>
/// Anomaly detection (PyTorch's <c>detect_anomaly</c>): inside a <see cref="Tensor.DetectAnomalies"/> scope, the
/// first op, forward or backward, that makes NaN or Inf from finite inputs throws, naming the op, the shapes and,
/// in a backward pass, the forward op whose derivative was running.
/// </summary>
/// <remarks>Off by default and free when off: the ops read one process-wide count (zero unless a scope was ever
/// open) before anything else, as <see cref="GradMode"/> does.</remarks>
internal static class AnomalyMode
{
    private static readonly AsyncLocal<int> s_depth = new();
    private static int s_openScopes;

    // The forward op whose local derivative the backward engine is running on this thread, or null.
    [ThreadStatic] internal static string? t_backwardOf;

    /// <summary>Whether a scope may be open anywhere (one memory read); <see cref="IsEnabled"/> says whether here.</summary>
    public static bool MayBeEnabled => Volatile.Read(ref s_openScopes) != 0;

    /// <summary>Whether anomaly detection is on in the current asynchronous flow.</summary>
    public static bool IsEnabled => MayBeEnabled && s_depth.Value > 0;

    public static AnomalyScope Enter()
    {
        Interlocked.Increment(ref s_openScopes);
        s_depth.Value = s_depth.Value + 1;
        return new AnomalyScope(true);
    }

    internal static void Exit()
    {
        s_depth.Value = s_depth.Value - 1;
        Interlocked.Decrement(ref s_openScopes);
    }

    /// <summary>Throws when <paramref name="data"/> has a NaN or Inf and every input is finite.</summary>
    public static void Check(string op, Array data, int[] shape, ReadOnlySpan<Tensor> inputs)
    {
        if (!IsEnabled) return;
        int bad = FirstNonFinite(data);
        if (bad < 0) return;
        foreach (var t in inputs)
            if (t.IsDisposed || FirstNonFinite(t.Data) >= 0) return; // not this op's doing
        throw Anomaly(op, data, bad, shape, inputs);
    }

    /// <summary>Throws when a local derivative returned a NaN or Inf gradient from a finite upstream gradient and finite inputs.</summary>
    public static void CheckGradient(string op, int index, Tensor gradient, Tensor upstream, Tensor[] inputs)
    {
        if (!IsEnabled) return;
        int bad = FirstNonFinite(gradient.Data);
        if (bad < 0 || FirstNonFinite(upstream.Data) >= 0) return;
        foreach (var t in inputs)
            if (FirstNonFinite(t.Data) >= 0) return;
        throw new InvalidOperationException(
            $"anomaly: the backward of {op} gave a {Describe(gradient.Data, bad)} in the gradient of its input {index} "
            + $"(shape {Tensor.FormatShape(gradient.ShapeSpan)}) from a finite upstream gradient of shape {Tensor.FormatShape(upstream.ShapeSpan)} "
            + $"and finite inputs {Shapes(inputs)}");
    }

    private static InvalidOperationException Anomaly(string op, Array data, int bad, int[] shape, ReadOnlySpan<Tensor> inputs)
    {
        var during = t_backwardOf is { } f ? $" while computing the gradient of {f} (backward pass)" : "";
        return new InvalidOperationException(
            $"anomaly: {op} produced {Describe(data, bad)} at element {bad} of its result of shape {Tensor.FormatShape(shape)} "
            + $"from finite inputs {Shapes(inputs)}{during}");
    }

    private static string Shapes(ReadOnlySpan<Tensor> inputs)
    {
        var parts = new string[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) parts[i] = Tensor.FormatShape(inputs[i].ShapeSpan);
        return string.Join(", ", parts);
    }

    private static string Describe(Array data, int i)
    {
        double v = data is float[] f ? f[i] : ((double[])data)[i];
        return double.IsNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
    }

    private static int FirstNonFinite(Array data)
    {
        if (data is float[] f)
        {
            for (int i = 0; i < f.Length; i++) if (!float.IsFinite(f[i])) return i;
            return -1;
        }
        var d = (double[])data;
        for (int i = 0; i < d.Length; i++) if (!double.IsFinite(d[i])) return i;
        return -1;
    }
}

/// <summary>
/// A scope of anomaly detection; obtain it from <see cref="Tensor.DetectAnomalies"/> in a <c>using</c> statement.
/// Scopes nest and flow with async calls.
/// </summary>
public readonly struct AnomalyScope : IDisposable
{
    private readonly bool _active;

    internal AnomalyScope(bool active) => _active = active;

    /// <summary>Ends the scope.</summary>
    public void Dispose()
    {
        if (_active) AnomalyMode.Exit();
    }
}
