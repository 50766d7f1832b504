using System;
using System.Diagnostics.CodeAnalysis;

namespace Corgi;

// Dispose scopes: deterministic reuse of the buffers of a loop's intermediate results (see DisposeScope).
public sealed partial class Tensor
{
    /// <summary>
    /// Opens a <see cref="DisposeScope"/> on this thread: the tensors made until it is disposed are disposed
    /// with it, and their large buffers reused (TorchSharp's <c>torch.NewDisposeScope()</c>).
    /// </summary>
    /// <example><code>using (Tensor.NewDisposeScope()) { a.MatMul(b).Sum().Backward(); }</code></example>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Whether this tensor was disposed with its <see cref="DisposeScope"/> (its values are gone; its shape remains).</summary>
    public bool IsDisposed => _data is null;

    /// <summary>
    /// Hands this tensor to the scope enclosing the one it was made in, or detaches it when there is none.
    /// Returns this tensor. A tensor in no scope is returned unchanged.
    /// </summary>
    public Tensor MoveToOuterDisposeScope()
    {
        Scope?.MoveToOuter(this);
        return this;
    }

    /// <summary>Takes this tensor out of its <see cref="DisposeScope"/>: no scope will dispose it. Returns this tensor.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope?.Forget(this);
        return this;
    }

    /// <summary>The values, or null when disposed (for the scope's own bookkeeping).</summary>
    internal Array? DataOrNull => _data;

    /// <summary>
    /// Disposes this tensor (called by its scope only): forgets its values and returns the buffer that held
    /// them, for the scope to decide whether to reuse. An owned, never-read gradient goes back to the cache.
    /// </summary>
    internal Array? Dispose()
    {
        var data = _data;
        _data = null;
        Scope = null;
        ClearGradient();
        return data;
    }

    [DoesNotReturn]
    private Array ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(Tensor),
            $"the tensor of shape {ShapeUtil.Format(_shape)} was disposed when its DisposeScope ended; "
            + "call DetachFromDisposeScope() or MoveToOuterDisposeScope() on tensors used after the scope");
}
