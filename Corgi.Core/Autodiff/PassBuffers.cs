using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Corgi.Kernels;

namespace Corgi.Autodiff;

/// <summary>
/// Ownership of the large gradient buffers made during one plain (non-createGraph) backward pass, so the
/// engine can give a spent gradient's buffer back to <see cref="BufferPool"/> the moment it is dead.
/// </summary>
/// <remarks>
/// <para>A buffer is a candidate only if it was rented on this thread while this pass ran the built-in
/// local derivatives: nothing outside the pass has seen it. The engine then counts how many pending-gradient
/// slots hold each candidate (views such as a reshaped gradient share their buffer, so the count is per
/// buffer, not per tensor) and releases a candidate when the tensor that carried it dies with no slot
/// holding it. A candidate that reaches anything the engine does not control (a stored gradient, a
/// gradient handed to <c>Tensor.Gradients</c>' caller, a custom op's user code) escapes and is never
/// released by the pass.</para>
/// <para>Custom ops' backward functions run with registration suspended, so buffers made by user code
/// are never candidates.</para>
/// </remarks>
internal sealed class PassBuffers
{
    // The buffers rented on this thread while the pass runs (BufferPool's rent log), minus those released or escaped.
    private readonly HashSet<Array> _fresh = new(ReferenceEqualityComparer.Instance);
    private Dictionary<Array, int>? _holds;

    /// <summary>Starts recording this thread's rents for a new pass; returns the log it replaces (nested passes).</summary>
    public static HashSet<Array>? Enter(out PassBuffers pass)
    {
        pass = new PassBuffers();
        return BufferPool.SwapRentLog(pass._fresh);
    }

    /// <summary>Ends the current pass or a suspension: puts back the log <see cref="Enter"/> or <see cref="Suspend"/> returned.</summary>
    public static void Restore(HashSet<Array>? previous) => BufferPool.SwapRentLog(previous);

    /// <summary>Stops recording rents (around user code); returns what <see cref="Restore"/> needs.</summary>
    public static HashSet<Array>? Suspend() => BufferPool.SwapRentLog(null);

    /// <summary>A slot now holds <paramref name="gradient"/>.</summary>
    public void Hold(Tensor gradient)
    {
        if (!_fresh.Contains(gradient.Data)) return;
        _holds ??= new Dictionary<Array, int>(ReferenceEqualityComparer.Instance);
        CollectionsMarshal.GetValueRefOrAddDefault(_holds, gradient.Data, out _)++;
    }

    /// <summary>A slot no longer holds <paramref name="gradient"/>.</summary>
    public void Unhold(Tensor gradient)
    {
        if (_holds is null) return;
        ref int count = ref CollectionsMarshal.GetValueRefOrNullRef(_holds, gradient.Data);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count)) return;
        if (--count == 0) _holds.Remove(gradient.Data);
    }

    /// <summary><paramref name="gradient"/>'s buffer is seen outside the engine: never release it.</summary>
    public void Escape(Tensor gradient) => _fresh.Remove(gradient.Data);

    /// <summary>
    /// Whether the buffer is a candidate held by at most <paramref name="slots"/> slots: with
    /// <paramref name="slots"/> 0 nothing in the engine refers to it; with 1, only the slot asking.
    /// </summary>
    public bool IsExclusive(Array buffer, int slots)
    {
        if (!_fresh.Contains(buffer)) return false;
        int held = _holds is not null && _holds.TryGetValue(buffer, out var n) ? n : 0;
        return held <= slots;
    }

    /// <summary>
    /// <paramref name="dead"/> is no longer used: its buffer goes back to the pool if it is a candidate
    /// that no slot holds and that is not the buffer of <paramref name="keep1"/> or <paramref name="keep2"/>
    /// (tensors still in use that may share it).
    /// </summary>
    public void Release(Tensor dead, Tensor? keep1 = null, Tensor? keep2 = null)
    {
        var buffer = dead.Data;
        if (!_fresh.Contains(buffer)) return;
        if ((keep1 is not null && ReferenceEquals(buffer, keep1.Data)) || (keep2 is not null && ReferenceEquals(buffer, keep2.Data))) return;
        if (_holds is not null && _holds.ContainsKey(buffer)) return;
        _fresh.Remove(buffer);
        BufferPool.Return(buffer);
    }
}
