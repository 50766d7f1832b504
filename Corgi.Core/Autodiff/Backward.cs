using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading;
using Corgi.Autodiff;

using Corgi.Kernels;

namespace Corgi;

public sealed partial class Tensor
{
    private static int s_backwardMark;

    // The marks of the passes running on this thread (a pass nested in a custom op's backward runs
    // while the outer one waits); see CountConsumers.
    [ThreadStatic] private static List<int>? t_runningMarks;

    // The marks of the passes running now on any thread, and how many there are (read first, so that the
    // common case, one pass at a time, never takes the lock). A tensor whose VisitMark is live belongs to
    // that pass: another thread's pass keeps its own scratch state for it on the side (SideScratch).
    private static readonly HashSet<int> s_liveMarks = new();
    private static int s_liveCount;

    /// <summary>A pass's scratch state for a tensor whose own scratch fields another thread's live pass is using.</summary>
    private sealed class SideScratch
    {
        public int Consumers;
        public Tensor? Pending;
        public bool Owned;
    }

    private static bool IsLiveElsewhere(int otherMark)
    {
        if (otherMark == 0 || Volatile.Read(ref s_liveCount) < 2) return false;
        lock (s_liveMarks) return s_liveMarks.Contains(otherMark);
    }

    /// <summary>
    /// Opens a scope in which no operation records a graph: <c>using (Tensor.NoGrad()) { ... }</c>.
    /// </summary>
    public static NoGradScope NoGrad() => GradMode.Disable();

    /// <summary>Whether operations record the graph here (false inside <see cref="NoGrad"/>).</summary>
    public static bool IsGradEnabled => GradMode.IsEnabled;

    /// <summary>
    /// Runs the backward pass from this tensor: accumulates d(this)/d(leaf), contracted with the seed, into
    /// the <see cref="Gradient"/> of every tracked leaf it depends on (and of this tensor, and of
    /// intermediates that asked with <see cref="RetainGradient"/>).
    /// </summary>
    /// <param name="seed">The upstream gradient, of this tensor's shape; null seeds with ones (the seed's <c>backward(None)</c>).</param>
    /// <param name="createGraph">Record the backward pass itself, so that the gradients are tracked and
    /// can be differentiated again (Hessian-vector products, higher derivatives).</param>
    /// <exception cref="InvalidOperationException">This tensor is not tracked.</exception>
    /// <exception cref="TensorShapeException">The seed's shape differs from this tensor's.</exception>
    /// <remarks>
    /// The traversal is iterative (graphs of millions of chained operations are fine) and counts each
    /// node's consumers first, so a node's gradient is complete, summed over all its uses, before it
    /// propagates further. A backward pass is not thread-safe with another pass over the same graph.
    /// </remarks>
    public void Backward(Tensor? seed = null, bool createGraph = false) => Propagate(seed, createGraph, collect: null);

    /// <summary>
    /// The gradients of <paramref name="output"/> (contracted with <paramref name="seed"/>) with respect to
    /// <paramref name="inputs"/>, returned instead of accumulated: no tensor's <see cref="Gradient"/> changes
    /// (like <c>torch.autograd.grad</c>). Functional differentiation (F#'s <c>grad</c>, <c>hessian</c>) is
    /// built on it, so that nested uses leave nothing behind.
    /// </summary>
    /// <param name="output">The tensor to differentiate.</param>
    /// <param name="inputs">The tensors to differentiate with respect to (leaves or intermediates of output's graph).</param>
    /// <param name="seed">The upstream gradient, of output's shape; null seeds with ones.</param>
    /// <param name="createGraph">Record the backward pass, so that the returned gradients are tracked and can be
    /// differentiated again (nested grad, Hessians).</param>
    /// <returns>One gradient per input, of the input's shape, or null for an input that output does not depend on
    /// (also when output is not tracked at all).</returns>
    /// <exception cref="TensorShapeException">The seed's shape differs from output's.</exception>
    /// <example>
    /// <code>
    /// var x = Tensor.Of(3.0).Tracked();
    /// var dx = Tensor.Gradients(x * x, new[] { x }, createGraph: true)[0]; // [6], tracked
    /// var d2x = Tensor.Gradients(dx, new[] { x })[0];                       // [2]
    /// // x.Gradient is still null
    /// </code>
    /// </example>
    public static Tensor?[] Gradients(Tensor output, Tensor[] inputs, Tensor? seed = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs) ArgumentNullException.ThrowIfNull(input, nameof(inputs));
        var result = new Tensor?[inputs.Length];
        if (!output._tracked) return result;
        output.Propagate(seed, createGraph, (t, g) =>
        {
            bool kept = false;
            for (int i = 0; i < inputs.Length; i++)
                if (ReferenceEquals(inputs[i], t)) { result[i] = g; kept = true; }
            return kept;
        });
        return result;
    }

    /// <summary>
    /// The backward pass. With <paramref name="collect"/> null, complete gradients are accumulated into the
    /// tensors that keep theirs; otherwise each complete gradient is handed to collect (which says whether
    /// it kept it) and nothing is stored.
    /// </summary>
    /// <remarks>
    /// Without createGraph, the large buffers the local derivatives make are tracked by a
    /// <see cref="PassBuffers"/>: a gradient that has been propagated (or summed into another) and that
    /// nothing else holds goes back to the buffer pool at once, so the next operation reuses warm memory.
    /// </remarks>
    private void Propagate(Tensor? seed, bool createGraph, Func<Tensor, Tensor, bool>? collect)
    {
        if (!_tracked)
            throw new InvalidOperationException(
                $"backward: the tensor of shape {ShapeUtil.Format(_shape)} is not tracked; call Tracked() on its inputs (or StartTracking()) before computing it");
        if (seed is not null && !ShapeUtil.SameShape(seed._shape, _shape))
            throw new TensorShapeException(
                $"backward: the seed has shape {ShapeUtil.Format(seed._shape)} but the tensor has shape {ShapeUtil.Format(_shape)}");
        // the seed takes this tensor's dtype (a gradient has its tensor's dtype)
        seed = seed is null ? Full(_shape, 1.0, _dtype) : seed.DType == _dtype ? seed : seed.Detach().To(_dtype);

        int mark = Interlocked.Increment(ref s_backwardMark);
        lock (s_liveMarks) s_liveMarks.Add(mark);
        Interlocked.Increment(ref s_liveCount);
        var runningMarks = t_runningMarks ??= new List<int>();
        List<ScratchState>? saved = null;
        Dictionary<Tensor, SideScratch>? side = null;
        List<Tensor> order;
        try
        {
            order = CountConsumers(this, mark, runningMarks.Count > 0 ? runningMarks : null, ref saved, ref side);
        }
        catch
        {
            EndLive(mark);
            throw;
        }
        runningMarks.Add(mark);

        bool previous = createGraph ? false : GradMode.EnterPlainBackward();
        PassBuffers? buffers = null;
        HashSet<Array>? interrupted = createGraph ? null : PassBuffers.Enter(out buffers);
        try
        {
            if (side is not null && side.TryGetValue(this, out var rootSide)) rootSide.Pending = seed;
            else PendingGradient = seed;
            var ready = new Stack<Tensor>();
            ready.Push(this);
            while (ready.Count > 0)
            {
                // Every consumer of t has been processed, so its gradient is complete (or null when no
                // consumer sent it any: it is still popped, so that its inputs' counts go down).
                var t = ready.Pop();
                Tensor? g;
                if (side is not null && side.TryGetValue(t, out var ts)) { g = ts.Pending; ts.Pending = null; }
                else { g = t.PendingGradient; t.PendingGradient = null; }
                if (g is not null)
                {
                    buffers?.Unhold(g);
                    if (collect is not null)
                    {
                        if (collect(t, g)) buffers?.Escape(g);
                    }
                    else if (t.KeepsGradient || ReferenceEquals(t, this)) t.AccumulateGradient(g, buffers);
                }
                var node = t.Node;
                if (node is not null)
                {
                    var inputs = node.Inputs;
                    Tensor?[]? all = null;
                    if (g is not null && node.AllInputs is not null)
                    {
                        // user code (a custom op's backward): it may keep what it sees or makes
                        buffers?.Escape(g);
                        var running = PassBuffers.Suspend();
                        long profileStart = BackwardProfile.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                        try { all = node.AllInputs(g, t); }
                        finally { PassBuffers.Restore(running); }
                        if (profileStart != 0) BackwardProfile.Record(node.Op, profileStart);
                    }
                    for (int i = 0; i < inputs.Length; i++)
                    {
                        var input = inputs[i];
                        if (!input._tracked) continue;
                        // this pass's scratch state of the input: its own fields, or the side entry
                        SideScratch? si = null;
                        if (input.VisitMark != mark && (side is null || !side.TryGetValue(input, out si))) continue;
                        if (g is not null)
                        {
                            // an all-inputs node was timed as a whole above
                            long profileStart = BackwardProfile.Enabled && all is null ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                            Tensor? gi;
                            if (!AnomalyMode.MayBeEnabled) gi = all is not null ? all[i] : node.PerInput!(g, t, inputs, i);
                            else
                            {
                                // name the forward op in any anomaly its derivative's ops raise, then check what it returned
                                var outer = AnomalyMode.t_backwardOf;
                                AnomalyMode.t_backwardOf = node.Op;
                                try { gi = all is not null ? all[i] : node.PerInput!(g, t, inputs, i); }
                                finally { AnomalyMode.t_backwardOf = outer; }
                                if (gi is not null) AnomalyMode.CheckGradient(node.Op, i, gi, g, inputs);
                            }
                            if (gi is not null)
                            {
                                var reduced = gi.ReduceToShape(node.Op, input._shape);
                                if (buffers is not null && !ReferenceEquals(reduced, gi)) buffers.Release(gi, g, reduced);
                                // a gradient has its tensor's dtype: an op that promoted (or a custom op) may return another
                                if (reduced._dtype != input._dtype)
                                {
                                    var converted = reduced.To(input._dtype);
                                    buffers?.Release(reduced, g);
                                    reduced = converted;
                                }
                                if (si is null) input.AddPendingGradient(ref input.PendingGradient, ref input._pendingOwned, reduced, g, buffers);
                                else input.AddPendingGradient(ref si.Pending, ref si.Owned, reduced, g, buffers);
                            }
                            if (profileStart != 0) BackwardProfile.Record(node.Op, profileStart);
                        }
                        if ((si is null ? --input.PendingConsumers : --si.Consumers) == 0) ready.Push(input);
                    }
                }
                // t's gradient has been stored, collected or propagated: its buffer is spent unless shared.
                if (g is not null) buffers?.Release(g);
            }
        }
        finally
        {
            if (!createGraph)
            {
                PassBuffers.Restore(interrupted);
                GradMode.ExitPlainBackward(previous);
            }
            // Leave no partial gradients behind if a local derivative threw.
            foreach (var t in order) t.PendingGradient = null;
            runningMarks.RemoveAt(runningMarks.Count - 1);
            // A nested pass gives the tensors it shares with the passes it interrupted their state back.
            if (saved is not null)
                for (int i = saved.Count - 1; i >= 0; i--) saved[i].Restore();
            EndLive(mark);
        }
    }

    private static void EndLive(int mark)
    {
        lock (s_liveMarks) s_liveMarks.Remove(mark);
        Interlocked.Decrement(ref s_liveCount);
    }

    /// <summary>
    /// Sums one more contribution into the gradient a node is collecting. With createGraph the sum is a
    /// recorded op; otherwise it is taken in place in a buffer only the engine holds (the first
    /// contribution's, when no one else holds it, or one made on the second contribution), so a node used
    /// n times costs at most one buffer, not n-1 tensors.
    /// </summary>
    /// <param name="g">The contribution.</param>
    /// <param name="upstream">The upstream gradient of the node sending g, still being read (it may share g's buffer).</param>
    /// <param name="buffers">The pass's buffer ownership; null with createGraph.</param>
    /// <param name="pendingGradient">The pass's pending gradient of this tensor (its own field, or its side entry's).</param>
    /// <param name="pendingOwned">Whether the engine alone holds <paramref name="pendingGradient"/>'s buffer (the same slot's flag).</param>
    private void AddPendingGradient(ref Tensor? pendingGradient, ref bool pendingOwned, Tensor g, Tensor upstream, PassBuffers? buffers)
    {
        var pending = pendingGradient;
        if (pending is null)
        {
            pendingGradient = g;
            pendingOwned = false;
            buffers?.Hold(g);
        }
        else if (buffers is null)
        {
            pendingGradient = pending.Add(g);
        }
        else if (pendingOwned
            || (!ReferenceEquals(pending.Data, upstream.Data) && !ReferenceEquals(pending.Data, g.Data) && buffers.IsExclusive(pending.Data, 1)))
        {
            if (_dtype == DType.Float32) TensorPrimitives.Add(pending.F32, g.F32, pending.F32);
            else TensorPrimitives.Add(pending.F64, g.F64, pending.F64);
            pendingOwned = true;
            buffers.Release(g, upstream, pending);
        }
        else
        {
            Array sum;
            if (_dtype == DType.Float32) { var f = Buffers.Uninitialized<float>(Count); TensorPrimitives.Add(pending.F32, g.F32, f); sum = f; }
            else { var d = Buffers.Uninitialized<double>(Count); TensorPrimitives.Add(pending.F64, g.F64, d); sum = d; }
            var summed = new Tensor(sum, _shape);
            buffers.Unhold(pending);
            buffers.Hold(summed);
            pendingGradient = summed;
            pendingOwned = true;
            buffers.Release(pending, upstream);
            buffers.Release(g, upstream, pending);
        }
    }

    /// <summary>
    /// Marks every tracked tensor reachable from the root and counts its consumers in this graph. A tensor
    /// that belongs to a pass still running on this thread (<paramref name="running"/>: this pass is nested
    /// in a custom op's backward) has its scratch state saved first, for the nested pass to restore. A tensor
    /// that belongs to a pass running on another thread (a shared leaf of two graphs differentiated at once)
    /// keeps this pass's state in <paramref name="side"/>, so neither pass writes the other's. Returns the
    /// tensors whose own scratch fields this pass uses.
    /// </summary>
    private static List<Tensor> CountConsumers(Tensor root, int mark, List<int>? running,
        ref List<ScratchState>? saved, ref Dictionary<Tensor, SideScratch>? side)
    {
        var seen = new List<Tensor>();
        var stack = new Stack<Tensor>();
        Visit(root, mark, running, ref saved, ref side, seen);
        stack.Push(root);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.Node is null) continue;
            foreach (var input in t.Node.Inputs)
            {
                if (!input._tracked) continue;
                if (Visit(input, mark, running, ref saved, ref side, seen)) stack.Push(input);
                if (side is not null && side.TryGetValue(input, out var s)) s.Consumers++;
                else input.PendingConsumers++;
            }
        }
        return seen;
    }

    /// <summary>Claims <paramref name="t"/> for this pass on its first visit (true), or does nothing when it was visited already (false).</summary>
    private static bool Visit(Tensor t, int mark, List<int>? running, ref List<ScratchState>? saved,
        ref Dictionary<Tensor, SideScratch>? side, List<Tensor> seen)
    {
        while (true)
        {
            int old = Volatile.Read(ref t.VisitMark);
            if (old == mark || (side is not null && side.ContainsKey(t))) return false;
            bool nested = running is not null && running.Contains(old);
            if (!nested && IsLiveElsewhere(old))
            {
                (side ??= new Dictionary<Tensor, SideScratch>(ReferenceEqualityComparer.Instance)).Add(t, new SideScratch());
                return true;
            }
            var state = nested ? new ScratchState(t) : default;
            if (Interlocked.CompareExchange(ref t.VisitMark, mark, old) != old) continue; // another pass claimed it first
            if (nested) (saved ??= new()).Add(state);
            t.PendingConsumers = 0;
            t.PendingGradient = null;
            seen.Add(t);
            return true;
        }
    }

    /// <summary>A tensor's backward scratch state, as an interrupted pass left it.</summary>
    private readonly struct ScratchState(Tensor tensor)
    {
        private readonly int _mark = tensor.VisitMark, _consumers = tensor.PendingConsumers;
        private readonly Tensor? _pending = tensor.PendingGradient;
        private readonly bool _owned = tensor._pendingOwned;

        public void Restore()
        {
            tensor.VisitMark = _mark;
            tensor.PendingConsumers = _consumers;
            tensor.PendingGradient = _pending;
            tensor._pendingOwned = _owned;
        }
    }

    /// <summary>Sums a broadcast gradient back down to an input's shape (once, here, not in every op).</summary>
    internal Tensor ReduceToShape(string op, int[] shape)
    {
        if (ShapeUtil.SameShape(_shape, shape)) return this;
        if (!ShapeUtil.BroadcastsTo(shape, _shape))
            throw new InvalidOperationException(
                $"backward: the local derivative of {op} returned shape {ShapeUtil.Format(_shape)}, which does not reduce to the input's shape {ShapeUtil.Format(shape)}");
        return SumTo(shape);
    }

    // ---------------------------------------------------------------- recording helpers for the ops

    internal static Tensor Result(string op, Array data, int[] shape, Tensor a, LocalGradient derivative)
    {
        if (AnomalyMode.MayBeEnabled) AnomalyMode.Check(op, data, shape, new[] { a });
        return Records(a) ? new Tensor(data, shape, new Node(op, new[] { a }, derivative)) : new Tensor(data, shape);
    }

    internal static Tensor Result(string op, Array data, int[] shape, Tensor a, Tensor b, LocalGradient derivative)
    {
        if (AnomalyMode.MayBeEnabled) AnomalyMode.Check(op, data, shape, new[] { a, b });
        return Records(a, b) ? new Tensor(data, shape, new Node(op, new[] { a, b }, derivative)) : new Tensor(data, shape);
    }

    /// <summary>
    /// Opens a scope of anomaly detection, like PyTorch's <c>detect_anomaly</c>: in it, the first op (forward,
    /// or a local derivative in a backward pass) that makes NaN or Inf from finite inputs throws an
    /// <see cref="InvalidOperationException"/> naming the op, the shapes and, in a backward pass, the forward op
    /// whose gradient was being computed. Costs a scan of every result while open; nothing when closed.
    /// </summary>
    /// <example><code>
    /// using (Tensor.DetectAnomalies())
    /// {
    ///     var loss = model.Forward(x).Log().Sum(); // throws here if a log meets 0
    ///     loss.Backward();
    /// }
    /// </code></example>
    public static AnomalyScope DetectAnomalies() => AnomalyMode.Enter();

    /// <summary>Whether anomaly detection is on here (inside a <see cref="DetectAnomalies"/> scope).</summary>
    public static bool IsDetectingAnomalies => AnomalyMode.IsEnabled;

    /// <summary>Records on <paramref name="result"/>'s node (if any) a tensor its local derivative reads besides its inputs (see <see cref="Node.Saved"/>).</summary>
    internal static Tensor Saving(Tensor result, Tensor? saved)
    {
        if (saved is not null && result.Node is not null) result.Node.Saved = new[] { saved };
        return result;
    }

    /// <summary>
    /// The result of a fused op, whose derivative is a kernel that computes every input's gradient at once
    /// (<paramref name="kernelGradients"/>, given the upstream gradient; null for an input that gets none). A kernel is
    /// not recorded, so in a backward pass that records its graph (<c>createGraph</c>) the gradients come from
    /// differentiating <paramref name="definition"/>, the same function written with tensor ops, and second derivatives
    /// work as for any other op.
    /// </summary>
    internal static Tensor FusedResult(string op, Array data, int[] shape, Tensor[] inputs,
        Func<Tensor, Tensor?[]> kernelGradients, Func<Tensor[], Tensor> definition)
    {
        if (AnomalyMode.MayBeEnabled) AnomalyMode.Check(op, data, shape, inputs);
        bool record = false;
        if (GradMode.IsEnabled)
            foreach (var t in inputs) record |= t._tracked;
        if (!record) return new Tensor(data, shape);
        return new Tensor(data, shape, new Node(op, inputs, (g, _) =>
            GradMode.IsEnabled ? Gradients(definition(inputs), inputs, g, createGraph: true) : kernelGradients(g)));
    }

    internal static Tensor Result(string op, Array data, int[] shape, Tensor[] inputs, LocalGradient derivative)
    {
        if (AnomalyMode.MayBeEnabled) AnomalyMode.Check(op, data, shape, inputs);
        if (GradMode.IsEnabled)
            foreach (var t in inputs)
                if (t._tracked) return new Tensor(data, shape, new Node(op, inputs, derivative));
        return new Tensor(data, shape);
    }
}
