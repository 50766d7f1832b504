using System;
using System.Numerics;

namespace Corgi.NN;

/// <summary>
/// Adam (Kingma and Ba): d = g + λ·p; m ← β1·m + (1-β1)·d; v ← β2·v + (1-β2)·d²;
/// p ← p - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε), with t the parameter's step count.
/// </summary>
/// <example><c>var adam = new Adam(1e-3);</c></example>
public class Adam : Optimizer
{
    /// <summary>Creates an Adam optimizer.</summary>
    /// <param name="learningRate">The step size (default 1e-3).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">L2 coefficient λ added to the gradient.</param>
    /// <exception cref="ArgumentOutOfRangeException">A β outside [0, 1) or a negative ε.</exception>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0) : base(learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"adam: beta1 must be in [0, 1), got {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), $"adam: beta2 must be in [0, 1), got {beta2}");
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"adam: epsilon must be non-negative, got {epsilon}");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon { get; }

    /// <summary>Whether weight decay is decoupled from the gradient (AdamW) instead of added to it.</summary>
    protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    /// <remarks>The bias corrections 1 - β^t are computed in double, then the element-wise rule runs in the
    /// parameter's type with its moments stored in that type (as PyTorch does for float32).</remarks>
    protected override void Step<T>(ReadOnlySpan<T> value, ReadOnlySpan<T> gradient, ParameterState state, Span<T> result)
    {
        var m = state.Buffer<T>("m", value.Length);
        var v = state.Buffer<T>("v", value.Length);
        int t = state.Step;
        T c1 = Of<T>(1 - Math.Pow(Beta1, t)), c2 = Of<T>(1 - Math.Pow(Beta2, t));
        double lrD = LearningRate, wdD = WeightDecay;
        T lr = Of<T>(lrD);
        T decay = Of<T>(DecoupledWeightDecay ? 1 - lrD * wdD : 1);
        T l2 = Of<T>(DecoupledWeightDecay ? 0 : wdD);
        T b1 = Of<T>(Beta1), rest1 = Of<T>(1 - Beta1), b2 = Of<T>(Beta2), rest2 = Of<T>(1 - Beta2), eps = Of<T>(Epsilon);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // the scalar loop's operations in the same order, a vector at a time: the same values to the bit
            var (l2v, b1v, rest1v, b2v, rest2v) = (new Vector<T>(l2), new Vector<T>(b1), new Vector<T>(rest1), new Vector<T>(b2), new Vector<T>(rest2));
            var (c1v, c2v, lrv, decayv, epsv) = (new Vector<T>(c1), new Vector<T>(c2), new Vector<T>(lr), new Vector<T>(decay), new Vector<T>(eps));
            var ms = m.AsSpan();
            var vs = v.AsSpan();
            for (; i <= value.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var p = new Vector<T>(value.Slice(i));
                var d = new Vector<T>(gradient.Slice(i)) + l2v * p;
                var mi = b1v * new Vector<T>(ms.Slice(i)) + rest1v * d;
                var vi = b2v * new Vector<T>(vs.Slice(i)) + rest2v * d * d;
                mi.CopyTo(ms.Slice(i));
                vi.CopyTo(vs.Slice(i));
                (p * decayv - lrv * (mi / c1v) / (Vector.SquareRoot(vi / c2v) + epsv)).CopyTo(result.Slice(i));
            }
        }
        for (; i < value.Length; i++)
        {
            T d = gradient[i] + l2 * value[i];
            m[i] = b1 * m[i] + rest1 * d;
            v[i] = b2 * v[i] + rest2 * d * d;
            T mHat = m[i] / c1, vHat = v[i] / c2;
            result[i] = value[i] * decay - lr * mHat / (T.Sqrt(vHat) + eps);
        }
    }
}

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, p ← p·(1 - lr·λ) before the Adam
/// step (computed from the gradient alone). The default λ is 0.01.
/// </summary>
/// <example><c>var adamw = new AdamW(1e-3, weightDecay: 0.01);</c></example>
public sealed class AdamW : Adam
{
    /// <summary>Creates an AdamW optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="beta1">Decay of the first-moment estimate.</param>
    /// <param name="beta2">Decay of the second-moment estimate.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled decay coefficient λ.</param>
    public AdamW(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
        : base(learningRate, beta1, beta2, epsilon, weightDecay)
    {
    }

    /// <inheritdoc/>
    protected override bool DecoupledWeightDecay => true;
}
