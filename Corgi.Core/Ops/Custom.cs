using System;
using Corgi.Autodiff;

namespace Corgi;

// Custom operations (the seed's Array::op): a forward function plus a backward function.
public sealed partial class Tensor
{
    /// <summary>
    /// Applies a user-defined operation: <paramref name="forward"/> computes the value from the inputs'
    /// values (nothing inside it is recorded), and <paramref name="backward"/> gives each input's gradient.
    /// </summary>
    /// <param name="name">The op's name, used in error messages.</param>
    /// <param name="inputs">The input tensors.</param>
    /// <param name="forward">Computes the result from the inputs.</param>
    /// <param name="backward">Given (inputs, which inputs are tracked, upstream gradient), returns one
    /// gradient per input (of the input's shape, or of the result's shape when the input was broadcast),
    /// or null for inputs that need none. Written with tensor operations it can itself be differentiated.</param>
    /// <exception cref="ArgumentException">backward returned the wrong number of gradients.</exception>
    /// <remarks>
    /// In a <see cref="DisposeScope"/>, the tensors <paramref name="forward"/> makes stay alive as long as the result's
    /// graph does, so <paramref name="backward"/> may capture them; a tensor it captures that was made elsewhere in
    /// the scope must be kept by the caller (<see cref="DetachFromDisposeScope"/>) if the result outlives the scope.
    /// </remarks>
    /// <example>
    /// <code>
    /// // y = x^3 with its derivative 3x^2
    /// var y = Tensor.Custom("cube", new[] { x },
    ///     xs =&gt; xs[0] * xs[0] * xs[0],
    ///     (xs, tracked, g) =&gt; new Tensor?[] { g * 3.0 * xs[0] * xs[0] });
    /// </code>
    /// </example>
    public static Tensor Custom(string name, Tensor[] inputs, Func<Tensor[], Tensor> forward, Func<Tensor[], bool[], Tensor, Tensor?[]> backward)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        var ins = (Tensor[])inputs.Clone();
        Tensor value;
        // the tensors the forward makes in the current dispose scope: backward may have captured them
        var scope = DisposeScope.Current;
        int mark = scope?.Recorded ?? 0;
        using (NoGrad())
        {
            value = forward(ins) ?? throw new InvalidOperationException($"{name}: the forward function returned null");
        }
        bool record = false;
        if (GradMode.IsEnabled)
            foreach (var t in ins) record |= t.IsTracked;
        if (!record) return value.Untracked();
        return new Tensor(value.Data, value._shape, new Node(name, ins, (g, _) =>
        {
            var tracked = new bool[ins.Length];
            for (int i = 0; i < ins.Length; i++) tracked[i] = ins[i].IsTracked;
            var grads = backward(ins, tracked, g);
            if (grads is null || grads.Length != ins.Length)
                throw new ArgumentException($"{name}: the backward function returned {grads?.Length ?? 0} gradients for {ins.Length} inputs");
            return grads;
        }) { Saved = scope?.MadeSince(mark) });
    }
}
