using System;
using Corgi.Kernels;

namespace Corgi;

// Element-wise mathematical functions (torch's sin ... hypot): value kernel and local derivative side by side.
// Each derivative is written in tensor ops, so second derivatives come from the same declarations.
public sealed partial class Tensor
{
    private const double Ln2 = 0.69314718055994530942;
    private const double Ln10 = 2.30258509299404568402;
    // 2 / sqrt(pi), the factor of erf's derivative
    private const double TwoOverSqrtPi = 1.12837916709551257390;

    /// <summary>Element-wise sine; derivative cos x.</summary>
    public Tensor Sin() => Unary<SinOperator>("sin", static (g, _, x, _) => g.Mul(x[0].Cos()));

    /// <summary>Element-wise cosine; derivative -sin x.</summary>
    public Tensor Cos() => Unary<CosOperator>("cos", static (g, _, x, _) => g.Mul(x[0].Sin()).Neg());

    /// <summary>Element-wise tangent; derivative 1 + tan² x.</summary>
    public Tensor Tan() => Unary<TanOperator>("tan", static (g, r, _, _) => g.Mul(Number(1).Add(r.Mul(r))));

    /// <summary>Element-wise arcsine (NaN outside [-1, 1]); derivative 1 / sqrt(1 - x²).</summary>
    public Tensor Asin() =>
        Unary<AsinOperator>("asin", static (g, _, x, _) => g.Mul(Number(1).Sub(x[0].Mul(x[0])).Rsqrt()));

    /// <summary>Element-wise arccosine (NaN outside [-1, 1]); derivative -1 / sqrt(1 - x²).</summary>
    public Tensor Acos() =>
        Unary<AcosOperator>("acos", static (g, _, x, _) => g.Mul(Number(1).Sub(x[0].Mul(x[0])).Rsqrt()).Neg());

    /// <summary>Element-wise arctangent; derivative 1 / (1 + x²).</summary>
    public Tensor Atan() =>
        Unary<AtanOperator>("atan", static (g, _, x, _) => g.Div(Number(1).Add(x[0].Mul(x[0]))));

    /// <summary>
    /// Element-wise four-quadrant arctangent of this / <paramref name="other"/> with broadcasting, like
    /// <c>torch.atan2(input, other)</c>: <c>y.Atan2(x)</c> is the angle of the point (x, y).
    /// </summary>
    /// <remarks>Derivatives: d/dy = x / (x² + y²), d/dx = -y / (x² + y²).</remarks>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Atan2(Tensor other) =>
        Binary<Atan2Operator>("atan2", this, other, static (g, _, x, i) =>
        {
            var (y, xx) = (x[0], x[1]);
            var r2 = y.Mul(y).Add(xx.Mul(xx));
            return i == 0 ? g.Mul(xx).Div(r2) : g.Mul(y).Div(r2).Neg();
        });

    /// <summary>Element-wise hyperbolic sine; derivative cosh x.</summary>
    public Tensor Sinh() => Unary<SinhOperator>("sinh", static (g, _, x, _) => g.Mul(x[0].Cosh()));

    /// <summary>Element-wise hyperbolic cosine; derivative sinh x.</summary>
    public Tensor Cosh() => Unary<CoshOperator>("cosh", static (g, _, x, _) => g.Mul(x[0].Sinh()));

    /// <summary>Element-wise inverse hyperbolic sine; derivative 1 / sqrt(x² + 1).</summary>
    public Tensor Asinh() =>
        Unary<AsinhOperator>("asinh", static (g, _, x, _) => g.Mul(x[0].Mul(x[0]).Add(Number(1)).Rsqrt()));

    /// <summary>Element-wise inverse hyperbolic cosine (NaN below 1); derivative 1 / sqrt(x² - 1).</summary>
    public Tensor Acosh() =>
        Unary<AcoshOperator>("acosh", static (g, _, x, _) => g.Mul(x[0].Mul(x[0]).Sub(Number(1)).Rsqrt()));

    /// <summary>Element-wise inverse hyperbolic tangent (NaN outside [-1, 1]); derivative 1 / (1 - x²).</summary>
    public Tensor Atanh() =>
        Unary<AtanhOperator>("atanh", static (g, _, x, _) => g.Div(Number(1).Sub(x[0].Mul(x[0]))));

    /// <summary>Element-wise 2^x; derivative 2^x ln 2.</summary>
    public Tensor Exp2() => Unary<Exp2Operator>("exp2", static (g, r, _, _) => g.Mul(r).Mul(Number(Ln2)));

    /// <summary>Element-wise e^x - 1, accurate near 0 (ExpM1(1e-20) = 1e-20, where Exp() - 1 gives 0); derivative e^x.</summary>
    public Tensor Expm1() => Unary<Pointwise<ExpM1Function>>("expm1", static (g, r, _, _) => g.Mul(r.Add(Number(1))));

    /// <summary>Element-wise base-2 logarithm; derivative 1 / (x ln 2).</summary>
    public Tensor Log2() => Unary<Log2Operator>("log2", static (g, _, x, _) => g.Div(x[0].Mul(Number(Ln2))));

    /// <summary>Element-wise base-10 logarithm; derivative 1 / (x ln 10).</summary>
    public Tensor Log10() => Unary<Log10Operator>("log10", static (g, _, x, _) => g.Div(x[0].Mul(Number(Ln10))));

    /// <summary>Element-wise log(1 + x), accurate near 0 (Log1p(1e-20) = 1e-20, where (1 + x).Log() gives 0); derivative 1 / (1 + x).</summary>
    public Tensor Log1p() => Unary<Pointwise<Log1PFunction>>("log1p", static (g, _, x, _) => g.Div(x[0].Add(Number(1))));

    /// <summary>Element-wise 1 / sqrt(x); derivative -1 / (2 x^(3/2)) = -r³ / 2.</summary>
    public Tensor Rsqrt() =>
        Unary<ReciprocalSqrtOperator>("rsqrt", static (g, r, _, _) => g.Mul(r.Mul(r).Mul(r)).Mul(Number(-0.5)));

    /// <summary>Element-wise error function erf(x) = 2/sqrt(pi) ∫₀ˣ e^(-t²) dt; derivative 2/sqrt(pi) e^(-x²).</summary>
    public Tensor Erf() =>
        Unary<ErfOperator>("erf", static (g, _, x, _) => g.Mul(x[0].Mul(x[0]).Neg().Exp()).Mul(Number(TwoOverSqrtPi)));

    /// <summary>Element-wise complementary error function 1 - erf(x), accurate in the tail (erfc(10) ≈ 2.09e-45 in float64); derivative -2/sqrt(pi) e^(-x²).</summary>
    public Tensor Erfc() =>
        Unary<ErfcOperator>("erfc", static (g, _, x, _) => g.Mul(x[0].Mul(x[0]).Neg().Exp()).Mul(Number(-TwoOverSqrtPi)));

    /// <summary>Element-wise floor (largest integer not above x); the derivative is 0, as in PyTorch.</summary>
    public Tensor Floor() => Unary<FloorOperator>("floor", static (_, _, x, _) => ZerosLike(x[0]));

    /// <summary>Element-wise ceiling (smallest integer not below x); the derivative is 0.</summary>
    public Tensor Ceil() => Unary<CeilingOperator>("ceil", static (_, _, x, _) => ZerosLike(x[0]));

    /// <summary>Element-wise rounding to the nearest integer, halves to even as PyTorch (round(2.5) = 2, round(-0.5) = -0); the derivative is 0.</summary>
    public Tensor Round() => Unary<RoundOperator>("round", static (_, _, x, _) => ZerosLike(x[0]));

    /// <summary>
    /// Element-wise rounding to <paramref name="decimals"/> decimal places (negative: to tens, hundreds...), halves to
    /// even, computed as PyTorch's <c>round(input, decimals)</c>: round(x 10^d) / 10^d; the derivative is 0.
    /// </summary>
    public Tensor Round(int decimals)
    {
        if (decimals == 0) return Round();
        double scale = Math.Pow(10, decimals);
        return Mul(Number(scale)).Round().Div(Number(scale));
    }

    /// <summary>Element-wise truncation towards zero (torch.trunc); the derivative is 0.</summary>
    public Tensor Trunc() => Unary<TruncateOperator>("trunc", static (_, _, x, _) => ZerosLike(x[0]));

    /// <summary>
    /// Linear interpolation with broadcasting, like <c>torch.lerp(input, end, weight)</c>: this + weight (end - this).
    /// </summary>
    /// <remarks>Composed of add, sub and mul, so its derivatives (1 - w, w, end - start) come from theirs.</remarks>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Lerp(Tensor end, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(weight);
        ShapeUtil.Broadcast("lerp", ShapeUtil.Broadcast("lerp", _shape, end._shape), weight._shape);
        return Add(weight.Mul(end.Sub(this)));
    }

    /// <summary>Linear interpolation with a scalar weight: this + weight (end - this).</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Lerp(Tensor end, double weight) => Lerp(end, Number(weight));

    /// <summary>Element-wise sqrt(x² + y²) with broadcasting, without overflow of the squares; derivatives x / r and y / r.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Hypot(Tensor other) =>
        Binary<HypotOperator>("hypot", this, other, static (g, r, x, i) => g.Mul(x[i]).Div(r));
}
