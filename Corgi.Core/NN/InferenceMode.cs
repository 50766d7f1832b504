using System;
using System.Threading;

namespace Corgi.NN;

/// <summary>
/// Evaluation mode as a scope rather than a switch: inside <see cref="Enter"/>, every layer with a training mode
/// (<see cref="ITrainingModeLayer"/>: dropout, batch normalization) behaves as in evaluation whatever its
/// <see cref="ITrainingModeLayer.Training"/> flag says. <see cref="Model.Predict"/> and the other inference
/// methods use it, so many threads can predict with one model at once without changing its mode.
/// </summary>
/// <remarks>The scope is an AsyncLocal (it flows with <c>await</c> and is private to each thread's flow), with a
/// process-wide count read first so that the common case costs one memory read.</remarks>
public static class InferenceMode
{
    private static readonly AsyncLocal<int> s_depth = new();
    private static int s_openScopes;

    /// <summary>Whether evaluation mode is forced here.</summary>
    public static bool IsActive => Volatile.Read(ref s_openScopes) != 0 && s_depth.Value > 0;

    /// <summary>Forces evaluation mode in the current flow until the returned scope is disposed.</summary>
    public static Scope Enter()
    {
        Interlocked.Increment(ref s_openScopes);
        s_depth.Value = s_depth.Value + 1;
        return new Scope(true);
    }

    /// <summary>Whether a layer whose own flag is <paramref name="training"/> should train here.</summary>
    public static bool Trains(bool training) => training && !IsActive;

    /// <summary>An inference scope; dispose it to end it.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _active;

        internal Scope(bool active) => _active = active;

        /// <summary>Ends the scope.</summary>
        public void Dispose()
        {
            if (!_active) return;
            s_depth.Value = s_depth.Value - 1;
            Interlocked.Decrement(ref s_openScopes);
        }
    }
}
