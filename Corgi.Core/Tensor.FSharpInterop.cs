using System;
using System.Collections.Generic;

namespace Corgi;

// Members that F# (and functional-style callers) need beyond the instance API:
// - static Pow/Exp/Log/Sqrt/Abs/Tanh, which F#'s `**`, `exp`, `log`, `sqrt`, `abs` and `tanh` look up
//   as static members of the operand's type (statically resolved member constraints);
// - Gradients, which returns d(output)/d(inputs) without accumulating into any tensor's Gradient,
//   so that grad/jacobian/hessian in Corgi.FSharp can nest without leaving gradients behind.
public sealed partial class Tensor
{
    /// <summary>Element-wise power with a scalar exponent, <c>x.Pow(exponent)</c>; F#'s <c>x ** 2.0</c> calls this.</summary>
    public static Tensor Pow(Tensor x, double exponent)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Pow(exponent);
    }

    /// <summary>Element-wise power with a tensor exponent and broadcasting, <c>x.Pow(exponent)</c>; F#'s <c>x ** y</c> calls this.</summary>
    public static Tensor Pow(Tensor x, Tensor exponent)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Pow(exponent);
    }

    /// <summary>Element-wise e^x, <c>x.Exp()</c>; F#'s <c>exp x</c> calls this.</summary>
    public static Tensor Exp(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Exp();
    }

    /// <summary>Element-wise natural logarithm, <c>x.Log()</c>; F#'s <c>log x</c> calls this.</summary>
    public static Tensor Log(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Log();
    }

    /// <summary>Element-wise square root, <c>x.Sqrt()</c>; F#'s <c>sqrt x</c> calls this.</summary>
    public static Tensor Sqrt(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Sqrt();
    }

    /// <summary>Element-wise absolute value, <c>x.Abs()</c>; F#'s <c>abs x</c> calls this.</summary>
    public static Tensor Abs(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Abs();
    }

    /// <summary>Element-wise hyperbolic tangent, <c>x.Tanh()</c>; F#'s <c>tanh x</c> calls this.</summary>
    public static Tensor Tanh(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Tanh();
    }

    /// <summary>
    /// The gradients of <paramref name="output"/> (contracted with <paramref name="seed"/>) with respect to
    /// <paramref name="inputs"/>, returned instead of accumulated: after the call every tensor's
    /// <see cref="Gradient"/> is what it was before (like <c>torch.autograd.grad</c>).
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
        var result = new Tensor?[inputs.Length];
        if (!output._tracked) return result;

        // Save and clear the gradient of every tensor the pass can write to, and ask the inputs to keep theirs.
        var saved = new List<(Tensor Tensor, Tensor? Gradient, bool Retains)>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>();
        void Visit(Tensor t)
        {
            if (!seen.Add(t)) return;
            saved.Add((t, t._gradient, t._retainsGradient));
            t._gradient = null;
            stack.Push(t);
        }
        Visit(output);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.Node is null) continue;
            foreach (var input in t.Node.Inputs)
                if (input._tracked) Visit(input);
        }
        foreach (var input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            if (!seen.Contains(input)) continue;
            input._retainsGradient = true;
        }

        try
        {
            output.Backward(seed, createGraph);
            for (int i = 0; i < inputs.Length; i++)
                if (seen.Contains(inputs[i])) result[i] = inputs[i]._gradient;
        }
        finally
        {
            foreach (var (t, g, retains) in saved)
            {
                t._gradient = g;
                t._retainsGradient = retains;
            }
        }
        return result;
    }
}
