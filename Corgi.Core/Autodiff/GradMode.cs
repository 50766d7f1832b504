using System;
using System.Threading;

namespace Corgi.Autodiff;

/// <summary>Whether operations record the graph in the current asynchronous flow.</summary>
internal static class GradMode
{
    private static readonly AsyncLocal<int> s_disabledDepth = new();

    public static bool IsEnabled => s_disabledDepth.Value == 0;

    public static NoGradScope Disable()
    {
        s_disabledDepth.Value = s_disabledDepth.Value + 1;
        return new NoGradScope(true);
    }

    internal static void Exit() => s_disabledDepth.Value = s_disabledDepth.Value - 1;
}

/// <summary>
/// A scope in which no operation records a graph (results are untracked); obtain it from
/// <see cref="Tensor.NoGrad"/> in a <c>using</c> statement. Scopes nest and flow with async calls.
/// </summary>
public readonly struct NoGradScope : IDisposable
{
    private readonly bool _active;

    internal NoGradScope(bool active) => _active = active;

    /// <summary>Ends the scope.</summary>
    public void Dispose()
    {
        if (_active) GradMode.Exit();
    }
}
