using System;
using System.Threading;

namespace Corgi.Autodiff;

/// <summary>Whether operations record the graph in the current asynchronous flow.</summary>
/// <remarks>
/// The scope state is an AsyncLocal so that it flows with async calls. Reading an AsyncLocal costs more
/// than a whole scalar op, so two cheaper checks come first: a process-wide count of open scopes (zero
/// almost always), and a thread-static flag the backward engine sets while it runs the local derivatives
/// (a backward pass runs on one thread and must record nothing unless asked to create a graph).
/// </remarks>
internal static class GradMode
{
    private static readonly AsyncLocal<int> s_disabledDepth = new();
    private static int s_openScopes;

    [ThreadStatic] private static bool t_inPlainBackward;

    public static bool IsEnabled =>
        !t_inPlainBackward && (Volatile.Read(ref s_openScopes) == 0 || s_disabledDepth.Value == 0);

    public static NoGradScope Disable()
    {
        Interlocked.Increment(ref s_openScopes);
        s_disabledDepth.Value = s_disabledDepth.Value + 1;
        return new NoGradScope(true);
    }

    internal static void Exit()
    {
        s_disabledDepth.Value = s_disabledDepth.Value - 1;
        Interlocked.Decrement(ref s_openScopes);
    }

    /// <summary>Marks this thread as running a backward pass that records nothing; returns the previous state.</summary>
    internal static bool EnterPlainBackward()
    {
        var was = t_inPlainBackward;
        t_inPlainBackward = true;
        return was;
    }

    internal static void ExitPlainBackward(bool previous) => t_inPlainBackward = previous;
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
